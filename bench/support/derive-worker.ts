// One step of the derive benchmark in a fresh process, so its peak memory is its own. Prints one JSON line.
//   import <dataDir> <days> <visitorsPerDay>: simulate the world into dataDir/events.ndjson, then a new
//     workspace and the store's bulk import of that file (checkpoint included); the file is removed after.
//   rebuild <dataDir> <workspaceId>: the baseline scan in a bare DuckDB instance on the same file, then
//     each phase of `rebuild` (src/derive/derive.ts) timed on its own, in the order rebuild runs them.
import { DuckDBInstance } from '@duckdb/node-api';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/sim/index.js';
import { resolvePersons } from '../../src/derive/derive.js';
import { creditWorkspace } from '../../src/derive/attribution-credits.js';
import { deriveSessions } from '../../src/derive/sessions.js';
import { refreshUserAgents } from '../../src/derive/user-agents.js';
import { settingsFor } from '../../src/derive/workspace-settings.js';
import { DB_FILE, openStore } from '../../src/store/open.js';
import { createWorkspace } from '../../src/workspaces/create.js';

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
  peakRssMiB: number;
}

const BASELINE_RUNS = 3;

const seconds = (from: number): number => (performance.now() - from) / 1000;
const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;

async function importEvents(
  dir: string,
  days: number,
  visitorsPerDay: number,
): Promise<ImportOutput> {
  const sim = await simulate({ seed: 1, days, visitorsPerDay, end: '2026-10-31' }, { outDir: dir });
  const file = join(dir, 'events.ndjson');
  const store = await openStore(dir);
  const { workspace, secretKey } = await createWorkspace(store, {
    name: 'Derive bench',
    currency: 'USD',
    timezone: 'UTC',
  });
  const t = performance.now();
  const r = await store.importEventsFile(workspace.id, file);
  await store.close(); // the checkpoint belongs to the import
  for (const f of sim.files) rmSync(f, { force: true });
  if (r.inserted !== sim.record.events.total)
    throw new Error(`imported ${r.inserted} of ${sim.record.events.total} simulated events`);
  return {
    events: r.inserted,
    seconds: seconds(t),
    workspaceId: workspace.id,
    writeKey: workspace.writeKey,
    secretKey,
    peakRssMiB: peakRssMiB(),
  };
}

/** What any per-visitor pass must at least do: read every event's anonymous id once. */
async function baselineScan(
  dir: string,
  workspaceId: string,
): Promise<{ seconds: number; events: number; anonymousIds: number }> {
  const db = await DuckDBInstance.create(join(dir, DB_FILE));
  const c = await db.connect();
  try {
    const runs: number[] = [];
    let row: Record<string, unknown> = {};
    for (let i = 0; i < BASELINE_RUNS; i++) {
      const t = performance.now();
      const r = await c.runAndReadAll(
        'SELECT count(*) AS n, count(DISTINCT anonymous_id) AS a FROM events WHERE workspace_id = $ws',
        { ws: workspaceId },
      );
      runs.push(seconds(t));
      row = (r.getRowObjectsJson()[0] ?? {}) as Record<string, unknown>;
    }
    runs.sort((a, b) => a - b);
    return {
      seconds: runs[Math.floor(runs.length / 2)]!,
      events: Number(row.n),
      anonymousIds: Number(row.a),
    };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

async function rebuildPhases(dir: string, workspaceId: string): Promise<RebuildOutput> {
  // the bare instance is closed before the store opens the file: one instance per file at a time
  const base = await baselineScan(dir, workspaceId);
  const store = await openStore(dir);
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
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    await store.close();
  }
}

const [mode, a, b, c] = process.argv.slice(2);
if (mode === 'import' && a && b && c)
  process.stdout.write(`${JSON.stringify(await importEvents(a, Number(b), Number(c)))}\n`);
else if (mode === 'rebuild' && a && b)
  process.stdout.write(`${JSON.stringify(await rebuildPhases(a, b))}\n`);
else
  throw new Error(
    'usage: derive-worker.ts import <dataDir> <days> <visitorsPerDay> | rebuild <dataDir> <workspaceId>',
  );
