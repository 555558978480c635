// A scoped identity resolution on DuckDB: its reads are neutral (../neutral/identity-scope.ts); its
// persons are written back in one transaction, each statement touching the big identity tables once,
// joined to the small scope, so its cost follows the scope, not the workspace.
import type {
  IdentifierKey,
  IdentityInputs,
  IdentityOutput,
  OpaqueIdRule,
  AffectedIds,
} from '../../types.js';
import type { Db, Row } from './connection.js';
import { inScope, SINGLE_PERSON_ID } from './derive-identity.js';
import { queryNeutral } from './dialect.js';
import { identityScopeOf, scopedInputsOf } from '../neutral/identity-scope.js';
import { loadIdentifierTable } from './identity-edges-repo.js';
import { writeIdentities, type SavedIdentities } from './identity-repo.js';

/**
 * The ids a scoped resolution must re-place: the seeds, the affected anonymous and user ids (normalised
 * as the rule trims them), and every id linked to those, transitively (whole linked components).
 */
export function identityScope(
  db: Db,
  ws: string,
  rule: OpaqueIdRule,
  seeds: readonly IdentifierKey[],
  affected: AffectedIds,
): Promise<IdentifierKey[]> {
  return identityScopeOf((q) => queryNeutral(db, q), ws, rule, seeds, affected);
}

/**
 * The graph's inputs for a scope (whole linked components): its edges, the ids to place (those an edge
 * touches or that are not clean) and their current persons.
 */
export function scopedIdentityInputs(
  db: Db,
  ws: string,
  scope: readonly IdentifierKey[],
): Promise<IdentityInputs> {
  return scopedInputsOf((q) => queryNeutral(db, q), ws, scope);
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
