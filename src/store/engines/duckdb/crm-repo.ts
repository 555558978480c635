// The CRM area on DuckDB: changes appended in one transaction (keys already stored skipped), the rest
// through the neutral queries (../neutral/crm-queries.ts). The CRM milestones are replaced whole in a
// transaction, beside the tracker's leads.
import type {
  CrmAppendResult,
  CrmChangeFact,
  CrmDealState,
  CrmMatchCount,
  CrmMissingRate,
  CrmMilestoneMapping,
  CrmStageKey,
  RevenueFact,
} from '../../areas/crm.js';
import {
  crmDealsSql,
  crmMatchCountsSql,
  crmMilestonesSql,
  crmMissingRatesSql,
  crmStageKeysSql,
  insertCrmMilestonesSql,
  listCrmChangesSql,
  listCrmMatchKeysSql,
  storedCrmKeysSql,
  listRevenueSql,
} from '../neutral/crm-queries.js';
import {
  CRM_CHANGE_COLUMNS,
  crmChangeRow,
  crmMatchRows,
  freshChanges,
  groupMatchKeys,
  toCrmChange,
  toCrmDeal,
  toCrmMatchCount,
  toCrmMissingRate,
  toCrmStageKey,
  REVENUE_COLUMNS,
  revenueRow,
  toRevenueFact,
} from '../neutral/crm-rows.js';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { withoutErased } from '../neutral/crm-erased.js';
import { textsAsJson, textsFromJson, type Db } from './connection.js';
import { queryNeutral, readNeutral, runNeutral } from './dialect.js';

/** Columns bound as lists of text (one statement per batch, zipped by unnest), cast to their types. */
const CASTS: Readonly<Record<string, string>> = {
  occurred_at: 'TIMESTAMPTZ',
  amount_minor: 'BIGINT',
  position: 'INTEGER',
};

/** Inserts rows in one statement: each column a JSON list of texts (textsAsJson), the lists zipped by unnest. */
export async function insertRows(
  conn: DuckDBConnection,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<Readonly<Record<string, string | number | null>>>,
  casts: Readonly<Record<string, string>> = CASTS,
): Promise<void> {
  const params: Record<string, DuckDBValue> = {};
  columns.forEach((c, i) => {
    params[`c${i}`] = textsAsJson(
      rows.map((r) => (r[c] === null || r[c] === undefined ? null : String(r[c]))),
    );
  });
  const unnested = columns.map((c, i) => `unnest(${textsFromJson(`$c${i}`)}) AS ${c}`).join(', ');
  const cast = columns.map((c) => (casts[c] ? `CAST(${c} AS ${casts[c]})` : c)).join(', ');
  await conn.run(
    `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${cast} FROM (SELECT ${unnested})`,
    params,
  );
}

export async function appendCrmChanges(
  db: Db,
  ws: string,
  all: readonly CrmChangeFact[],
  privacyKey?: string,
): Promise<CrmAppendResult> {
  if (all.length === 0) return { inserted: 0, duplicates: 0, erased: 0 };
  return db.transaction(async (conn) => {
    const { kept: changes, erased } = await withoutErased(ws, all, privacyKey, (q) =>
      readNeutral(conn, q),
    );
    const keys = [...new Set(changes.map((c) => c.key))];
    const stored = new Set(
      (await readNeutral(conn, storedCrmKeysSql(ws, keys))).map((r) => String(r.key)),
    );
    const fresh = freshChanges(changes, stored);
    if (fresh.length > 0) {
      await insertRows(
        conn,
        'crm_changes',
        CRM_CHANGE_COLUMNS,
        fresh.map((f) => crmChangeRow(ws, f)),
      );
      const matches = fresh.flatMap((f) => crmMatchRows(ws, f));
      if (matches.length > 0)
        await insertRows(
          conn,
          'crm_match_keys',
          ['workspace_id', 'key', 'kind', 'value', 'position'],
          matches.map((m) => ({ ...m })),
        );
    }
    return { inserted: fresh.length, duplicates: changes.length - fresh.length, erased };
  });
}

export async function appendRevenueRecords(
  db: Db,
  ws: string,
  all: readonly RevenueFact[],
  privacyKey?: string,
): Promise<CrmAppendResult> {
  if (all.length === 0) return { inserted: 0, duplicates: 0, erased: 0 };
  return db.transaction(async (conn) => {
    const { kept: records, erased } = await withoutErased(ws, all, privacyKey, (q) =>
      readNeutral(conn, q),
    );
    const keys = [...new Set(records.map((c) => c.key))];
    const stored = new Set(
      (await readNeutral(conn, storedCrmKeysSql(ws, keys, 'revenue_records'))).map((r) =>
        String(r.key),
      ),
    );
    const fresh = freshChanges(records, stored);
    if (fresh.length > 0) {
      await insertRows(
        conn,
        'revenue_records',
        REVENUE_COLUMNS,
        fresh.map((f) => revenueRow(ws, f)),
      );
      const matches = fresh.flatMap((f) => crmMatchRows(ws, f));
      if (matches.length > 0)
        await insertRows(
          conn,
          'crm_match_keys',
          ['workspace_id', 'key', 'kind', 'value', 'position'],
          matches.map((m) => ({ ...m })),
        );
    }
    return { inserted: fresh.length, duplicates: records.length - fresh.length, erased };
  });
}

export async function revenueRecords(db: Db, ws: string): Promise<RevenueFact[]> {
  const keys = groupMatchKeys(await queryNeutral(db, listCrmMatchKeysSql(ws)));
  return (await queryNeutral(db, listRevenueSql(ws))).map((r) => toRevenueFact(r, keys));
}

export async function crmChanges(db: Db, ws: string): Promise<CrmChangeFact[]> {
  const keys = groupMatchKeys(await queryNeutral(db, listCrmMatchKeysSql(ws)));
  return (await queryNeutral(db, listCrmChangesSql(ws))).map((r) => toCrmChange(r, keys));
}

export async function crmStageKeys(db: Db, ws: string): Promise<CrmStageKey[]> {
  return (await queryNeutral(db, crmStageKeysSql(ws))).map(toCrmStageKey);
}

export async function deriveCrmMilestones(
  db: Db,
  ws: string,
  mapping: CrmMilestoneMapping,
): Promise<number> {
  return db.transaction(async (conn) => {
    await conn.run("DELETE FROM milestones WHERE workspace_id = $ws AND source LIKE 'crm:%'", {
      ws,
    });
    if (mapping.milestones.size === 0) return 0;
    return runNeutral(conn, insertCrmMilestonesSql('milestones', crmMilestonesSql(ws, mapping)));
  });
}

export async function crmMatchCounts(db: Db, ws: string): Promise<CrmMatchCount[]> {
  return (await queryNeutral(db, crmMatchCountsSql(ws))).map(toCrmMatchCount);
}

export async function crmMissingRates(
  db: Db,
  ws: string,
  mapping: CrmMilestoneMapping,
): Promise<CrmMissingRate[]> {
  if (mapping.milestones.size === 0) return [];
  return (await queryNeutral(db, crmMissingRatesSql(ws, mapping))).map(toCrmMissingRate);
}

export async function crmDeals(db: Db, ws: string): Promise<CrmDealState[]> {
  return (await queryNeutral(db, crmDealsSql(ws))).map(toCrmDeal);
}
