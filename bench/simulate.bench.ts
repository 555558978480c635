/**
 * Simulator throughput and memory: the same visitors per day over 10 days (~100k events) and 84 days
 * (~1M events), each in its own process so peak RSS belongs to that run alone. Flat memory shows as
 * a live heap that stops growing once the population of active people is in steady state (a few weeks
 * in): the simulator keeps only people with something still to come, not history. Peak RSS of the short
 * run is lower because it ends before that steady state.
 *
 * Run alone: npx tsx bench/simulate.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulate } from '../src/sim/index.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

interface ChildResult {
  events: number;
  ms: number;
  peakRssMb: number;
  bytes: number;
  /** Live heap after a full GC at half and three quarters of the run: equal when memory is flat. */
  liveHeapMidMb: number;
  liveHeapEndMb: number;
}

const VISITORS_PER_DAY = 3000;
const CHILD_ENV = 'CLOSEDLOOP_SIM_BENCH_DAYS';

async function child(days: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-sim-bench-'));
  try {
    const gc = (globalThis as { gc?: () => void }).gc;
    const live = (): number => {
      gc?.();
      return process.memoryUsage().heapUsed / 1e6;
    };
    let liveHeapMidMb = 0;
    let liveHeapEndMb = 0;
    let gcMs = 0;
    const onProgress = (p: { day: number; days: number }): void => {
      // Not the last day: by then every timeline has ended and the heap is empty.
      const late = Math.ceil((p.days * 3) / 4);
      if (p.day !== Math.ceil(p.days / 2) && p.day !== late) return;
      const g0 = performance.now();
      if (p.day === late) liveHeapEndMb = live();
      else liveHeapMidMb = live();
      gcMs += performance.now() - g0;
    };
    const t0 = performance.now();
    const s = await simulate(
      { seed: 1, days, visitorsPerDay: VISITORS_PER_DAY, end: '2026-03-31', onProgress },
      { outDir: dir },
    );
    const ms = performance.now() - t0 - gcMs;
    const { statSync } = await import('node:fs');
    const bytes = statSync(join(dir, 'events.ndjson')).size;
    const result: ChildResult = {
      events: s.record.events.total,
      ms,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      bytes,
      liveHeapMidMb,
      liveHeapEndMb,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(days: number): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const res = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self], {
    env: { ...process.env, [CHILD_ENV]: String(days) },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`simulate bench child failed: ${res.stderr}`);
  const line = res.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ChildResult;
}

export async function run(): Promise<BenchResult[]> {
  const small = runChild(14);
  const large = runChild(84);
  const note = (r: ChildResult): string =>
    `${r.events} events, ${(r.bytes / 1e6).toFixed(0)} MB NDJSON, ${VISITORS_PER_DAY} visitors/day`;
  return [
    {
      name: 'simulate throughput (~100k events)',
      value: Math.round(small.events / (small.ms / 1000)),
      unit: 'events/s',
      note: note(small),
    },
    {
      name: 'simulate throughput (~1M events)',
      value: Math.round(large.events / (large.ms / 1000)),
      unit: 'events/s',
      note: note(large),
    },
    {
      name: 'simulate peak RSS (~100k events)',
      value: Math.round(small.peakRssMb),
      unit: 'MB',
      note: note(small),
    },
    {
      name: 'simulate peak RSS (~1M events)',
      value: Math.round(large.peakRssMb),
      unit: 'MB',
      note: note(large),
    },
    {
      name: 'simulate live heap at mid-run (~1M-event run)',
      value: Math.round(large.liveHeapMidMb),
      unit: 'MB',
      note: 'after a full GC, day 42 of 84',
    },
    {
      name: 'simulate live heap at three quarters (~1M-event run)',
      value: Math.round(large.liveHeapEndMb),
      unit: 'MB',
      note: 'after a full GC, day 63 of 84: flat when close to mid-run',
    },
  ];
}

const invokedDirectly =
  process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  const days = process.env[CHILD_ENV];
  if (days !== undefined) {
    await child(Number(days));
  } else {
    for (const r of await run())
      console.log(`${r.name}: ${r.value} ${r.unit}${r.note ? ` (${r.note})` : ''}`);
  }
}
