// One step of the derive benchmark in a fresh process, so its peak memory is its own (and, on ClickHouse,
// so chdb's one data directory per process is this step's). Prints one JSON line. `--store URL` names the
// data engine as CLOSEDLOOP_STORE does (DuckDB when absent; the bench uses chdb:///path).
//   simulate <worldDir> <days> <visitorsPerDay>: simulate the world into worldDir/events.ndjson (the
//     simulator writes each event to the file as it goes) and its ad costs into each platform's CSV
//     export (worldDir/ads/, the simulator's platform writers). In a process of its own, so the import's
//     peak RSS is the import's alone and the simulator's memory never adds to the engine's.
//   import-file <dataDir> <file> <events> [--keep]: a new workspace, the store's bulk import of a world
//     simulated before (expected to hold <events> events; the close, DuckDB's checkpoint, included) and
//     its ad CSVs from the ads/ folder beside the file through what `closedloop import ads` runs; the
//     files are removed after unless --keep (another engine imports the same world from them).
//   rebuild <dataDir> <workspaceId> [--from DAY --to DAY]: the baseline scan on the engine's own
//     (derive-baseline.ts), then each phase of `rebuild` (src/derive/derive.ts) timed on its own, in the
//     order rebuild runs them, then the attribution reports over the credits it wrote; with the period,
//     then the cost matching: the costs and tagging-health reports over it beside a bare count of the
//     paid sessions in it.
//   live <dataDir> <writeKey> <secretKey> <repeats>: derive-live.ts's server and timings in this process.
// BENCH_DERIVE_MEMORY_LIMIT (e.g. 4GB) caps DuckDB's memory in every step, as CLOSEDLOOP_MEMORY_LIMIT
// does the product's (default: half the machine, the product's default); chdb keeps its own.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { AdImportQuery, importAdFile } from '../../src/server/routes/ad-costs.js';
import {
  adPlatformWriter,
  FILE_PLATFORM,
  SIM_AD_ACCOUNTS,
} from '../../src/sim/ad-writers/index.js';
import { simulate } from '../../src/sim/index.js';
import { rebuild, type RebuildPhase } from '../../src/derive/derive.js';
import { openStore } from '../../src/store/open.js';
import { parseStoreUrl } from '../../src/store/store-url.js';
import { createWorkspace } from '../../src/workspaces/create.js';
import {
  baselineScan,
  costTimings,
  reportTimings,
  type CostTimings,
  type ReportTimings,
} from './derive-baseline.js';
import { measureLiveDerive, type LiveTimings } from './derive-live.js';
import { benchMemoryLimit } from './engines.js';

export interface SimulateOutput {
  events: number;
  seconds: number;
  /** Of the simulate process: the simulator and its writers. */
  peakRssMiB: number;
  /** Size of events.ndjson. */
  bytes: number;
}

export interface ImportOutput {
  events: number;
  seconds: number;
  workspaceId: string;
  writeKey: string;
  secretKey: string;
  /** Of the import process up to the end of the events' import (before the ad costs'). */
  peakRssMiB: number;
  /** The world's ad costs, each platform's CSV through `closedloop import ads`'s code. */
  adCosts: AdCostsImported;
  /** The simulation it imported (filled in by the bench, which simulates once for both engines). */
  simulated?: SimulateOutput;
}

export interface AdCostsImported {
  /** Cost rows stored, over the four files. */
  rows: number;
  seconds: number;
  /** The period the files cover: the world's days. */
  from: string;
  to: string;
}

export interface RebuildOutput {
  events: number;
  anonymousIds: number;
  /** Median of three runs of the baseline scan. */
  baselineSeconds: number;
  userAgentsSeconds: number;
  sessionsSeconds: number;
  identitySeconds: number;
  /** The stored tables the reports read: each person's first touch, the report sessions. */
  reportTablesSeconds: number;
  /** The lead milestones, then the CRM's and Stripe's. */
  milestonesSeconds: number;
  creditsSeconds: number;
  credits: number;
  sessions: number;
  persons: number;
  leads: number;
  /** Of the rebuild process, up to the end of the credits (before the reports). */
  peakRssMiB: number;
  reports: ReportTimings;
  /** The cost matching over the world's period (when given). */
  costs?: CostTimings;
}

export interface LiveOutput extends LiveTimings {
  /** Of the live process: the server and its client. */
  peakRssMiB: number;
}

const seconds = (from: number): number => (performance.now() - from) / 1000;
const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;

const ADS = 'ads';
const open = (dir: string, storeUrl: string | undefined) =>
  openStore(dir, { store: storeUrl, memoryLimit: benchMemoryLimit() });

/** Each platform's CSV export of the world, as `closedloop import ads` imports it (importHere). */
async function importAds(
  dir: string,
  storeUrl: string | undefined,
  workspaceId: string,
  ads: string,
): Promise<AdCostsImported> {
  const store = await open(dir, storeUrl);
  try {
    const t = performance.now();
    let rows = 0;
    let from = '';
    let to = '';
    for (const f of ADS_FILES) {
      const q = AdImportQuery.parse({ platform: f.platform, account: f.account, file: f.file });
      const path = join(ads, f.file);
      const r = await importAdFile(store, workspaceId, q, readFileSync(path), path);
      rows += r.rows;
      if (from === '' || r.from < from) from = r.from;
      if (r.to > to) to = r.to;
    }
    return { rows, seconds: seconds(t), from, to };
  } finally {
    await store.close();
  }
}

/** The files the simulator's platform writers give (google-ads.csv ...), and the accounts they are of. */
const ADS_FILES = Object.values(FILE_PLATFORM).map((platform) => ({
  platform,
  account: SIM_AD_ACCOUNTS[platform],
  file: `${platform}-ads.csv`,
}));

/**
 * A new workspace and the store's bulk import of `file` (the close, DuckDB's checkpoint, included in the
 * time), then the ad CSVs in the ads/ folder beside it; the files are removed after unless `keep`.
 */
async function importFile(
  dir: string,
  file: string,
  expected: number,
  storeUrl: string | undefined,
  keep: boolean,
): Promise<ImportOutput> {
  const store = await open(dir, storeUrl);
  const { workspace, secretKey } = await createWorkspace(store, {
    name: 'Derive bench',
    currency: 'USD',
    timezone: 'UTC',
  });
  const t = performance.now();
  const r = await store.importEventsFile(workspace.id, file);
  await store.close(); // the checkpoint belongs to the import
  const importSeconds = seconds(t);
  const eventsPeakRssMiB = peakRssMiB();
  if (!keep) rmSync(file, { force: true });
  if (r.inserted !== expected) throw new Error(`imported ${r.inserted} of ${expected} events`);
  const ads = join(dirname(file), ADS);
  const adCosts = await importAds(dir, storeUrl, workspace.id, ads);
  if (!keep) rmSync(ads, { recursive: true, force: true });
  return {
    events: r.inserted,
    seconds: importSeconds,
    workspaceId: workspace.id,
    writeKey: workspace.writeKey,
    secretKey,
    peakRssMiB: eventsPeakRssMiB,
    adCosts,
  };
}

/**
 * Simulates the world into dir/events.ndjson (the other files removed) and its ad costs into each
 * platform's CSV in dir/ads/.
 */
async function simulateWorld(
  dir: string,
  days: number,
  visitorsPerDay: number,
): Promise<SimulateOutput> {
  const ads = adPlatformWriter();
  const t = performance.now();
  const sim = await simulate(
    { seed: 1, days, visitorsPerDay, end: '2026-10-31' },
    { outDir: dir, extraWriters: [ads] },
  );
  const file = join(dir, 'events.ndjson');
  for (const f of sim.files) if (f !== file) rmSync(f, { force: true });
  mkdirSync(join(dir, ADS), { recursive: true });
  for (const f of ads.exports().csv) writeFileSync(join(dir, ADS, f.file), f.bytes);
  return {
    events: sim.record.events.total,
    seconds: seconds(t),
    peakRssMiB: peakRssMiB(),
    bytes: statSync(file).size,
  };
}

async function rebuildPhases(
  dir: string,
  workspaceId: string,
  storeUrl: string | undefined,
  period: { from: string; to: string } | undefined,
): Promise<RebuildOutput> {
  const out = await rebuildAndReports(dir, workspaceId, storeUrl);
  // the cost matching on the store the rebuild closed: its bare scan needs the file to itself
  if (period === undefined) return out;
  return { ...out, costs: await costTimings(dir, storeUrl, workspaceId, period) };
}

async function rebuildAndReports(
  dir: string,
  workspaceId: string,
  storeUrl: string | undefined,
): Promise<RebuildOutput> {
  const base = await baselineScan(dir, parseStoreUrl(storeUrl), workspaceId);
  const store = await open(dir, storeUrl);
  try {
    // the rebuild users run (src/derive/derive.ts), each step timed as it ends: no copy of its order here
    const phase: Partial<Record<RebuildPhase, number>> = {};
    const summary = await rebuild(store, workspaceId, undefined, {
      onPhase: (p, s) => (phase[p] = s),
    });
    const took = (p: RebuildPhase): number => phase[p] ?? Number.NaN;
    // the rebuild's peak, before the reports read
    const rebuildPeakRssMiB = peakRssMiB();
    const reports = await reportTimings(store, workspaceId);
    return {
      events: base.events,
      anonymousIds: base.anonymousIds,
      baselineSeconds: base.seconds,
      userAgentsSeconds: took('user agents'),
      sessionsSeconds: took('sessions'),
      identitySeconds: took('identity'),
      reportTablesSeconds: took('report tables'),
      milestonesSeconds: took('milestones'),
      creditsSeconds: took('attribution credits'),
      credits: summary.credits.rows,
      sessions: summary.sessions,
      persons: summary.identity.persons ?? Number.NaN,
      leads: summary.leads,
      peakRssMiB: rebuildPeakRssMiB,
      reports,
    };
  } finally {
    await store.close();
  }
}

const USAGE = `usage: derive-worker.ts
  simulate <worldDir> <days> <visitorsPerDay>
  import-file <dataDir> <file> <events> [--store URL] [--keep]
  rebuild <dataDir> <workspaceId> [--store URL] [--from DAY --to DAY]
  live <dataDir> <writeKey> <secretKey> <repeats> [--store URL]`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    store: { type: 'string' },
    keep: { type: 'boolean', default: false },
    from: { type: 'string' },
    to: { type: 'string' },
  },
});
const [mode, ...args] = positionals;
const storeUrl = values.store;
const need = (n: number): string[] => {
  if (args.length !== n) throw new Error(USAGE);
  return args;
};
let out: object;
if (mode === 'simulate') {
  const [dir, days, visitors] = need(3);
  out = await simulateWorld(dir!, Number(days), Number(visitors));
} else if (mode === 'import-file') {
  const [dir, file, events] = need(3);
  out = await importFile(dir!, file!, Number(events), storeUrl, values.keep);
} else if (mode === 'rebuild') {
  const [dir, workspaceId] = need(2);
  const { from, to } = values;
  const period = from !== undefined && to !== undefined ? { from, to } : undefined;
  out = await rebuildPhases(dir!, workspaceId!, storeUrl, period);
} else if (mode === 'live') {
  const [dir, writeKey, secretKey, repeats] = need(4);
  const world = { dir: dir!, writeKey: writeKey!, secretKey: secretKey!, store: storeUrl };
  out = { ...(await measureLiveDerive(world, Number(repeats))), peakRssMiB: peakRssMiB() };
} else {
  throw new Error(USAGE);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
