// A scoped identity resolution's writes on ClickHouse (after new events: the linked components around
// the affected ids). The reads are neutral (../neutral/identity-scope.ts). Each write replaces some rows
// of a big derived table, so it is a delete of exactly those ids' rows, then an insert: a reader may see
// them missing for that moment (a whole rebuild swaps partitions instead), and nothing else is touched.
import type {
  AffectedEvents,
  IdentifierKey,
  IdentityLinkRow,
  IdentityOutput,
  OpaqueIdRule,
} from '../../types.js';
import {
  identitiesOfKeysSql,
  keysIn,
  personRowCountsSql,
  seenChangesSql,
  seenIdentifiersSql,
  singlesOfKeysSql,
} from '../neutral/identity-queries.js';
import { fn, p, sql, type Sql } from '../neutral/sql.js';
import { deleteRows } from './delete-rows.js';
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';
import {
  appendChanges,
  edgeRows,
  graphOutRows,
  quarantineRow,
  type EdgeRow,
  type SavedIdentities,
} from './identity.js';
import { withScratch } from './scratch.js';

type Row = Record<string, unknown>;
const read = (s: ChStore, q: Sql): Promise<Row[]> => queryNeutral(s.conn, s.database, q);
const keyOf = (kind: unknown, value: unknown): string => `${String(kind)}\u0000${String(value)}`;
const iso = (ms: unknown): string | null =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();

/** Deletes a workspace's rows of `table` whose (kind, value) columns name one of these ids. */
function deleteKeys(
  s: ChStore,
  table: string,
  ws: string,
  keys: readonly IdentifierKey[],
  kind = 'kind',
  value = 'value',
): Promise<void> {
  if (keys.length === 0) return Promise.resolve();
  return deleteRows(
    s,
    fn.table(table),
    sql`workspace_id = ${p.text(ws)} AND ${keysIn(keys, kind, value)}`,
  ).then(() => undefined);
}

/**
 * Brings the seen ids of the affected ids' events up to date: new ones added, an earlier first sighting
 * moved (events are only ever added, so a first sighting only moves earlier).
 */
export async function refreshSeenScoped(
  s: ChStore,
  ws: string,
  rule: OpaqueIdRule,
  affected: AffectedEvents,
): Promise<void> {
  const seen = seenIdentifiersSql(ws, rule, { source: affected.stage, ids: affected });
  const changes = await withScratch(s, 'identity_seen_now', { as: seen }, (now) =>
    read(s, seenChangesSql(ws, now)),
  );
  if (changes.length === 0) return;
  await deleteKeys(
    s,
    'identity_seen',
    ws,
    // a condition comes back as 0 or 1
    changes
      .filter((c) => Boolean(c.stored))
      .map((c) => ({ kind: String(c.kind), value: String(c.value) })),
  );
  await s.conn.insert(
    `${s.database}.identity_seen`,
    changes.map((c) => ({
      workspace_id: ws,
      kind: c.kind,
      value: c.value,
      first_seen: iso(c.at),
      clean: Boolean(c.clean),
    })),
  );
}

const edgeKey = (e: Pick<EdgeRow, 'a_kind' | 'a_value' | 'b_kind' | 'b_value' | 'source'>) =>
  JSON.stringify([e.a_kind, e.a_value, e.b_kind, e.b_value, e.source]);

/**
 * Adds new edges and moves known ones earlier; returns the ids at the ends of those (the seeds of a
 * scoped resolution). The stored edges of the changed a-ends are read first, so those not changing are
 * written back with them.
 */
export async function saveEdgesScoped(
  s: ChStore,
  ws: string,
  edges: readonly IdentityLinkRow[],
): Promise<IdentifierKey[]> {
  const rows = edgeRows(ws, edges);
  if (rows.length === 0) return [];
  const aKeysOf = (list: readonly EdgeRow[]) => {
    const m = new Map<string, IdentifierKey>();
    for (const r of list) m.set(keyOf(r.a_kind, r.a_value), { kind: r.a_kind, value: r.a_value });
    return [...m.values()];
  };
  const stored = (
    await read(
      s,
      sql`SELECT a_kind, a_value, b_kind, b_value, source, first_at FROM ${fn.table('identity_edges')}
        WHERE workspace_id = ${p.text(ws)} AND ${keysIn(aKeysOf(rows), 'a_kind', 'a_value')}`,
    )
  ).map((r): EdgeRow => ({
    workspace_id: ws,
    a_kind: String(r.a_kind),
    a_value: String(r.a_value),
    b_kind: String(r.b_kind),
    b_value: String(r.b_value),
    source: String(r.source),
    first_at: Number(r.first_at),
  }));
  const storedAt = new Map(stored.map((r) => [edgeKey(r), r.first_at]));
  const changed = rows.filter((r) => {
    const at = storedAt.get(edgeKey(r));
    return at === undefined || r.first_at < at;
  });
  if (changed.length === 0) return [];
  const changedA = aKeysOf(changed);
  const changedKeys = new Set(changed.map(edgeKey));
  const aOfChanged = new Set(changedA.map((k) => keyOf(k.kind, k.value)));
  const keptBack = stored.filter(
    (r) => aOfChanged.has(keyOf(r.a_kind, r.a_value)) && !changedKeys.has(edgeKey(r)),
  );
  await deleteKeys(s, 'identity_edges', ws, changedA, 'a_kind', 'a_value');
  await s.conn.insert(`${s.database}.identity_edges`, [...changed, ...keptBack]);
  const ends = new Map<string, IdentifierKey>();
  for (const r of changed) {
    ends.set(keyOf(r.a_kind, r.a_value), { kind: r.a_kind, value: r.a_value });
    if (r.b_kind !== '') ends.set(keyOf(r.b_kind, r.b_value), { kind: r.b_kind, value: r.b_value });
  }
  return [...ends.values()];
}

/**
 * Replaces the persons of a scope's ids: the graph's, then a single-id person for each clean seen id of
 * the scope that the graph did not place. `persons`: the person ids the scope's ids had or now have. A
 * person id that also names a row outside the scope (the scope holds whole persons), or a single id's id
 * that names another person, is a collision: nothing is written.
 */
export async function saveIdentitiesScoped(
  s: ChStore,
  ws: string,
  out: IdentityOutput,
  scope: readonly IdentifierKey[],
): Promise<SavedIdentities> {
  const before = await read(s, identitiesOfKeysSql(ws, scope));
  const graph = graphOutRows(out);
  const placed = new Set(graph.map((r) => keyOf(r.kind, r.value)));
  const singles = (await read(s, singlesOfKeysSql(ws, scope))).filter(
    (r) => !placed.has(keyOf(r.kind, r.value)),
  );
  // per person id written: how many rows, whether a single's; and how many rows it has now, in the scope
  const written = new Map<string, { n: number; single: boolean }>();
  for (const [rows, single] of [
    [graph, false],
    [singles, true],
  ] as const)
    for (const r of rows) {
      const w = written.get(String(r.person_id)) ?? { n: 0, single: false };
      written.set(String(r.person_id), { n: w.n + 1, single: w.single || single });
    }
  const inScope = new Map<string, number>();
  for (const r of before)
    inScope.set(String(r.person_id), (inScope.get(String(r.person_id)) ?? 0) + 1);
  const colliding = new Set<string>();
  for (const r of await read(s, personRowCountsSql(ws, [...written.keys()])))
    if (Number(r.n) > (inScope.get(String(r.person_id)) ?? 0)) colliding.add(String(r.person_id));
  for (const [person, w] of written) if (w.n > 1 && w.single) colliding.add(person);
  if (colliding.size > 0) return { singles: 0, collisions: colliding.size };

  await deleteKeys(s, 'identities', ws, scope);
  await s.conn.insert(`${s.database}.identities`, [
    ...graph.map((r) => ({ workspace_id: ws, ...r, linked: true })),
    ...singles.map((r) => ({
      workspace_id: ws,
      kind: r.kind,
      value: r.value,
      person_id: r.person_id,
      linked: false,
      from_at: null,
      until_at: null,
    })),
  ]);
  await deleteKeys(s, 'identity_quarantine', ws, scope);
  await s.conn.insert(
    `${s.database}.identity_quarantine`,
    out.quarantined.map((q) => quarantineRow(ws, q)),
  );
  await appendChanges(s, ws, out.changes);
  const persons = new Set([...before.map((r) => String(r.person_id)), ...written.keys()]);
  return { singles: singles.length, collisions: 0, persons: [...persons] };
}
