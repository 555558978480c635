// The CRM area on DuckDB: changes appended in one transaction (keys already stored skipped), the rest
// through the neutral queries (../neutral/crm-queries.ts). The CRM milestones are replaced whole in a
// transaction, beside the tracker's leads.
import type {
  CrmAppendResult,
  CrmChangeFact,
  CrmDealState,
  CrmMatchCount,
  CrmMilestoneMapping,
  CrmStageKey,
} from '../../areas/crm.js';
import {
  CRM_CHANGE_COLUMNS,
  crmChangeRow,
  crmDealsSql,
  crmMatchCountsSql,
  crmMatchRows,
  crmMilestonesSql,
  crmStageKeysSql,
  freshChanges,
  groupMatchKeys,
  insertCrmMilestonesSql,
  listCrmChangesSql,
  listCrmMatchKeysSql,
  storedCrmKeysSql,
  toCrmChange,
  toCrmDeal,
  toCrmMatchCount,
  toCrmStageKey,
} from '../neutral/crm-queries.js';
import type { Db } from './connection.js';
import { queryNeutral, readNeutral, runNeutral } from './dialect.js';

const CHANGE_VALUES = CRM_CHANGE_COLUMNS.map((c) =>
  c === 'occurred_at' ? `CAST($${c} AS TIMESTAMPTZ)` : `$${c}`,
).join(', ');

export async function appendCrmChanges(
  db: Db,
  ws: string,
  changes: readonly CrmChangeFact[],
): Promise<CrmAppendResult> {
  if (changes.length === 0) return { inserted: 0, duplicates: 0 };
  return db.transaction(async (conn) => {
    const keys = [...new Set(changes.map((c) => c.key))];
    const stored = new Set(
      (await readNeutral(conn, storedCrmKeysSql(ws, keys))).map((r) => String(r.key)),
    );
    const fresh = freshChanges(changes, stored);
    if (fresh.length > 0) {
      const change = await conn.prepare(
        `INSERT INTO crm_changes (${CRM_CHANGE_COLUMNS.join(', ')}) VALUES (${CHANGE_VALUES})`,
      );
      const match = await conn.prepare(
        'INSERT INTO crm_match_keys (workspace_id, key, kind, value, position) VALUES ($workspace_id, $key, $kind, $value, $position)',
      );
      for (const f of fresh) {
        change.bind(crmChangeRow(ws, f));
        await change.run();
        for (const m of crmMatchRows(ws, f)) {
          match.bind({ ...m });
          await match.run();
        }
      }
    }
    return { inserted: fresh.length, duplicates: changes.length - fresh.length };
  });
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

export async function crmDeals(db: Db, ws: string): Promise<CrmDealState[]> {
  return (await queryNeutral(db, crmDealsSql(ws))).map(toCrmDeal);
}
