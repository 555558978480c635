/**
 * The reports as the dashboard asks for them (issue 17's bench): a Demo-like workspace seeded through the
 * paths users take (events, the CRM CSV, each ad platform's CSV, a rebuild; src/cli/demo.ts), ending
 * today, then a real server on it: every report of the registry (src/reports/index.ts) over HTTP with its
 * default view (the last 90 days where it takes a range), p50 and p95 of BENCH_REPORTS_REPEATS requests
 * after one warm-up, beside the engine's own bare scan of the workspace's events and GET /healthz in the
 * same run; and the ingest-to-report freshness (a page view's ack until the realtime or overview report
 * counts it; target <= 5 s). A report registered later is measured without touching this file.
 *
 * Engines: BENCH_ENGINES (both by default); each step in a child process (chdb: one data directory per
 * process). Size: BENCH_REPORTS_DAYS (90) x BENCH_REPORTS_VISITORS (3000 a day: ~1M events; 30000 for
 * the ~10M world, which needs its disk and memory: see derive.bench.ts).
 * Run alone: npx tsx bench/reports.bench.ts (prints JSON).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from './support/derive-live.js';
import { benchEngines, chdbStoreUrl, type BenchEngine } from './support/engines.js';
import type { SeedOutput, ServeOutput } from './support/reports-worker.js';
import type { BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const DAYS = Number(process.env.BENCH_REPORTS_DAYS ?? 90);
const VISITORS = Number(process.env.BENCH_REPORTS_VISITORS ?? 3000);
const REPEATS = Number(process.env.BENCH_REPORTS_REPEATS ?? 20);
const TARGET_P95_MS = 150;

function worker<T>(args: string[]): T {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(here, 'support/reports-worker.ts'), ...args],
    { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`reports worker ${args[0]} failed (${r.status}): ${r.stderr.slice(-4000)}`);
  return JSON.parse(line) as T;
}

const round = (v: number, digits = 1) => Number(v.toFixed(digits));
const approx = (n: number) =>
  n >= 1e6 ? `~${Math.round(n / 1e6)}M` : n >= 1e3 ? `~${Math.round(n / 1e3)}k` : String(n);

function engineResults(engine: BenchEngine, seeded: SeedOutput, s: ServeOutput): BenchResult[] {
  const on = engine === 'clickhouse' ? ' on ClickHouse' : '';
  const size = approx(seeded.events);
  const out: BenchResult[] = [
    {
      name: `${size}${on}: world seeded (events, CRM CSV, ad CSVs, rebuild)`,
      value: round(seeded.seconds),
      unit: 's',
      note: `${seeded.events} events, ${seeded.crmChanges} CRM changes, ${seeded.costRows} cost rows over ${DAYS} days ending today; peak RSS ${Math.round(seeded.peakRssMiB)} MiB`,
    },
    {
      name: `${size}${on}: bare scan of the workspace's events (baseline)`,
      value: round(s.baselineSeconds * 1000),
      unit: 'ms',
      note: `count and count distinct anonymous_id, the engine's own reader, median of 3 (${s.events} events)`,
    },
    {
      name: `${size}${on}: GET /healthz (baseline)`,
      value: round(percentile(s.healthzMs, 50), 2),
      unit: 'ms p50',
      note: `p95 ${round(percentile(s.healthzMs, 95), 2)} ms`,
    },
  ];
  for (const r of s.reports) {
    const path = `GET /api/reports/${r.name}${r.query ? `?${r.query}` : ''}`;
    if (r.status !== 200) {
      out.push({
        name: `${size}${on}: ${r.name} p95`,
        value: Number.NaN,
        unit: 'ms',
        note: `not measured: ${path} answered ${r.status}`,
      });
      continue;
    }
    const p50 = percentile(r.ms, 50);
    const p95 = percentile(r.ms, 95);
    out.push({
      name: `${size}${on}: ${r.name} p95`,
      value: round(p95),
      unit: 'ms',
      target: `<= ${TARGET_P95_MS}`,
      note: `p50 ${round(p50)} ms over ${r.ms.length} requests; ${round(p95 / (s.baselineSeconds * 1000), 1)}x the bare scan; ${path}`,
    });
  }
  out.push(
    s.freshnessMs
      ? {
          name: `${size}${on}: ingest to report freshness, p50`,
          value: round(percentile(s.freshnessMs, 50)),
          unit: 'ms',
          target: '<= 5000',
          note: `a page view's ack until the ${s.freshnessReport} report counted it; max ${round(Math.max(...s.freshnessMs))} ms over ${s.freshnessMs.length}`,
        }
      : {
          name: `${size}${on}: ingest to report freshness`,
          value: Number.NaN,
          unit: 'ms',
          target: '<= 5000',
          note: 'not measured: neither a realtime nor an overview report is registered yet',
        },
    {
      name: `${size}${on}: peak RSS of the server process`,
      value: Math.round(s.peakRssMiB),
      unit: 'MiB',
    },
  );
  return out;
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const engine of benchEngines()) {
    const dir = mkdtempSync(join(tmpdir(), 'closedloop-reports-bench-'));
    try {
      const store = engine === 'clickhouse' ? ['--store', chdbStoreUrl(dir)] : [];
      const seeded = worker<SeedOutput>(['seed', dir, String(DAYS), String(VISITORS), ...store]);
      const served = worker<ServeOutput>([
        'serve',
        dir,
        seeded.workspaceId,
        seeded.writeKey,
        seeded.secretKey,
        String(REPEATS),
        ...store,
      ]);
      results.push(...engineResults(engine, seeded, served));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
