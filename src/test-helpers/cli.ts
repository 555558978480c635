import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { readServerFile } from '../server/admin-credential.js';
import { cliStoreEnv } from './child-store.js';
import { freePort } from './port.js';

const MAIN = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `closedloop` CLI in a child process (through tsx, no build needed), on the store the
 * test's own openTestStore opens for its data directory (child-store.ts), unless `env` names one.
 */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
  /** What the command reads on standard input (none: stdin is closed). */
  stdin?: string,
): Promise<CliRun> {
  const storeEnv = await cliStoreEnv(args, env, cwd);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      env: { ...process.env, ...storeEnv, ...env },
      cwd,
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export interface RunningCli {
  pid: number;
  /** Output so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Sends a signal (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the real `closedloop` CLI as a long-running child (e.g. `serve`), on the store as runCli; the
 * caller stops it.
 */
export async function startCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<RunningCli> {
  const storeEnv = await cliStoreEnv(args, env);
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, ...storeEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    pid: child.pid!,
    output: () => ({ stdout, stderr }),
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * `closedloop serve` on a data directory (loopback, a free port, no Demo), once it has written server.json
 * (or failing with what it printed, if it exits first). The caller stops it.
 */
export async function serveCli(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{ server: RunningCli; url: string; port: number }> {
  const port = await freePort();
  const server = await startCli(
    ['serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir, '--no-demo'],
    env,
  );
  let ended = false;
  void server.exited.then(() => (ended = true));
  for (;;) {
    const info = readServerFile(dataDir);
    if (info) return { server, url: info.url, port };
    if (ended)
      throw new Error(`the server exited: ${server.output().stderr}${server.output().stdout}`);
    await sleep(100);
  }
}

/**
 * A GET with these headers; the body is always read (a response left unread holds its connection open,
 * and the server's close waits for it).
 */
export async function apiGet(
  url: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; json: () => unknown }> {
  const res = await fetch(`${url}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, json: () => JSON.parse(text) as unknown };
}

/** Two leads: one from a Google Ads click, one from a newsletter (first touch credits each its own channel). */
export const TWO_LEADS: readonly Record<string, unknown>[] = [
  {
    type: 'page',
    messageId: 'a1',
    anonymousId: 'anon-a',
    timestamp: '2026-05-01T10:00:00Z',
    context: { page: { url: 'https://acme.io/?gclid=abc' } },
  },
  {
    type: 'identify',
    messageId: 'a2',
    anonymousId: 'anon-a',
    timestamp: '2026-05-01T10:05:00Z',
    traits: { email: 'a@acme.io' },
  },
  {
    type: 'page',
    messageId: 'b1',
    anonymousId: 'anon-b',
    timestamp: '2026-05-02T10:00:00Z',
    context: { page: { url: 'https://acme.io/?utm_source=newsletter&utm_medium=email' } },
  },
  {
    type: 'identify',
    messageId: 'b2',
    anonymousId: 'anon-b',
    timestamp: '2026-05-02T10:01:00Z',
    traits: { email: 'b@acme.io' },
  },
];

/**
 * A workspace made and filled through the real CLI (`workspace create`, `import events`), with `env`
 * over the process's; its id.
 */
export async function cliWorkspaceWith(
  dir: string,
  events: readonly unknown[],
  env: Record<string, string> = {},
): Promise<string> {
  const created = await runCli(
    [
      ...['workspace', 'create', 'Acme', '--currency', 'USD', '--timezone', 'UTC'],
      ...['--data-dir', dir, '--json'],
    ],
    env,
  );
  if (created.code !== 0) throw new Error(`workspace create: ${created.stderr}`);
  const ws = (JSON.parse(created.stdout) as { id: string }).id;
  const file = join(dir, 'events.ndjson');
  writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n'));
  const imported = await runCli(
    ['import', 'events', file, '--workspace', ws, '--data-dir', dir],
    env,
  );
  if (imported.code !== 0) throw new Error(`import events: ${imported.stderr}`);
  return ws;
}
