// The identity area on ClickHouse, a whole workspace at a time: the neutral queries every engine runs
// (../neutral/identity-queries.ts) for the reads, and for the writes a stage of the workspace's
// partition swapped in whole (partition-swap.ts), so a reader sees the old persons or the new, never
// half. The scoped live path is identity-scope.ts.
import type {
  AffectedEvents,
  DeviceTimelines,
  IdentityChangeRow,
  IdentityInputs,
  IdentityLink,
  IdentityLinkRow,
  IdentityOutput,
  OpaqueIdRule,
  QuarantineRow,
} from '../../types.js';
import {
  collisionsSql,
  countPersonsSql,
  deviceLinksSql,
  deviceSessionsSql,
  edgesBuiltSql,
  edgeInputs,
  edgesSql,
  graphIdsSql,
  insertGraphRowsSql,
  insertSeenSql,
  insertSinglesSql,
  keepSinglesSql,
  linkFactsSql,
  personsByIdentifierSql,
  personsOfAnonymousIdsSql,
  previousPersonsSql,
  seenIdentifiersSql,
  seenToPlaceSql,
  singlesSql,
} from '../neutral/identity-queries.js';
import { sql, type Sql } from '../neutral/sql.js';
import { commandNeutral, queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';
import { rebuildPartition, swapPartition } from './partition-swap.js';
import { withScratch } from './scratch.js';

type Row = Record<string, unknown>;
const read = (s: ChStore, q: Sql): Promise<Row[]> => queryNeutral(s.conn, s.database, q);
const run = (s: ChStore, q: Sql): Promise<void> => commandNeutral(s.conn, s.database, q);
const count = async (s: ChStore, q: Sql): Promise<number> => Number((await read(s, q))[0]?.n ?? 0);
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const NONE = sql`0`;

/** Every seen id of the workspace, built again from its events (the scoped refresh: identity-scope.ts). */
export async function refreshSeenWhole(s: ChStore, ws: string, rule: OpaqueIdRule): Promise<void> {
  await rebuildPartition(s, 'identity_seen', ws, async (stage) => {
    await run(s, insertSeenSql(ws, stage, seenIdentifiersSql(ws, rule)));
  });
}

/** The links the facts state, raw: all of them, or those of the affected ids' staged events (and every identity_links fact). */
export async function identityLinkFacts(
  s: ChStore,
  ws: string,
  affected?: AffectedEvents,
): Promise<IdentityLinkRow[]> {
  // scoped: the derive's stage (the affected ids' events, derive-scope.ts), which each link rule's
  // SELECT reads again (a CTE is inlined): from the events table that is a scan per rule
  const q = affected ? linkFactsSql(ws, { source: affected.stage }) : linkFactsSql(ws);
  return (await read(s, q)).map((r) => ({
    aKind: String(r.ak),
    aValue: String(r.av),
    bKind: String(r.bk),
    bValue: String(r.bv),
    at: Number(r.at),
    source: String(r.source),
  }));
}

/** Normalised links once per pair of ends and source, with the earliest time (as DuckDB's GROUP BY). */
export function edgeRows(ws: string, edges: readonly IdentityLinkRow[]): EdgeRow[] {
  const byKey = new Map<string, EdgeRow>();
  for (const e of edges) {
    const key = JSON.stringify([e.aKind, e.aValue, e.bKind, e.bValue, e.source]);
    const had = byKey.get(key);
    if (!had || e.at < had.first_at)
      byKey.set(key, {
        workspace_id: ws,
        a_kind: e.aKind,
        a_value: e.aValue,
        b_kind: e.bKind,
        b_value: e.bValue,
        source: e.source,
        first_at: e.at,
      });
  }
  return [...byKey.values()];
}

export interface EdgeRow {
  workspace_id: string;
  a_kind: string;
  a_value: string;
  b_kind: string;
  b_value: string;
  source: string;
  first_at: number;
}

/** Replaces the workspace's edges, and marks them written whole (a live derive may then add to them). */
export async function saveEdgesWhole(
  s: ChStore,
  ws: string,
  edges: readonly IdentityLinkRow[],
): Promise<void> {
  await swapPartition(s, 'identity_edges', ws, NONE, edgeRows(ws, edges));
  await swapPartition(s, 'identity_edges_built', ws, NONE, [
    { workspace_id: ws, built_at: new Date().toISOString() },
  ]);
}

export async function identityEdgesReady(s: ChStore, ws: string): Promise<boolean> {
  return (await count(s, edgesBuiltSql(ws))) > 0;
}

/**
 * The graph's inputs from the stored edges: every edge, the ids to place with their first sightings
 * (those an edge touches or that are not clean; every seen id with `everyIdentifier`), and the current
 * persons of those ids.
 */
export async function identityInputsWhole(
  s: ChStore,
  ws: string,
  opts: { everyIdentifier?: boolean } = {},
): Promise<IdentityInputs> {
  const inputs = async (graphIds?: string): Promise<IdentityInputs> => {
    const { links, seen } = edgeInputs(await read(s, edgesSql(ws)));
    for (const r of await read(s, seenToPlaceSql(ws, graphIds)))
      seen.push({ kind: String(r.kind), value: String(r.value), at: Number(r.at) });
    const previous = (await read(s, previousPersonsSql(ws, graphIds))).map((r) => ({
      kind: String(r.kind),
      value: String(r.value),
      personId: String(r.person_id),
    }));
    return { links, seen, previous };
  };
  if (opts.everyIdentifier) return inputs();
  return withScratch(s, 'identity_graph_ids', { as: graphIdsSql(ws) }, inputs);
}

export async function deviceTimelines(
  s: ChStore,
  ws: string,
  anonymousIds: readonly string[],
): Promise<DeviceTimelines> {
  if (anonymousIds.length === 0) return { links: [], sessions: [] };
  const links = await read(s, deviceLinksSql(ws, anonymousIds));
  const sessions = await read(s, deviceSessionsSql(ws, anonymousIds));
  return {
    links: links.map((r) => ({
      aKind: String(r.ak),
      aValue: String(r.av),
      bKind: String(r.bk),
      bValue: String(r.bv),
      at: Number(r.at),
    })),
    sessions: sessions.map((r) => ({ anonymousId: String(r.anonymous_id), at: Number(r.at) })),
  };
}

export interface SavedIdentities {
  singles: number;
  collisions: number;
  persons?: string[];
}

const GRAPH_OUT_COLUMNS = `kind String, value String, person_id String,
  from_at Nullable(DateTime64(3, 'UTC')), until_at Nullable(DateTime64(3, 'UTC'))`;

/** The graph's assignment as rows of a graph-out table (a shared device: one row per span). */
export function graphOutRows(out: IdentityOutput): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < out.kinds.length; i++)
    rows.push({
      kind: out.kinds[i],
      value: out.values[i],
      person_id: out.personIds[i],
      from_at: null,
      until_at: null,
    });
  for (const sp of out.spans ?? [])
    rows.push({
      kind: 'anonymous_id',
      value: sp.value,
      person_id: sp.personId,
      from_at: iso(sp.from),
      until_at: iso(sp.until),
    });
  return rows;
}

/** Runs `use` with the graph's assignment in a scratch table (kind, value, person_id, from_at, until_at). */
export function withGraphOut<T>(
  s: ChStore,
  out: IdentityOutput,
  use: (graphOut: string) => Promise<T>,
): Promise<T> {
  return withScratch(s, 'identity_graph_out', { columns: GRAPH_OUT_COLUMNS }, async (graphOut) => {
    await s.conn.insert(`${s.database}.${graphOut}`, graphOutRows(out));
    return use(graphOut);
  });
}

export const quarantineRow = (ws: string, q: QuarantineRow): Row => ({
  workspace_id: ws,
  kind: q.kind,
  value: q.value,
  distinct_emails: q.distinctEmails,
  distinct_users: q.distinctUsers,
  reason: q.reason,
  sources: JSON.stringify(q.sources),
});

/** The changes a resolution made, appended to the log. */
export async function appendChanges(
  s: ChStore,
  ws: string,
  changes: readonly IdentityChangeRow[],
): Promise<void> {
  if (changes.length === 0) return;
  const at = new Date().toISOString();
  await s.conn.insert(
    `${s.database}.identity_changes`,
    changes.map((c) => ({
      workspace_id: ws,
      recorded_at: at,
      change: c.change,
      person_id: c.personId,
      others: JSON.stringify(c.others),
      reason: c.reason,
      detail: c.detail,
    })),
  );
}

/**
 * Writes the graph's persons, then a person for every seen id without one, into a stage of the
 * workspace's identities (`full`: nothing else; else the single ids the graph does not place are kept),
 * swapped in unless a person id names two persons (then nothing is written: the caller resolves again).
 * The quarantine is swapped in next, then the changes appended: three steps, each whole.
 */
export async function saveIdentitiesWhole(
  s: ChStore,
  ws: string,
  out: IdentityOutput,
  opts: { full: boolean },
): Promise<SavedIdentities> {
  const saved = await withGraphOut(s, out, async (graphOut) => {
    let result: SavedIdentities = { singles: 0, collisions: 0 };
    await rebuildPartition(s, 'identities', ws, async (stage) => {
      if (!opts.full) await run(s, keepSinglesSql(ws, stage, 'identities', graphOut));
      const kept = opts.full ? 0 : await count(s, singlesSql(ws, stage));
      await run(s, insertGraphRowsSql(ws, stage, graphOut));
      await run(s, insertSinglesSql(ws, stage));
      result = {
        singles: (await count(s, singlesSql(ws, stage))) - kept,
        collisions: await count(s, collisionsSql(ws, stage)),
      };
      return result.collisions === 0;
    });
    return result;
  });
  if (saved.collisions > 0) return { singles: 0, collisions: saved.collisions };
  await swapPartition(
    s,
    'identity_quarantine',
    ws,
    NONE,
    out.quarantined.map((q) => quarantineRow(ws, q)),
  );
  await appendChanges(s, ws, out.changes);
  return saved;
}

export async function personsByIdentifier(
  s: ChStore,
  ws: string,
  kind: string,
  value: string,
): Promise<string[]> {
  return (await read(s, personsByIdentifierSql(ws, kind, value))).map((r) => String(r.person_id));
}

export async function personsOfAnonymousIds(
  s: ChStore,
  ws: string,
  anonymousIds: readonly string[],
): Promise<string[]> {
  return (await read(s, personsOfAnonymousIdsSql(ws, anonymousIds))).map((r) =>
    String(r.person_id),
  );
}

export function countPersons(s: ChStore, ws: string): Promise<number> {
  return count(s, countPersonsSql(ws));
}

export async function appendIdentityLinks(
  s: ChStore,
  ws: string,
  links: readonly IdentityLink[],
): Promise<number> {
  if (links.length === 0) return 0;
  await s.conn.insert(
    `${s.database}.identity_links`,
    links.map((l) => ({
      workspace_id: ws,
      from_kind: l.fromKind,
      from_value: l.fromValue,
      to_kind: l.toKind,
      to_value: l.toValue,
      source: l.source,
      linked_at: l.at,
    })),
  );
  return links.length;
}
