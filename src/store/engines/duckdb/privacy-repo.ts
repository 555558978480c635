// A person's export and erasure (GDPR Art. 15 and 17) in SQL: every row about them per table (person-tables.ts)
// read on one snapshot, the erase transaction with its tombstones and audit, and the audit record itself.
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { ErasureRecord, PersonRows, PersonSelection } from '../../types.js';
import { VARCHAR_LIST, type Db, type Row } from './connection.js';
import { keyHashSql, TOMBSTONED_KINDS, type PrivacyKey } from './erased-identifiers.js';
import { paramsUsedBy, PERSON_TABLES, selectionParams } from './person-tables.js';
import { queryNeutral } from './dialect.js';
import { listErasuresSql, toErasureRecord } from '../neutral/audit-queries.js';

/** Every row about the person, per table, read on one snapshot. */
export async function personRows(db: Db, ws: string, sel: PersonSelection): Promise<PersonRows> {
  const params = selectionParams(ws, sel);
  return db.readTransaction(async (conn) => {
    const out: PersonRows = {};
    for (const { table, where } of PERSON_TABLES) {
      // the raw line of a dead letter may not be UTF-8: base64 keeps it exact, the text is there when it is readable
      const from =
        table === 'dead_letters'
          ? '(SELECT * EXCLUDE (raw), try(decode(raw)) AS raw_text, base64(raw) AS raw_base64 FROM dead_letters)'
          : table;
      const sql = `SELECT to_json(t)::VARCHAR AS row FROM ${from} t WHERE ${where} ORDER BY ALL`;
      const p = paramsUsedBy(sql, params);
      const r = await conn.runAndReadAll(sql, p.params, p.types);
      out[table] = (r.getRowObjectsJson() as Row[]).map(
        (x) => JSON.parse(String(x.row)) as Record<string, unknown>,
      );
    }
    return out;
  });
}

/**
 * Removes every row about the person from every table, writes tombstones of the identifiers a load checks
 * and the audit record, in one transaction. Returns the rows removed per table.
 */
export async function erasePerson(
  db: Db,
  key: PrivacyKey,
  ws: string,
  sel: PersonSelection,
  meta: { erasureId: string; via: 'api' | 'cli'; at: Date },
): Promise<Record<string, number>> {
  await key.ensure();
  const params = selectionParams(ws, sel);
  return db.transaction(async (c) => {
    const counts: Record<string, number> = {};
    for (const { table, where } of PERSON_TABLES) {
      const sql = `DELETE FROM ${table} WHERE ${where}`;
      const p = paramsUsedBy(sql, params);
      counts[table] = Number((await c.run(sql, p.params, p.types)).rowsChanged);
    }
    const kinds = TOMBSTONED_KINDS.map((k) => `'${k.kind}'`).join(', ');
    // the identifiers wholly theirs ($ik/$iv leave shared devices out), and of a shared device only their
    // stretches: the other persons' events on it, old or new, still load
    await c.run(
      `INSERT INTO erased_identifiers (workspace_id, kind, key_hash, erased_at, erasure_id, from_at, until_at)
       SELECT DISTINCT $ws, k, ${keyHashSql('k', 'v')}, CAST($at AS TIMESTAMPTZ), $id, NULL::TIMESTAMPTZ, NULL::TIMESTAMPTZ
       FROM (SELECT unnest($ik::VARCHAR[]) AS k, unnest($iv::VARCHAR[]) AS v) WHERE k IN (${kinds})
       UNION ALL
       SELECT DISTINCT $ws, 'anonymous_id', ${keyHashSql("'anonymous_id'", 'v')}, CAST($at AS TIMESTAMPTZ), $id, CAST(f AS TIMESTAMPTZ), CAST(u AS TIMESTAMPTZ)
       FROM (SELECT unnest($dv::VARCHAR[]) AS v, unnest($df::VARCHAR[]) AS f, unnest($du::VARCHAR[]) AS u)`,
      {
        ws,
        ik: params.ik!,
        iv: params.iv!,
        at: meta.at.toISOString(),
        id: meta.erasureId,
        dv: listValue(sel.sharedDevices.map((d) => d.anonymousId)),
        df: listValue(sel.sharedDevices.map((d) => d.from)),
        du: listValue(sel.sharedDevices.map((d) => d.until)),
      },
      { ik: VARCHAR_LIST, iv: VARCHAR_LIST, dv: VARCHAR_LIST, df: VARCHAR_LIST, du: VARCHAR_LIST },
    );
    await assertKeyed(c);
    await c.run(
      `INSERT INTO erasures (id, workspace_id, requested_at, via, row_counts) VALUES ($id, $ws, CAST($at AS TIMESTAMPTZ), $via, $counts)`,
      {
        id: meta.erasureId,
        ws,
        at: meta.at.toISOString(),
        via: meta.via,
        counts: JSON.stringify(counts),
      },
    );
    return counts;
  });
}

/** A tombstone without its hash would match nothing: refuse rather than record an erasure that cannot hold. */
async function assertKeyed(c: DuckDBConnection): Promise<void> {
  const r = (
    await c.runAndReadAll('SELECT count(*) AS n FROM erased_identifiers WHERE key_hash IS NULL')
  ).getRowObjectsJson();
  if (Number(r[0]?.n ?? 0) > 0)
    throw new Error('the privacy key is not loaded: tombstones would have no hash');
}

/** Marks an erasure's workspace re-derived. */
export async function completeErasure(db: Db, erasureId: string): Promise<void> {
  await db.write((c) =>
    c.run('UPDATE erasures SET rederived_at = now() WHERE id = $id', { id: erasureId }),
  );
}

export async function listErasures(db: Db, ws: string): Promise<ErasureRecord[]> {
  return (await queryNeutral(db, listErasuresSql(ws))).map(toErasureRecord);
}
