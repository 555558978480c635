// Bulk load of ~1M simulated events, each load in its own process on a fresh database: the engine's own
// JSON reader (the baseline), the store's import alone, and what the user runs, `closedloop import
// events FILE --workspace W` end to end (the import and the derive after it). Peak RSS of each.
// Engines (BENCH_ENGINES=duckdb,clickhouse, both by default; `duckdb` alone gives DuckDB's rows only, as
// before ClickHouse was measured): DuckDB, then ClickHouse embedded in the process through chdb
// (CLOSEDLOOP_STORE=chdb:///path, the control plane in the DuckDB file beside it), whose baseline is
// ClickHouse's file(..., JSONEachRow) into a MergeTree table. The ClickHouse figures are the embedded
// engine's: a server would add the HTTP round trips and gzip, and take the engine's memory out of the
// process. DuckDB runs under CLOSEDLOOP_MEMORY_LIMIT; ClickHouse's store does not take it (chdb keeps its
// own default, a share of the machine's memory). Ratios ClickHouse / DuckDB are of seconds (above 1:
// ClickHouse slower) and of peak RSS. Knobs: BENCH_SIM_DAYS (84), BENCH_SIM_VISITORS (3000).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '../src/sim/index.js';
import { benchEngines, chdbStoreUrl } from './support/engines.js';
import { loadInChild, type LoadRun } from './support/load.js';
import type { BenchResult } from './types.js';

const DAYS = Number(process.env.BENCH_SIM_DAYS ?? 84);
const VISITORS = Number(process.env.BENCH_SIM_VISITORS ?? 3000);

interface Loads {
  native: LoadRun;
  store: LoadRun;
  cli: LoadRun;
}

const rate = (r: { events: number; seconds: number }) => r.events / r.seconds;

/** The three loads on one engine, each on a fresh directory removed after it (disk: one at a time). */
function loadAll(file: string, root: string, total: number, clickhouse: boolean): Loads {
  const one = (mode: 'native' | 'store' | 'cli'): LoadRun => {
    const dir = join(root, `${clickhouse ? 'ch-' : ''}${mode}`);
    try {
      const r = loadInChild(
        mode,
        [file, dir],
        undefined,
        clickhouse ? chdbStoreUrl(dir) : undefined,
      );
      if (mode !== 'native' && r.events !== total)
        throw new Error(
          `${clickhouse ? 'ClickHouse ' : ''}${mode}: imported ${r.events} of ${total} events`,
        );
      return r;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return { native: one('native'), store: one('store'), cli: one('cli') };
}

/** DuckDB's rows, as they were before ClickHouse was measured beside them. */
function duckDbResults({ native, store, cli }: Loads): BenchResult[] {
  return [
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
}

function clickHouseResults({ native, store, cli }: Loads): BenchResult[] {
  const n = 'ClickHouse (chdb)';
  return [
    {
      name: `${n}: file() JSONEachRow into a MergeTree table (baseline)`,
      value: rate(native),
      unit: 'events/s',
      note: `${native.seconds.toFixed(2)} s, schema inferred by ClickHouse`,
    },
    {
      name: `${n}: closedloop import events, end to end (import + derive)`,
      value: rate(cli),
      unit: 'events/s',
      note: `${cli.seconds.toFixed(2)} s: what the command takes with CLOSEDLOOP_STORE=chdb:///...`,
    },
    { name: `${n}: end to end / native reader`, value: rate(cli) / rate(native), unit: 'ratio' },
    {
      name: `${n}: store import alone (no derive)`,
      value: rate(store),
      unit: 'events/s',
      note: `${store.seconds.toFixed(2)} s: lines checked and loaded by ClickHouse (file(), SQL of the event rules)`,
    },
    {
      name: `${n}: store import alone / native reader`,
      value: rate(store) / rate(native),
      unit: 'ratio',
    },
    { name: `${n}: peak RSS: native reader`, value: native.peakRssMiB, unit: 'MiB' },
    {
      name: `${n}: peak RSS: closedloop import events (end to end)`,
      value: cli.peakRssMiB,
      unit: 'MiB',
    },
    { name: `${n}: peak RSS: store import alone`, value: store.peakRssMiB, unit: 'MiB' },
  ];
}

/** ClickHouse against DuckDB: seconds (the targets: import faster, end to end within 2x) and peak RSS. */
function comparison(duck: Loads, ch: Loads): BenchResult[] {
  const n = 'ClickHouse / DuckDB';
  const secs = (what: keyof Loads) => ch[what].seconds / duck[what].seconds;
  const rss = (what: keyof Loads) => ch[what].peakRssMiB / duck[what].peakRssMiB;
  return [
    {
      name: `${n} seconds: native reader`,
      value: secs('native'),
      unit: 'ratio',
      note: 'each engine its own reader; above 1: ClickHouse slower',
    },
    {
      name: `${n} seconds: store import alone`,
      value: secs('store'),
      unit: 'ratio',
      target: '< 1',
    },
    {
      name: `${n} seconds: closedloop import events (end to end)`,
      value: secs('cli'),
      unit: 'ratio',
      target: '<= 2',
    },
    { name: `${n} peak RSS: store import alone`, value: rss('store'), unit: 'ratio' },
    {
      name: `${n} peak RSS: closedloop import events (end to end)`,
      value: rss('cli'),
      unit: 'ratio',
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const engines = benchEngines();
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-bulk-'));
  try {
    const sim = await simulate(
      { seed: 1, days: DAYS, visitorsPerDay: VISITORS, end: '2026-10-31' },
      { outDir: dir },
    );
    const file = join(dir, 'events.ndjson');
    const total = sim.record.events.total;
    const duck = engines.includes('duckdb') ? loadAll(file, dir, total, false) : undefined;
    const ch = engines.includes('clickhouse') ? loadAll(file, dir, total, true) : undefined;
    return [
      {
        name: 'events in the file',
        value: total,
        unit: 'events',
        note: `simulator seed 1, ${DAYS} days x ${VISITORS} visitors/day`,
      },
      ...(duck ? duckDbResults(duck) : []),
      ...(ch ? clickHouseResults(ch) : []),
      ...(duck && ch ? comparison(duck, ch) : []),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
