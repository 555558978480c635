// A scoped identity resolution's reads and writes: the linked components around a live batch's ids,
// their inputs for the graph and their persons written back. Each statement touches the big identity
// tables once, joined to the small scope, so its cost follows the scope, not the workspace.
import { listValue } from '@duckdb/node-api';
import type {
  IdentifierKey,
  IdentityInputs,
  IdentityOutput,
  OpaqueIdRule,
  AffectedIds,
} from '../../types.js';
import { VARCHAR_LIST, type Db, type Row } from './connection.js';
import { inScope, SCOPE_STEP_SQL, SINGLE_PERSON_ID } from './derive-identity.js';
import { loadIdentifierTable } from './identity-edges-repo.js';
import { edgeInputs, writeIdentities, type SavedIdentities } from './identity-repo.js';

const keyOf = (kind: unknown, value: unknown): string => `${String(kind)}\u0000${String(value)}`;

/**
 * The ids a scoped resolution must re-place: the seeds, the affected anonymous and user ids (normalised
 * as the rule trims them), and every id linked to those, transitively (whole linked components).
 */
export async function identityScope(
  db: Db,
  ws: string,
  rule: OpaqueIdRule,
  seeds: readonly IdentifierKey[],
  affected: AffectedIds,
): Promise<IdentifierKey[]> {
  return db.write(async (c) => {
    await c.run(
      `CREATE OR REPLACE TEMP TABLE identity_scope AS
       SELECT DISTINCT kind, value FROM (
         SELECT unnest($k::VARCHAR[]) AS kind, unnest($v::VARCHAR[]) AS value
         UNION ALL SELECT 'anonymous_id', trim(unnest($anon::VARCHAR[]), $trim)
         UNION ALL SELECT 'user_id', trim(unnest($users::VARCHAR[]), $trim))
       WHERE value <> ''`,
      {
        k: listValue(seeds.map((s) => s.kind)),
        v: listValue(seeds.map((s) => s.value)),
        anon: listValue([...affected.anonymousIds]),
        users: listValue([...affected.userIds]),
        trim: rule.trimChars,
      },
      { k: VARCHAR_LIST, v: VARCHAR_LIST, anon: VARCHAR_LIST, users: VARCHAR_LIST },
    );
    while ((await c.run(SCOPE_STEP_SQL, { ws })).rowsChanged > 0);
    return (
      (await c.runAndReadAll('SELECT kind, value FROM identity_scope')).getRowObjectsJson() as Row[]
    ).map((r) => ({ kind: String(r.kind), value: String(r.value) }));
  });
}

/**
 * The graph's inputs for a scope (whole linked components): its edges, the ids to place (those an edge
 * touches or that are not clean) and their current persons.
 */
export async function scopedIdentityInputs(
  db: Db,
  ws: string,
  scope: readonly IdentifierKey[],
): Promise<IdentityInputs> {
  return db.write(async (c) => {
    await loadIdentifierTable(c, 'identity_scope_in', scope);
    const edges = (
      await c.runAndReadAll(
        `SELECT a_kind, a_value, b_kind, b_value, first_at, source FROM identity_edges e
         SEMI JOIN identity_scope_in s ON s.kind = e.a_kind AND s.value = e.a_value WHERE e.workspace_id = $ws`,
        { ws },
      )
    ).getColumns();
    const { links, seen } = edgeInputs(edges);
    const read = async (sql: string): Promise<Row[]> =>
      (await c.runAndReadAll(sql, { ws })).getRowObjectsJson() as Row[];
    const seenRows = await read(
      `SELECT kind, value, epoch_ms(first_seen) AS at, clean FROM identity_seen SEMI JOIN identity_scope_in USING (kind, value) WHERE workspace_id = $ws`,
    );
    const prevRows = await read(
      `SELECT kind, value, person_id, linked FROM identities SEMI JOIN identity_scope_in USING (kind, value) WHERE workspace_id = $ws`,
    );
    // as for the whole workspace: the graph places the ids an edge touches and those not clean
    const toPlace = new Set<string>();
    for (const l of links) {
      toPlace.add(keyOf(l.aKind, l.aValue));
      toPlace.add(keyOf(l.bKind, l.bValue));
    }
    for (const s of seen) toPlace.add(keyOf(s.kind, s.value));
    for (const r of seenRows) if (r.clean !== true) toPlace.add(keyOf(r.kind, r.value));
    const placed = (r: Row): boolean => toPlace.has(keyOf(r.kind, r.value));
    for (const r of seenRows)
      if (placed(r)) seen.push({ kind: String(r.kind), value: String(r.value), at: Number(r.at) });
    // a single id the graph does not place this time stays as it is, so it is no previous of the graph's
    const previous = prevRows
      .filter((r) => r.linked === true || placed(r))
      .map((r) => ({
        kind: String(r.kind),
        value: String(r.value),
        personId: String(r.person_id),
      }));
    return { links, seen, previous };
  });
}

/**
 * Replaces the persons of a scope's ids: the graph's, then a single-id person for each clean seen id of
 * the scope that the graph did not place. `persons`: the person ids the scope's ids had or now have.
 * A person id that also names a row outside the scope (the scope holds whole persons), or a single id's
 * id that names another person, is a collision: nothing is written.
 */
export function saveScopedIdentities(
  db: Db,
  ws: string,
  out: IdentityOutput,
  scope: readonly IdentifierKey[],
): Promise<SavedIdentities> {
  return writeIdentities(
    db,
    ws,
    out,
    async (c) => {
      const read = async (sql: string): Promise<Row[]> =>
        (
          await c.runAndReadAll(sql, sql.includes('$ws') ? { ws } : {})
        ).getRowObjectsJson() as Row[];
      await loadIdentifierTable(c, 'identity_scope_in', scope);
      await c.run(
        `CREATE OR REPLACE TEMP TABLE identity_scope_rows AS
         SELECT rowid AS rid, person_id FROM identities SEMI JOIN identity_scope_in USING (kind, value) WHERE workspace_id = $ws`,
        { ws },
      );
      const persons = new Set(
        (await read('SELECT DISTINCT person_id FROM identity_scope_rows')).map((r) =>
          String(r.person_id),
        ),
      );
      await c.run('DELETE FROM identities WHERE rowid IN (SELECT rid FROM identity_scope_rows)');
      await c.run(
        `CREATE OR REPLACE TEMP TABLE identity_singles AS
         SELECT kind, value, ${SINGLE_PERSON_ID} AS person_id FROM identity_seen
         SEMI JOIN identity_scope_in USING (kind, value) ANTI JOIN identity_graph_out USING (kind, value)
         WHERE workspace_id = $ws AND clean`,
        { ws },
      );
      await c.run(
        `INSERT INTO identities (workspace_id, kind, value, person_id, linked, from_at, until_at)
         SELECT $ws, kind, value, person_id, true, from_at, until_at FROM identity_graph_out
         UNION ALL SELECT $ws, kind, value, person_id, false, NULL, NULL FROM identity_singles`,
        { ws },
      );
      const check = await read(
        `WITH ins AS (
           SELECT person_id, count(*) AS n, bool_or(single) AS has_single
           FROM (SELECT person_id, false AS single FROM identity_graph_out UNION ALL SELECT person_id, true FROM identity_singles)
           GROUP BY person_id),
         total AS (
           SELECT person_id, count(*) AS n FROM identities
           WHERE workspace_id = $ws AND person_id IN (SELECT person_id FROM ins) GROUP BY person_id)
         SELECT (SELECT count(*) FROM ins JOIN total USING (person_id) WHERE total.n > ins.n OR (ins.n > 1 AND ins.has_single)) AS collisions,
           (SELECT count(*) FROM identity_singles) AS singles,
           (SELECT list(person_id) FROM ins) AS persons`,
      );
      const row = check[0] ?? {};
      for (const p of (row.persons as string[] | null) ?? []) persons.add(p);
      return {
        singles: Number(row.singles ?? 0),
        collisions: Number(row.collisions ?? 0),
        persons: [...persons],
      };
    },
    `AND ${inScope('identity_scope_in')}`,
  );
}
