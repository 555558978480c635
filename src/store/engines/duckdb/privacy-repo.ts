// A person's export and erasure (GDPR Art. 15 and 17) in SQL: every row about them per table (the neutral
// filters of neutral/privacy-queries.ts) read on one snapshot, the erase transaction with its tombstones
// and audit, and the audit record itself.
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { ErasureRecord, PersonRows, PersonSelection } from '../../types.js';
import { VARCHAR_LIST, type Db } from './connection.js';
import { keyHashSql, type PrivacyKey } from './erased-identifiers.js';
import { exportSource } from './person-tables.js';
import { queryNeutral, readNeutral, runNeutral } from './dialect.js';
import { listErasuresSql, toErasureRecord } from '../neutral/audit-queries.js';
import {
  erasedStripeCustomersSql,
  personTables,
  stripeCustomerTombstones,
  tombstoneKeys,
} from '../neutral/privacy-queries.js';
import { fn, raw, sql } from '../neutral/sql.js';

/** Every row about the person, per table, read on one snapshot. */
export async function personRows(db: Db, ws: string, sel: PersonSelection): Promise<PersonRows> {
  const tables = personTables(ws, sel);
  return db.readTransaction(async (conn) => {
    const out: PersonRows = {};
    for (const { table, where } of tables) {
      const rows = await readNeutral(
        conn,
        sql`SELECT to_json(t)::VARCHAR AS row FROM ${raw(exportSource(table))} t WHERE ${where} ORDER BY ALL`,
      );
      out[table] = rows.map((x) => JSON.parse(String(x.row)) as Record<string, unknown>);
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
  const tables = personTables(ws, sel);
  const stripe = erasedStripeCustomersSql(ws, sel);
  return db.transaction(async (c) => {
    // the person's Stripe customers, read before their rows go: tombstoned with the identifiers
    const customers = stripe ? (await readNeutral(c, stripe)).map((r) => String(r.value)) : [];
    const tombstones = [...tombstoneKeys(sel), ...stripeCustomerTombstones(customers)];
    const counts: Record<string, number> = {};
    for (const { table, where } of tables)
      counts[table] = await runNeutral(c, sql`DELETE FROM ${fn.table(table)} WHERE ${where}`);
    await c.run(
      `INSERT INTO erased_identifiers (workspace_id, kind, key_hash, erased_at, erasure_id, from_at, until_at)
       SELECT DISTINCT $ws, k, ${keyHashSql('k', 'v')}, CAST($at AS TIMESTAMPTZ), $id, CAST(f AS TIMESTAMPTZ), CAST(u AS TIMESTAMPTZ)
       FROM (SELECT unnest($k::VARCHAR[]) AS k, unnest($v::VARCHAR[]) AS v, unnest($f::VARCHAR[]) AS f, unnest($u::VARCHAR[]) AS u)`,
      {
        ws,
        at: meta.at.toISOString(),
        id: meta.erasureId,
        k: listValue(tombstones.map((t) => t.kind)),
        v: listValue(tombstones.map((t) => t.value)),
        f: listValue(tombstones.map((t) => t.from)),
        u: listValue(tombstones.map((t) => t.until)),
      },
      { k: VARCHAR_LIST, v: VARCHAR_LIST, f: VARCHAR_LIST, u: VARCHAR_LIST },
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
