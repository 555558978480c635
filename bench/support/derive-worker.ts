// One step of the derive benchmark in a fresh process, so its peak memory is its own (and, on ClickHouse,
// so chdb's one data directory per process is this step's). Prints one JSON line. `--store URL` names the
// data engine as CLOSEDLOOP_STORE does (DuckDB when absent; the bench uses chdb:///path).
//   import <dataDir> <days> <visitorsPerDay> [--keep]: simulate the world into dataDir/events.ndjson, then
//     a new workspace and the store's bulk import of that file (checkpoint included); the file is removed
//     after unless --keep (another engine imports the same world from it).
//   import-file <dataDir> <file> <events>: a new workspace and the bulk import of a world simulated
//     before (expected to hold <events> events); the file is removed after.
//   rebuild <dataDir> <workspaceId>: the baseline scan on the engine's own (derive-baseline.ts), then
//     each phase of `rebuild` (src/derive/derive.ts) timed on its own, in the order rebuild runs them,
//     then the attribution reports over the credits it wrote.
//   live <dataDir> <writeKey> <secretKey> <repeats>: derive-live.ts's server and timings in this process.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { simulate } from '../../src/sim/index.js';
import { resolvePersons } from '../../src/derive/derive.js';
import { creditWorkspace } from '../../src/derive/attribution-credits.js';
import { deriveSessions } from '../../src/derive/sessions.js';
import { refreshUserAgents } from '../../src/derive/user-agents.js';
import { settingsFor } from '../../src/derive/workspace-settings.js';
import { openStore } from '../../src/store/open.js';
import { parseStoreUrl } from '../../src/store/store-url.js';
import { createWorkspace } from '../../src/workspaces/create.js';
import { baselineScan, reportTimings, type ReportTimings } from './derive-baseline.js';
import { measureLiveDerive, type LiveTimings } from './derive-live.js';

export interface ImportOutput {
  events: number;
  seconds: number;
  workspaceId: string;
  writeKey: string;
  secretKey: string;
  peakRssMiB: number;
}

export interface RebuildOutput {
  events: number;
  anonymousIds: number;
  /** Median of three runs of the baseline scan. */
  baselineSeconds: number;
  userAgentsSeconds: number;
  sessionsSeconds: number;
  identitySeconds: number;
  milestonesSeconds: number;
  creditsSeconds: number;
  credits: number;
  sessions: number;
  persons: number;
  leads: number;
  /** Of the rebuild process, up to the end of the credits (before the reports). */
  peakRssMiB: number;
  reports: ReportTimings;
}

export interface LiveOutput extends LiveTimings {
  /** Of the live process: the server and its client. */
  peakRssMiB: number;
}

const seconds = (from: number): number => (performance.now() - from) / 1000;
const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;

/**
 * A new workspace and the store's bulk import of `file` (the close, DuckDB's checkpoint, included in the
 * time); the file is removed after unless `keep`.
 */
async function importFile(
  dir: string,
  file: string,
  expected: number,
  storeUrl: string | undefined,
  keep: boolean,
): Promise<ImportOutput> {
  const store = await openStore(dir, { store: storeUrl });
  const { workspace, secretKey } = await createWorkspace(store, {
    name: 'Derive bench',
    currency: 'USD',
    timezone: 'UTC',
  });
  const t = performance.now();
  const r = await store.importEventsFile(workspace.id, file);
  await store.close(); // the checkpoint belongs to the import
  const importSeconds = seconds(t);
  if (!keep) rmSync(file, { force: true });
  if (r.inserted !== expected) throw new Error(`imported ${r.inserted} of ${expected} events`);
  return {
    events: r.inserted,
    seconds: importSeconds,
    workspaceId: workspace.id,
    writeKey: workspace.writeKey,
    secretKey,
    peakRssMiB: peakRssMiB(),
  };
}

/** Simulates the world into dir/events.ndjson (the other files removed), then imports it. */
async function simulateAndImport(
  dir: string,
  days: number,
  visitorsPerDay: number,
  storeUrl: string | undefined,
  keep: boolean,
): Promise<ImportOutput> {
  const sim = await simulate({ seed: 1, days, visitorsPerDay, end: '2026-10-31' }, { outDir: dir });
  const file = join(dir, 'events.ndjson');
  for (const f of sim.files) if (f !== file) rmSync(f, { force: true });
  return importFile(dir, file, sim.record.events.total, storeUrl, keep);
}

async function rebuildPhases(
  dir: string,
  workspaceId: string,
  storeUrl: string | undefined,
): Promise<RebuildOutput> {
  const base = await baselineScan(dir, parseStoreUrl(storeUrl), workspaceId);
  const store = await openStore(dir, { store: storeUrl });
  try {
    const settings = await settingsFor(store, workspaceId);
    let t = performance.now();
    await refreshUserAgents(store);
    const userAgentsSeconds = seconds(t);
    t = performance.now();
    const s = await deriveSessions(store, workspaceId, settings.sessions);
    const sessionsSeconds = seconds(t);
    t = performance.now();
    const identity = await resolvePersons(store, workspaceId, settings);
    const identitySeconds = seconds(t);
    t = performance.now();
    const leads = await store.deriveLeadMilestones(workspaceId);
    const milestonesSeconds = seconds(t);
    t = performance.now();
    const credits = await creditWorkspace(store, workspaceId);
    const creditsSeconds = seconds(t);
    // the rebuild's peak, before the reports read
    const rebuildPeakRssMiB = peakRssMiB();
    const reports = await reportTimings(store, workspaceId);
    return {
      events: base.events,
      anonymousIds: base.anonymousIds,
      baselineSeconds: base.seconds,
      userAgentsSeconds,
      sessionsSeconds,
      identitySeconds,
      milestonesSeconds,
      creditsSeconds,
      credits: credits.rows,
      sessions: s.sessions,
      persons: identity.persons ?? Number.NaN,
      leads,
      peakRssMiB: rebuildPeakRssMiB,
      reports,
    };
  } finally {
    await store.close();
  }
}

const USAGE = `usage: derive-worker.ts
  import <dataDir> <days> <visitorsPerDay> [--store URL] [--keep]
  import-file <dataDir> <file> <events> [--store URL]
  rebuild <dataDir> <workspaceId> [--store URL]
  live <dataDir> <writeKey> <secretKey> <repeats> [--store URL]`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { store: { type: 'string' }, keep: { type: 'boolean', default: false } },
});
const [mode, ...args] = positionals;
const storeUrl = values.store;
const need = (n: number): string[] => {
  if (args.length !== n) throw new Error(USAGE);
  return args;
};
let out: object;
if (mode === 'import') {
  const [dir, days, visitors] = need(3);
  out = await simulateAndImport(dir!, Number(days), Number(visitors), storeUrl, values.keep);
} else if (mode === 'import-file') {
  const [dir, file, events] = need(3);
  out = await importFile(dir!, file!, Number(events), storeUrl, false);
} else if (mode === 'rebuild') {
  const [dir, workspaceId] = need(2);
  out = await rebuildPhases(dir!, workspaceId!, storeUrl);
} else if (mode === 'live') {
  const [dir, writeKey, secretKey, repeats] = need(4);
  const world = { dir: dir!, writeKey: writeKey!, secretKey: secretKey!, store: storeUrl };
  out = { ...(await measureLiveDerive(world, Number(repeats))), peakRssMiB: peakRssMiB() };
} else {
  throw new Error(USAGE);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
