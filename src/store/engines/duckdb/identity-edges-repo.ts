// Identity edges: the links the facts state, normalised by the model, kept as a derived table so that a
// live derive can resolve only the linked components around new events instead of every link.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { IdentifierKey, IdentityLinkRow, AffectedEvents } from '../../types.js';
import { sqlString, VARCHAR_LIST, type Db, type Row } from './connection.js';
import { queryNeutral, readNeutralColumns } from './dialect.js';
import { edgesBuiltSql, linkFactsSql } from '../neutral/identity-queries.js';

/** Loads ids into a temp table `(kind, value)` on this connection. */
export async function loadIdentifierTable(
  c: DuckDBConnection,
  table: string,
  ids: readonly IdentifierKey[],
): Promise<void> {
  await c.run(
    `CREATE OR REPLACE TEMP TABLE ${table} AS SELECT DISTINCT unnest($k::VARCHAR[]) AS kind, unnest($v::VARCHAR[]) AS value`,
    { k: listValue(ids.map((i) => i.kind)), v: listValue(ids.map((i) => i.value)) },
    { k: VARCHAR_LIST, v: VARCHAR_LIST },
  );
}

const toKeys = (rows: Row[]): IdentifierKey[] =>
  rows.map((r) => ({ kind: String(r.kind), value: String(r.value) }));

/** The links the facts state (raw): all of them, or those in the affected ids' staged events (and every identity_links fact). */
export async function identityLinkFacts(
  db: Db,
  ws: string,
  affected?: AffectedEvents,
): Promise<IdentityLinkRow[]> {
  // on the writer: the stage is one of its temp tables
  return db.write(async (c) => {
    const cols = await readNeutralColumns(
      c,
      linkFactsSql(ws, affected ? { source: affected.stage } : {}),
    );
    const [ak = [], av = [], bk = [], bv = [], at = [], src = []] = cols;
    const out: IdentityLinkRow[] = new Array<IdentityLinkRow>(ak.length);
    for (let i = 0; i < ak.length; i++) {
      out[i] = {
        aKind: String(ak[i]),
        aValue: String(av[i]),
        bKind: String(bk[i]),
        bValue: String(bv[i]),
        at: Number(at[i]),
        source: String(src[i]),
      };
    }
    return out;
  });
}

/**
 * Stores normalised edges: `full` replaces the workspace's edges; otherwise new edges are added and known
 * ones keep their earliest time. Returns the ids at the ends of edges that were added or moved earlier
 * (empty when full): the seeds of a scoped resolution.
 */
export async function saveIdentityEdges(
  db: Db,
  ws: string,
  edges: readonly IdentityLinkRow[],
  opts: { full: boolean },
): Promise<IdentifierKey[]> {
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-edges-'));
  try {
    const file = join(dir, 'edges.ndjson');
    writeFileSync(
      file,
      edges
        .map((e) =>
          JSON.stringify({
            ak: e.aKind,
            av: e.aValue,
            bk: e.bKind,
            bv: e.bValue,
            s: e.source,
            t: e.at,
          }),
        )
        .join('\n'),
    );
    return await db.transaction(async (c) => {
      await c.run(
        `CREATE OR REPLACE TEMP TABLE identity_edges_in AS
         SELECT ak AS a_kind, av AS a_value, bk AS b_kind, bv AS b_value, s AS source, min(t) AS first_at
         FROM read_ndjson(${sqlString(file)}, columns = {ak: 'VARCHAR', av: 'VARCHAR', bk: 'VARCHAR', bv: 'VARCHAR', s: 'VARCHAR', t: 'BIGINT'})
         GROUP BY ALL`,
      );
      if (opts.full) {
        await c.run('DELETE FROM identity_edges WHERE workspace_id = $ws', { ws });
        await c.run('INSERT INTO identity_edges SELECT $ws, * FROM identity_edges_in', { ws });
        await c.run('INSERT OR REPLACE INTO identity_edges_built VALUES ($ws, now())', { ws });
        return [];
      }
      await c.run(
        `CREATE OR REPLACE TEMP TABLE identity_edges_changed AS
         SELECT n.* FROM identity_edges_in n
         LEFT JOIN (SELECT * FROM identity_edges WHERE workspace_id = $ws) e USING (a_kind, a_value, b_kind, b_value, source)
         WHERE e.first_at IS NULL OR n.first_at < e.first_at`,
        { ws },
      );
      await c.run(
        `DELETE FROM identity_edges WHERE workspace_id = $ws
           AND (a_kind, a_value, b_kind, b_value, source) IN (SELECT (a_kind, a_value, b_kind, b_value, source) FROM identity_edges_changed)`,
        { ws },
      );
      await c.run('INSERT INTO identity_edges SELECT $ws, * FROM identity_edges_changed', { ws });
      const ends = await c.runAndReadAll(
        `SELECT a_kind AS kind, a_value AS value FROM identity_edges_changed
         UNION SELECT b_kind, b_value FROM identity_edges_changed WHERE b_kind <> ''`,
      );
      return toKeys(ends.getRowObjectsJson() as Row[]);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Whether the workspace's edges were written whole from every fact, so that a live derive can add to
 * them and resolve by scope: false for a new workspace, or one resolved before edges were kept, which
 * is resolved whole once.
 */
export async function identityEdgesReady(db: Db, ws: string): Promise<boolean> {
  const rows = await queryNeutral(db, edgesBuiltSql(ws));
  return Number(rows[0]?.n ?? 0) > 0;
}
