// The CRM area on ClickHouse: changes appended as rows (keys already stored skipped: one workspace's
// appends run one at a time, under its derive lock), the rest through the neutral queries
// (../neutral/crm-queries.ts). The CRM milestones of a workspace are rebuilt in a stage of its
// milestones partition (the tracker's leads copied over) and swapped in.
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
  countCrmMilestonesSql,
  listRevenueSql,
} from '../neutral/crm-queries.js';
import {
  crmChangeRow,
  crmMatchRows,
  freshChanges,
  groupMatchKeys,
  toCrmChange,
  toCrmDeal,
  toCrmMatchCount,
  toCrmMissingRate,
  toCrmStageKey,
  revenueRow,
  toRevenueFact,
} from '../neutral/crm-rows.js';
import { fn, p, sql } from '../neutral/sql.js';
import { withoutErased } from '../neutral/crm-erased.js';
import { commandNeutral, queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';
import { rebuildPartition } from './partition-swap.js';

export async function appendCrmChanges(
  s: ChStore,
  ws: string,
  all: readonly CrmChangeFact[],
): Promise<CrmAppendResult> {
  if (all.length === 0) return { inserted: 0, duplicates: 0, erased: 0 };
  const { kept: changes, erased } = await withoutErased(ws, all, s.privacyKey, (q) =>
    queryNeutral(s.conn, s.database, q),
  );
  const keys = [...new Set(changes.map((c) => c.key))];
  const stored = new Set(
    (await queryNeutral(s.conn, s.database, storedCrmKeysSql(ws, keys))).map((r) => String(r.key)),
  );
  const fresh = freshChanges(changes, stored);
  if (fresh.length > 0) {
    // the match keys first: a change is read only once its row is there, and then has all its keys
    const matches = fresh.flatMap((f) => crmMatchRows(ws, f));
    if (matches.length > 0) await s.conn.insert(`${s.database}.crm_match_keys`, matches);
    await s.conn.insert(
      `${s.database}.crm_changes`,
      fresh.map((f) => crmChangeRow(ws, f)),
    );
  }
  return { inserted: fresh.length, duplicates: changes.length - fresh.length, erased };
}

export async function appendRevenueRecords(
  s: ChStore,
  ws: string,
  all: readonly RevenueFact[],
): Promise<CrmAppendResult> {
  if (all.length === 0) return { inserted: 0, duplicates: 0, erased: 0 };
  const { kept: records, erased } = await withoutErased(ws, all, s.privacyKey, (q) =>
    queryNeutral(s.conn, s.database, q),
  );
  const keys = [...new Set(records.map((c) => c.key))];
  const stored = new Set(
    (await queryNeutral(s.conn, s.database, storedCrmKeysSql(ws, keys, 'revenue_records'))).map(
      (r) => String(r.key),
    ),
  );
  const fresh = freshChanges(records, stored);
  if (fresh.length > 0) {
    const matches = fresh.flatMap((f) => crmMatchRows(ws, f));
    if (matches.length > 0) await s.conn.insert(`${s.database}.crm_match_keys`, matches);
    await s.conn.insert(
      `${s.database}.revenue_records`,
      fresh.map((f) => revenueRow(ws, f)),
    );
  }
  return { inserted: fresh.length, duplicates: records.length - fresh.length, erased };
}

export async function revenueRecords(s: ChStore, ws: string): Promise<RevenueFact[]> {
  const keys = groupMatchKeys(await queryNeutral(s.conn, s.database, listCrmMatchKeysSql(ws)));
  return (await queryNeutral(s.conn, s.database, listRevenueSql(ws))).map((r) =>
    toRevenueFact(r, keys),
  );
}

export async function crmChanges(s: ChStore, ws: string): Promise<CrmChangeFact[]> {
  const keys = groupMatchKeys(await queryNeutral(s.conn, s.database, listCrmMatchKeysSql(ws)));
  return (await queryNeutral(s.conn, s.database, listCrmChangesSql(ws))).map((r) =>
    toCrmChange(r, keys),
  );
}

export async function crmStageKeys(s: ChStore, ws: string): Promise<CrmStageKey[]> {
  return (await queryNeutral(s.conn, s.database, crmStageKeysSql(ws))).map(toCrmStageKey);
}

export async function deriveCrmMilestones(
  s: ChStore,
  ws: string,
  mapping: CrmMilestoneMapping,
): Promise<number> {
  const crmRows = async (table: string) =>
    Number((await queryNeutral(s.conn, s.database, countCrmMilestonesSql(table, ws)))[0]?.n ?? 0);
  // nothing to write and nothing to remove: no partition swap (a rebuild of a workspace without CRM)
  if (mapping.milestones.size === 0 && (await crmRows('milestones')) === 0) return 0;
  let written = 0;
  await rebuildPartition(s, 'milestones', ws, async (stage) => {
    await commandNeutral(
      s.conn,
      s.database,
      sql`INSERT INTO ${fn.table(stage)} SELECT * FROM ${fn.table('milestones')}
        WHERE workspace_id = ${p.text(ws)} AND source NOT LIKE 'crm:%'`,
    );
    if (mapping.milestones.size === 0) return;
    await commandNeutral(
      s.conn,
      s.database,
      insertCrmMilestonesSql(stage, crmMilestonesSql(ws, mapping)),
    );
    written = await crmRows(stage);
  });
  return written;
}

export async function crmMatchCounts(s: ChStore, ws: string): Promise<CrmMatchCount[]> {
  return (await queryNeutral(s.conn, s.database, crmMatchCountsSql(ws))).map(toCrmMatchCount);
}

export async function crmMissingRates(
  s: ChStore,
  ws: string,
  mapping: CrmMilestoneMapping,
): Promise<CrmMissingRate[]> {
  if (mapping.milestones.size === 0) return [];
  return (await queryNeutral(s.conn, s.database, crmMissingRatesSql(ws, mapping))).map(
    toCrmMissingRate,
  );
}

export async function crmDeals(s: ChStore, ws: string): Promise<CrmDealState[]> {
  return (await queryNeutral(s.conn, s.database, crmDealsSql(ws))).map(toCrmDeal);
}
