// Ingestion over HTTP on a real server (child process) driven by wrk (Debian's, a C load generator that
// leaves the CPU to the server): single-event requests against a bare handler on the same server
// (measured in the same run), and /v1/batch with 100 events per request. Two rates for each: the
// durable ack rate (2xx responses per second: each one promises the events are on disk) and the stored
// rate (events in the store, loaded and derived, per second from the start of the load until the
// server has settled). Every run uses ids of its own (WRK_RUN_ID), so nothing is de-duplicated away.
// Beside the rates, the server's CPU time per event: on its main thread during the load (what caps the
// single-event ack rate), and over all its threads from the start of the load until settled (the
// engine's loading and deriving included). These vary less than the rates when the machine is shared.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);

interface Load {
  acked: number;
  ackPerSec: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function ensureWrk(): void {
  if (spawnSync('wrk', ['--version']).error === undefined) return;
  if (process.getuid?.() === 0)
    spawnSync(
      'bash',
      ['-c', 'apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)'],
      { stdio: 'inherit' },
    );
  if (spawnSync('wrk', ['--version']).error !== undefined)
    throw new Error("this benchmark needs wrk: 'apt-get install wrk'");
}

function load(url: string, body: string, auth: string): Load {
  const r = spawnSync(
    'wrk',
    [
      '-t2',
      `-c${CONNECTIONS}`,
      `-d${DURATION_S}s`,
      '--latency',
      '-s',
      join(here, 'support/wrk-post.lua'),
      url,
    ],
    {
      env: { ...process.env, WRK_BODY: body, WRK_AUTH: auth, WRK_RUN_ID: randomUUID() },
      encoding: 'utf8',
    },
  );
  const m = /RESULT (\{.*\})/.exec(r.stdout);
  if (!m) throw new Error(`wrk failed: ${r.stderr || r.stdout}`);
  const j = JSON.parse(m[1]!) as {
    requests: number;
    duration_us: number;
    non2xx: number;
    errors: number;
    p99_us: number;
  };
  const acked = j.requests - j.non2xx - j.errors;
  return {
    acked,
    ackPerSec: acked / (j.duration_us / 1e6),
    p99: j.p99_us / 1000,
    non2xx: j.non2xx,
    errors: j.errors,
  };
}

export async function run(): Promise<BenchResult[]> {
  ensureWrk();
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-bench-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, 'support/bench-server.ts'), dir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
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
    const settled = async () =>
      ((await (await fetch(`${base}/bench/settle`)).json()) as { events: number }).events;
    const cpu = async () =>
      (await (await fetch(`${base}/bench/cpu`)).json()) as { process: number; main: number | null };
    /** A load, then the wait until the store holds (and has derived) what it acknowledged. */
    const durableLoad = async (path: string, body: string, perRequest: number) => {
      const before = await settled();
      const c0 = await cpu();
      const t0 = performance.now();
      const l = load(`${base}${path}`, body, auth);
      const c1 = await cpu();
      const stored = (await settled()) - before;
      const seconds = (performance.now() - t0) / 1000;
      const c2 = await cpu();
      const events = l.acked * perRequest;
      const mainUs = c0.main === null || c1.main === null ? NaN : (c1.main - c0.main) / events;
      const allUs = (c2.process - c0.process) / events;
      // (requests still in flight when wrk stops may be stored without their ack reaching it: more is fine, less is a lost event)
      if (stored < l.acked * perRequest)
        throw new Error(
          `${path}: ${l.acked * perRequest} events acknowledged, only ${stored} stored`,
        );
      return { ...l, stored, storedPerSec: stored / seconds, seconds, mainUs, allUs };
    };
    const single = JSON.stringify({
      // a visitor per 8 requests (wrk-post.lua): one id for the whole load made each live derive
      // re-read one ever-growing history, a cost no real site has
      anonymousId: 'anon-%VISITOR%',
      event: 'Bench',
      messageId: '%ID%',
      properties: { plan: 'pro', value: 42 },
    });
    const batch = JSON.stringify({
      batch: Array.from({ length: 100 }, (_, i) => ({
        type: 'page',
        anonymousId: `anon-%ID%-${i % 17}`,
        messageId: `%ID%-${i}`,
        name: 'Pricing',
        properties: {
          path: '/pricing',
          url: 'https://acme.io/pricing?utm_source=google&utm_medium=cpc',
        },
        context: {
          page: {
            url: 'https://acme.io/pricing?utm_source=google&utm_medium=cpc',
            referrer: 'https://www.google.com/',
          },
        },
      })),
    });

    const b0 = await cpu();
    const bare = load(`${base}/bench/bare`, single, auth);
    const b1 = await cpu();
    const bareMainUs =
      b0.main === null || b1.main === null ? NaN : (b1.main - b0.main) / bare.acked;
    const one = await durableLoad('/v1/track', single, 1);
    const batched = await durableLoad('/v1/batch', batch, 100);
    const how = `${CONNECTIONS} connections, ${DURATION_S} s`;
    return [
      {
        name: 'bare handler (same server, no store)',
        value: bare.ackPerSec,
        unit: 'req/s',
        note: `p99 ${bare.p99.toFixed(1)} ms, ${how}`,
      },
      {
        name: 'bare handler: server main-thread CPU per request',
        value: bareMainUs,
        unit: 'µs',
      },
      {
        name: 'single event: durable ack rate (/v1/track 2xx)',
        value: one.ackPerSec,
        unit: 'req/s',
        note: `p99 ${one.p99.toFixed(1)} ms; non-2xx ${one.non2xx}, errors ${one.errors}`,
      },
      {
        name: 'single event: durable ack / bare handler',
        value: one.ackPerSec / bare.ackPerSec,
        unit: 'ratio',
        target: '>= 0.7',
      },
      {
        name: 'single event: server main-thread CPU per event (during the load)',
        value: one.mainUs,
        unit: 'µs',
      },
      {
        name: 'single event: server CPU per event, all threads (load and settle)',
        value: one.allUs,
        unit: 'µs',
      },
      {
        name: 'single event: stored rate (in the store, derived)',
        value: one.storedPerSec,
        unit: 'events/s',
        note: `${one.stored} events stored in ${one.seconds.toFixed(1)} s (load and settle)`,
      },
      {
        name: '/v1/batch (100 events/request): durable ack rate',
        value: batched.ackPerSec * 100,
        unit: 'events/s',
        target: '>= 250,000',
        note: `p99 ${batched.p99.toFixed(1)} ms; non-2xx ${batched.non2xx}, errors ${batched.errors}`,
      },
      {
        name: '/v1/batch: server main-thread CPU per event (during the load)',
        value: batched.mainUs,
        unit: 'µs',
      },
      {
        name: '/v1/batch: server CPU per event, all threads (load and settle)',
        value: batched.allUs,
        unit: 'µs',
      },
      {
        name: '/v1/batch: stored rate (in the store, derived)',
        value: batched.storedPerSec,
        unit: 'events/s',
        note: `${batched.stored} events stored in ${batched.seconds.toFixed(1)} s (load and settle)`,
      },
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
