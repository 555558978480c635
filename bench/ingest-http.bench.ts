// Ingestion over HTTP on a real server (child process) driven by wrk (Debian's, a C load generator that
// leaves the CPU to the server):
// single-event requests with durable ack against a bare handler on the same server, /v1/batch with
// 100 events per request, p99 latencies.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = 64;

interface Run {
  reqPerSec: number;
  p99: number;
  non2xx: number;
}

function ensureWrk(): void {
  if (spawnSync('wrk', ['--version']).error === undefined) return;
  if (process.getuid?.() === 0) spawnSync('bash', ['-c', 'apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)'], { stdio: 'inherit' });
  if (spawnSync('wrk', ['--version']).error !== undefined) throw new Error("this benchmark needs wrk: 'apt-get install wrk'");
}

function load(url: string, body: string, auth: string): Run {
  const r = spawnSync('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${DURATION_S}s`, '--latency', '-s', join(here, 'support/wrk-post.lua'), url], {
    env: { ...process.env, WRK_BODY: body, WRK_AUTH: auth },
    encoding: 'utf8',
  });
  const m = /RESULT (\{.*\})/.exec(r.stdout);
  if (!m) throw new Error(`wrk failed: ${r.stderr || r.stdout}`);
  const j = JSON.parse(m[1]!) as { requests: number; duration_us: number; non2xx: number; p99_us: number };
  return { reqPerSec: j.requests / (j.duration_us / 1e6), p99: j.p99_us / 1000, non2xx: j.non2xx };
}

export async function run(): Promise<BenchResult[]> {
  ensureWrk();
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-bench-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'support/bench-server.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [port, writeKey] = await new Promise<[string, string]>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        const m = /READY (\d+) (\S+)/.exec(d.toString());
        if (m) resolve([m[1]!, m[2]!]);
      });
      child.once('exit', () => reject(new Error('bench server exited')));
    });
    const base = `http://127.0.0.1:${port}`;
    const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
    const single = JSON.stringify({ anonymousId: 'bench-anon', event: 'Bench', messageId: '%ID%', properties: { plan: 'pro', value: 42 } });
    const batch = JSON.stringify({
      batch: Array.from({ length: 100 }, (_, i) => ({
        type: 'page',
        anonymousId: `anon-${i % 17}`,
        messageId: `%ID%-${i}`,
        name: 'Pricing',
        properties: { path: '/pricing', url: 'https://acme.io/pricing?utm_source=google&utm_medium=cpc' },
        context: { page: { url: 'https://acme.io/pricing?utm_source=google&utm_medium=cpc', referrer: 'https://www.google.com/' } },
      })),
    });

    const bare = load(`${base}/bench/bare`, single, auth);
    const durable = load(`${base}/v1/track`, single, auth);
    const batched = load(`${base}/v1/batch`, batch, auth);
    const count = ((await (await fetch(`${base}/bench/count`)).json()) as { events: number }).events;
    const expected = Math.round(durable.reqPerSec * DURATION_S + batched.reqPerSec * DURATION_S * 100);
    return [
      { name: 'bare handler (same server, no store)', value: bare.reqPerSec, unit: 'req/s', note: `p99 ${bare.p99.toFixed(1)} ms, ${CONNECTIONS} connections, ${DURATION_S} s` },
      { name: 'single event, durable ack (/v1/track)', value: durable.reqPerSec, unit: 'req/s', note: `p99 ${durable.p99.toFixed(1)} ms; non-2xx ${durable.non2xx}` },
      { name: 'durable / bare ratio', value: durable.reqPerSec / bare.reqPerSec, unit: 'ratio', target: '>= 0.7' },
      { name: '/v1/batch, 100 events per request', value: batched.reqPerSec * 100, unit: 'events/s', target: '>= 100,000', note: `p99 ${batched.p99.toFixed(1)} ms; non-2xx ${batched.non2xx}` },
      { name: 'events stored (check)', value: count, unit: 'events', note: `~${expected} expected from the request rates` },
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
