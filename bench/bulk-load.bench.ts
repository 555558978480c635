// Bulk load of ~1M simulated events, each load in its own process on a fresh database: DuckDB's own
// JSON reader (the baseline), the store's import alone, and what the user runs, `closedloop import
// events FILE --workspace W` end to end (the import and the derive after it). Peak RSS of each.
// Knobs: BENCH_SIM_DAYS (84), BENCH_SIM_VISITORS (3000).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '../src/sim/index.js';
import { loadInChild } from './support/load.js';
import type { BenchResult } from './types.js';

const DAYS = Number(process.env.BENCH_SIM_DAYS ?? 84);
const VISITORS = Number(process.env.BENCH_SIM_VISITORS ?? 3000);

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-bulk-'));
  try {
    const sim = await simulate(
      { seed: 1, days: DAYS, visitorsPerDay: VISITORS, end: '2026-10-31' },
      { outDir: dir },
    );
    const file = join(dir, 'events.ndjson');
    const native = loadInChild('native', [file, join(dir, 'native')]);
    const store = loadInChild('store', [file, join(dir, 'store')]);
    const cli = loadInChild('cli', [file, join(dir, 'cli')]);
    for (const [what, r] of [
      ['store', store],
      ['cli', cli],
    ] as const) {
      if (r.events !== sim.record.events.total)
        throw new Error(`${what}: imported ${r.events} of ${sim.record.events.total} events`);
    }
    const rate = (r: { events: number; seconds: number }) => r.events / r.seconds;
    return [
      {
        name: 'events in the file',
        value: sim.record.events.total,
        unit: 'events',
        note: `simulator seed 1, ${DAYS} days x ${VISITORS} visitors/day`,
      },
      {
        name: 'DuckDB read_ndjson into a table (baseline)',
        value: rate(native),
        unit: 'events/s',
        note: `${native.seconds.toFixed(2)} s`,
      },
      {
        name: 'closedloop import events, end to end (import + derive)',
        value: rate(cli),
        unit: 'events/s',
        note: `${cli.seconds.toFixed(2)} s: what the command takes`,
      },
      { name: 'end to end / native reader', value: rate(cli) / rate(native), unit: 'ratio' },
      {
        name: 'store import alone (no derive)',
        value: rate(store),
        unit: 'events/s',
        target: '>= 300,000',
        note: `${store.seconds.toFixed(2)} s`,
      },
      {
        name: 'store import alone / native reader',
        value: rate(store) / rate(native),
        unit: 'ratio',
        target: '>= 0.75',
      },
      { name: 'peak RSS: native reader', value: native.peakRssMiB, unit: 'MiB' },
      {
        name: 'peak RSS: closedloop import events (end to end)',
        value: cli.peakRssMiB,
        unit: 'MiB',
      },
      { name: 'peak RSS: store import alone', value: store.peakRssMiB, unit: 'MiB' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
