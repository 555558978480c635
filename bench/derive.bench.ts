/**
 * The derive step. (1) Full rebuild of simulated worlds at ~100k, ~1M and ~10M events, each phase of
 * `rebuild` timed on its own (user agents, sessions, identity, milestones, credits), against a bare
 * DuckDB scan of the same events table (count and distinct anonymous ids) in the same run. (2)
 * Incremental latency through a real in-process server: a page view and an identify over HTTP until the
 * people API shows the person with the session, against GET /healthz on the same server, over each
 * world; and GET /api/people/:id/journey of 20 existing persons with an email. (3) The reports over the
 * credits the rebuild wrote: the attribution report by channel and the model comparison (no other bench
 * reads reports over the store). (4) Cost matching: the world's ad costs, written by the simulator's
 * platform writers as each platform's CSV export and imported with `closedloop import ads`'s code; then
 * the costs report by platform and campaign and tagging-health over the world's whole period, against a
 * bare count of the period's paid sessions on the same store. Each world is simulated once, in a process
 * of its own (the simulator writes each event to the NDJSON file as it goes: a few hundred MiB whatever
 * the size), and every engine imports that file; import and rebuild each run in a fresh process, so
 * their peak RSS is their own (the import's is taken before the ad costs'). DuckDB's import and rebuild
 * take what its memory limit allows (half the machine by default: about 2.2 GiB of RSS for the ~1M
 * import, 1.2 GiB under BENCH_DERIVE_MEMORY_LIMIT=2GB), so on a shared machine run the ~10M world with
 * a limit (e.g. 4GB). It needs about 25 GB of free disk per engine besides its 10 GB NDJSON file.
 *
 * Engines (BENCH_ENGINES=duckdb,clickhouse, both by default): DuckDB's figures keep their names;
 * ClickHouse's say "on ClickHouse", with rows ClickHouse / DuckDB (target <= 2). ClickHouse is embedded
 * through chdb (chdb:///path, the control plane in the DuckDB file beside it): the figures are the
 * embedded engine's, without a server's HTTP round trips, and its memory is inside the measured
 * process. chdb holds one data directory per process, so ClickHouse's live part runs in a child process
 * (derive-worker.ts live) while DuckDB's runs in this one, as before. ClickHouse imports the world from
 * the file DuckDB's import kept (the same seeded world, simulated once), through the store's import;
 * alone, it simulates its own. Its baseline scan runs on the store's chdb session.
 * A ClickHouse live run that fails (e.g. a derive past derive-live.ts's 60 s give-up) leaves a row
 * "repeats measured: 0" with the reason, rather than ending the suite.
 *
 * Run alone: npx tsx bench/derive.bench.ts (prints JSON). Knobs: BENCH_DERIVE_DAYS (84),
 * BENCH_DERIVE_SMALL_VISITORS (300), BENCH_DERIVE_LARGE_VISITORS (3000), BENCH_DERIVE_HUGE_VISITORS
 * (30000; 0 skips the ~10M world and extrapolates instead), BENCH_DERIVE_SIZES (small,large,huge by
 * default; `huge` alone measures only the ~10M world, so one session can afford it),
 * BENCH_DERIVE_MEMORY_LIMIT (DuckDB's memory limit in every step, e.g. 4GB; the product's default when
 * unset), BENCH_DERIVE_REPEATS (20), BENCH_DERIVE_LARGE_REPEATS and BENCH_DERIVE_HUGE_REPEATS (5 each;
 * 0 skips that live run).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureLiveDerive, percentile, type LiveTimings } from './support/derive-live.js';
import {
  approx,
  extrapolation,
  liveComparison,
  liveResults,
  rebuildComparison,
  rebuildResults,
  reportResults,
  costResults,
  round,
  type World,
} from './support/derive-results.js';
import type {
  ImportOutput,
  LiveOutput,
  RebuildOutput,
  SimulateOutput,
} from './support/derive-worker.js';
import { benchEngines, chdbStoreUrl, deriveSizes, type BenchEngine } from './support/engines.js';
import type { BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const DAYS = Number(process.env.BENCH_DERIVE_DAYS ?? 84);
const SMALL_VISITORS = Number(process.env.BENCH_DERIVE_SMALL_VISITORS ?? 300);
const LARGE_VISITORS = Number(process.env.BENCH_DERIVE_LARGE_VISITORS ?? 3000);
const REPEATS = Number(process.env.BENCH_DERIVE_REPEATS ?? 20);
const LARGE_REPEATS = Number(process.env.BENCH_DERIVE_LARGE_REPEATS ?? 5);
const HUGE_VISITORS = Number(process.env.BENCH_DERIVE_HUGE_VISITORS ?? 30000);
const HUGE_REPEATS = Number(process.env.BENCH_DERIVE_HUGE_REPEATS ?? 5);
const TARGET_EVENTS = 10_000_000;

function worker<T>(args: string[]): T {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(here, 'support/derive-worker.ts'), ...args],
    {
      encoding: 'utf8',
      maxBuffer: 16 * 2 ** 20,
    },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(
      `derive worker ${args.slice(0, 2).join(' ')} failed (${r.status}): ${r.stderr}`,
    );
  return JSON.parse(line) as T;
}

/** One size of world on each engine measured: DuckDB's and ClickHouse's, from the same simulation. */
interface Worlds {
  duckdb?: World;
  clickhouse?: World;
  /** Where each lives: the data directory, and the store URL (ClickHouse's). */
  places: Partial<Record<BenchEngine, { dir: string; store?: string }>>;
}

function rebuild(w: Omit<World, 'rebuilt' | 'label'>, dir: string, store?: string): World {
  const label = approx(w.imported.events);
  const { from, to } = w.imported.adCosts;
  const rebuilt = worker<RebuildOutput>([
    'rebuild',
    dir,
    w.imported.workspaceId,
    ...(store ? ['--store', store] : []),
    '--from',
    from,
    '--to',
    to,
  ]);
  const on = w.engine === 'duckdb' ? '' : ` on ${w.engine}`;
  if (rebuilt.events !== w.imported.events)
    throw new Error(`${label}${on}: scan saw ${rebuilt.events} of ${w.imported.events} events`);
  if (rebuilt.sessions === 0 || rebuilt.persons === 0)
    throw new Error(`${label}${on}: rebuild derived nothing`);
  return { ...w, label, rebuilt };
}

function buildWorlds(root: string, name: string, visitors: number): Worlds {
  const engines = benchEngines();
  const out: Worlds = { places: {} };
  const base = { visitors, days: DAYS };
  // simulated once, in a process of its own (its memory never adds to an import's), for every engine
  const worldDir = join(root, `${name}-world`);
  const simulated = worker<SimulateOutput>(['simulate', worldDir, String(DAYS), String(visitors)]);
  const file = join(worldDir, 'events.ndjson');
  const imports: Partial<Record<BenchEngine, ImportOutput>> = {};
  engines.forEach((engine, i) => {
    const dir = join(root, engine === 'duckdb' ? name : `${name}-clickhouse`);
    const store = engine === 'clickhouse' ? chdbStoreUrl(dir) : undefined;
    // the last engine's import removes the world's files
    const keep = i < engines.length - 1 ? ['--keep'] : [];
    const imported = worker<ImportOutput>([
      'import-file',
      dir,
      file,
      String(simulated.events),
      ...(store ? ['--store', store] : []),
      ...keep,
    ]);
    imports[engine] = { ...imported, simulated };
    out.places[engine] = store ? { dir, store } : { dir };
  });
  for (const engine of engines) {
    const place = out.places[engine]!;
    out[engine] = rebuild({ ...base, engine, imported: imports[engine]! }, place.dir, place.store);
  }
  rmSync(worldDir, { recursive: true, force: true });
  return out;
}

/** Rebuild and report figures of one size, each engine's, then ClickHouse against DuckDB. */
function worldResults({ duckdb, clickhouse }: Worlds): BenchResult[] {
  return [
    ...(duckdb ? rebuildResults(duckdb) : []),
    ...(clickhouse ? rebuildResults(clickhouse, duckdb) : []),
    ...(duckdb && clickhouse ? rebuildComparison(clickhouse, duckdb) : []),
    ...(duckdb ? reportResults(duckdb) : []),
    ...(clickhouse ? reportResults(clickhouse, duckdb) : []),
    ...(duckdb ? costResults(duckdb) : []),
    ...(clickhouse ? costResults(clickhouse, duckdb) : []),
  ];
}

const peakRss = (name: string, mib: number, what: string): BenchResult => ({
  name: `${name}: peak RSS of ${what} (server + client)`,
  value: Math.round(mib),
  unit: 'MiB',
});

/**
 * The live part over one size: DuckDB's server in this process (its peak RSS is this process's so far,
 * as before), ClickHouse's in a child process of its own.
 */
async function liveOf(ws: Worlds, repeats: number, withHealthz: boolean): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  let duck: LiveTimings | undefined;
  let ch: LiveOutput | undefined;
  if (ws.duckdb) {
    const w = ws.duckdb;
    duck = await measureLiveDerive(
      {
        dir: ws.places.duckdb!.dir,
        writeKey: w.imported.writeKey,
        secretKey: w.imported.secretKey,
      },
      repeats,
    );
    if (withHealthz) {
      out.push({
        name: `live ${w.label}: GET /healthz round trip (baseline)`,
        value: round(percentile(duck.healthzMs, 50), 2),
        unit: 'ms p50',
        note: `p95 ${percentile(duck.healthzMs, 95).toFixed(2)} ms, ${duck.healthzMs.length} requests`,
      });
    }
    out.push(...liveResults(w, duck));
    out.push(
      peakRss(`live ${w.label}`, process.resourceUsage().maxRSS / 1024, 'the bench process'),
    );
  }
  if (ws.clickhouse) {
    const w = ws.clickhouse;
    const { dir, store } = ws.places.clickhouse!;
    try {
      ch = worker<LiveOutput>([
        'live',
        dir,
        w.imported.writeKey,
        w.imported.secretKey,
        String(repeats),
        '--store',
        store!,
      ]);
      out.push(...liveResults(w, ch));
      out.push(peakRss(`live ${w.label} on ClickHouse`, ch.peakRssMiB, 'its own process'));
    } catch (e) {
      // a live run that fails (e.g. a derive past derive-live.ts's give-up) is a finding, not the end
      // of the suite: the rebuilds measured so far stay, and the row says why nothing was measured
      const why = /Error: (.*)/.exec(String(e instanceof Error ? e.message : e))?.[1] ?? String(e);
      process.stderr.write(
        `derive bench: the live run on ClickHouse over ${w.label} failed: ${why}\n`,
      );
      out.push({
        name: `live ${w.label} on ClickHouse: repeats measured`,
        value: 0,
        unit: 'repeats',
        note: `the live run failed: ${why.slice(0, 300)}`,
      });
    }
  }
  if (duck && ch) out.push(...liveComparison(ws.duckdb!.label, ch, duck));
  return out;
}

export async function run(): Promise<BenchResult[]> {
  const sizes = deriveSizes(process.env.BENCH_DERIVE_SIZES, HUGE_VISITORS);
  const root = mkdtempSync(join(tmpdir(), 'closedloop-derive-bench-'));
  try {
    const small = sizes.has('small') ? buildWorlds(root, 'small', SMALL_VISITORS) : undefined;
    const large = sizes.has('large') ? buildWorlds(root, 'large', LARGE_VISITORS) : undefined;
    const huge = sizes.has('huge') ? buildWorlds(root, 'huge', HUGE_VISITORS) : undefined;
    const results: BenchResult[] = [small, large, huge].flatMap((w) => (w ? worldResults(w) : []));
    if (!huge && small && large)
      for (const engine of ['duckdb', 'clickhouse'] as const) {
        const [s, l] = [small[engine], large[engine]];
        if (s && l) results.push(extrapolation(s, l, TARGET_EVENTS));
      }
    // GET /healthz's baseline goes with the first live run measured
    const lives: [Worlds | undefined, number][] = [
      [small, REPEATS],
      [large, LARGE_REPEATS],
      [huge, HUGE_REPEATS],
    ];
    let healthz = true;
    for (const [w, repeats] of lives) {
      if (!w || repeats <= 0) continue;
      results.push(...(await liveOf(w, repeats, healthz)));
      healthz = false;
    }
    return results;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  run().then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`));
}
