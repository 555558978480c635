// Bulk load of ~1M simulated events: `closedloop import events` against DuckDB's own JSON reader on the
// same file in the same run (each in its own process, fresh database, checkpoint included).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulate } from '../src/sim/index.js';
import type { BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const DAYS = Number(process.env.BENCH_SIM_DAYS ?? 84);
const VISITORS = Number(process.env.BENCH_SIM_VISITORS ?? 3000);

function load(mode: string, file: string, dir: string): { seconds: number; events: number; peakRssMiB: number } {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'support/bulk-load-worker.ts'), mode, file, dir], { encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`${mode} load failed: ${r.stderr}`);
  return JSON.parse(line) as { seconds: number; events: number; peakRssMiB: number };
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-bulk-'));
  try {
    const sim = await simulate({ seed: 1, days: DAYS, visitorsPerDay: VISITORS, end: '2026-10-31' }, { outDir: dir });
    const file = join(dir, 'events.ndjson');
    const native = load('native', file, join(dir, 'native'));
    const ours = load('closedloop', file, join(dir, 'ours'));
    if (ours.events !== sim.record.events.total) throw new Error(`imported ${ours.events} of ${sim.record.events.total} events`);
    const nativeRate = native.events / native.seconds;
    const ourRate = ours.events / ours.seconds;
    return [
      { name: 'events in the file', value: ours.events, unit: 'events', note: `simulator seed 1, ${DAYS} days x ${VISITORS} visitors/day` },
      { name: 'DuckDB read_ndjson into a table (baseline)', value: nativeRate, unit: 'events/s', note: `${native.seconds.toFixed(2)} s, peak RSS ${native.peakRssMiB.toFixed(0)} MiB` },
      { name: 'closedloop import events', value: ourRate, unit: 'events/s', target: '>= 300,000', note: `${ours.seconds.toFixed(2)} s, peak RSS ${ours.peakRssMiB.toFixed(0)} MiB` },
      { name: 'import / native reader', value: ourRate / nativeRate, unit: 'ratio', target: '>= 0.75' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
