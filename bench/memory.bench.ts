// Bounded memory: the import and the rebuild of a ~1M-event world (and, with BENCH_MEMORY_10M=1, a
// ~10M-event one: about 11 GB of disk for the file and as much for the databases) under
// CLOSEDLOOP_MEMORY_LIMIT (BENCH_MEMORY_LIMIT, 2GB), each in its own process: peak RSS and events/s,
// beside DuckDB's own reader under the same limit. Target: peak RSS under 4 GB for both sizes.
// Knobs: BENCH_MEMORY_DAYS (84), BENCH_MEMORY_VISITORS (3000; the ~10M world uses ten times as many).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '../src/sim/index.js';
import { loadInChild } from './support/load.js';
import type { BenchResult } from './types.js';

const LIMIT = process.env.BENCH_MEMORY_LIMIT ?? '2GB';
const DAYS = Number(process.env.BENCH_MEMORY_DAYS ?? 84);
const VISITORS = Number(process.env.BENCH_MEMORY_VISITORS ?? 3000);
const WITH_10M = process.env.BENCH_MEMORY_10M === '1';
const TARGET_RSS = '< 4,096';

/** A world's size for figure names: `~1.0M events` (the same in every run: the simulator is seeded). */
const sizeLabel = (n: number) =>
  `~${n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : `${Math.round(n / 1e3)}k`} events`;

async function world(visitors: number): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-memory-'));
  try {
    const sim = await simulate(
      { seed: 1, days: DAYS, visitorsPerDay: visitors, end: '2026-10-31' },
      { outDir: dir },
    );
    const label = sizeLabel(sim.record.events.total);
    const file = join(dir, 'events.ndjson');
    const native = loadInChild('native', [file, join(dir, 'native')], LIMIT);
    rmSync(join(dir, 'native'), { recursive: true, force: true }); // disk: only one database at a time
    const imported = loadInChild('cli', [file, join(dir, 'cli')], LIMIT);
    if (imported.events !== sim.record.events.total)
      throw new Error(`${label}: imported ${imported.events} of ${sim.record.events.total} events`);
    const rebuilt = loadInChild('rebuild', [join(dir, 'cli')], LIMIT);
    const rate = (r: { events: number; seconds: number }) => r.events / r.seconds;
    const n = `${sim.record.events.total.toLocaleString('en-US')} events, CLOSEDLOOP_MEMORY_LIMIT=${LIMIT}`;
    return [
      {
        name: `${label}: DuckDB read_ndjson, same limit (baseline)`,
        value: rate(native),
        unit: 'events/s',
        note: `${n}; peak RSS ${native.peakRssMiB.toFixed(0)} MiB`,
      },
      {
        name: `${label}: closedloop import events (end to end)`,
        value: rate(imported),
        unit: 'events/s',
        note: `${imported.seconds.toFixed(1)} s`,
      },
      {
        name: `${label}: import / native reader`,
        value: rate(imported) / rate(native),
        unit: 'ratio',
        target: '>= 0.75',
      },
      {
        name: `${label}: import peak RSS`,
        value: imported.peakRssMiB,
        unit: 'MiB',
        target: TARGET_RSS,
      },
      {
        name: `${label}: closedloop rebuild`,
        value: rate(rebuilt),
        unit: 'events/s',
        note: `${rebuilt.seconds.toFixed(1)} s`,
      },
      {
        name: `${label}: rebuild peak RSS`,
        value: rebuilt.peakRssMiB,
        unit: 'MiB',
        target: TARGET_RSS,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  const out = await world(VISITORS);
  if (WITH_10M) out.push(...(await world(VISITORS * 10)));
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
