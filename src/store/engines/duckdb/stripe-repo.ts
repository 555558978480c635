// The Stripe area on DuckDB: facts appended in one transaction (keys already stored skipped), read back
// through the neutral queries; the revenue milestones replaced whole in a transaction.
import type { CrmAppendResult, CrmMilestoneMapping } from '../../areas/crm.js';
import {
  REVENUE_MILESTONE_SOURCE,
  type CrmReachedMilestone,
  type RevenueMilestone,
  type StripeFact,
} from '../../areas/stripe.js';
import { crmMatchRows, freshChanges, groupMatchKeys } from '../neutral/crm-rows.js';
import {
  countStripeFactsSql,
  crmReachedMilestonesSql,
  listStripeFactsSql,
  listStripeMatchKeysSql,
  onePerKey,
  revenueMilestoneRow,
  STRIPE_FACT_COLUMNS,
  storedStripeKeysSql,
  stripeCustomerKeyRow,
  stripeCustomerOf,
  stripeFactRow,
  supersededCrmMilestones,
  toCrmReachedMilestone,
  toStripeFact,
} from '../neutral/stripe-queries.js';
import { fn, sql } from '../neutral/sql.js';
import { withoutErased } from '../neutral/crm-erased.js';
import type { Db } from './connection.js';
import { insertRows } from './crm-repo.js';
import { queryNeutral, readNeutral, runNeutral } from './dialect.js';

const MATCH_COLUMNS = ['workspace_id', 'key', 'kind', 'value', 'position'];

export async function appendStripeFacts(
  db: Db,
  ws: string,
  all: readonly StripeFact[],
  privacyKey?: string,
): Promise<CrmAppendResult> {
  if (all.length === 0) return { inserted: 0, duplicates: 0, erased: 0 };
  return db.transaction(async (conn) => {
    // an erased person's customer, and its objects, are not stored again (neutral/crm-erased.ts)
    const { kept: facts, erased } = await withoutErased(
      ws,
      all,
      privacyKey,
      (q) => readNeutral(conn, q),
      stripeCustomerOf,
    );
    const keys = [...new Set(facts.map((f) => f.key))];
    const stored = new Set(
      (await readNeutral(conn, storedStripeKeysSql(ws, keys))).map((r) => String(r.key)),
    );
    const fresh = freshChanges(facts, stored);
    if (fresh.length > 0) {
      await insertRows(
        conn,
        'stripe_facts',
        STRIPE_FACT_COLUMNS,
        fresh.map((f) => stripeFactRow(ws, f)),
        { occurred_at: 'TIMESTAMPTZ', recorded_at: 'TIMESTAMPTZ' },
      );
      const matches = fresh.flatMap((f) => [
        ...crmMatchRows(ws, f),
        ...stripeCustomerKeyRow(ws, f),
      ]);
      if (matches.length > 0)
        await insertRows(
          conn,
          'crm_match_keys',
          MATCH_COLUMNS,
          matches.map((m) => ({ ...m })),
        );
    }
    return { inserted: fresh.length, duplicates: facts.length - fresh.length, erased };
  });
}

export async function crmReachedMilestones(
  db: Db,
  ws: string,
  mapping: CrmMilestoneMapping,
  milestone: string,
): Promise<CrmReachedMilestone[]> {
  return (await queryNeutral(db, crmReachedMilestonesSql(ws, mapping, milestone))).map(
    toCrmReachedMilestone,
  );
}

export async function countStripeFacts(db: Db, ws: string): Promise<number> {
  return Number((await queryNeutral(db, countStripeFactsSql(ws)))[0]?.n ?? 0);
}

export async function stripeFacts(db: Db, ws: string): Promise<StripeFact[]> {
  const keys = groupMatchKeys(await queryNeutral(db, listStripeMatchKeysSql(ws)));
  return onePerKey(
    (await queryNeutral(db, listStripeFactsSql(ws))).map((r) => toStripeFact(r, keys)),
  );
}

export async function replaceRevenueMilestones(
  db: Db,
  ws: string,
  milestones: readonly RevenueMilestone[],
  supersedes?: { milestone: string; personIds: readonly string[] },
): Promise<number> {
  return db.transaction(async (conn) => {
    await conn.run('DELETE FROM milestones WHERE workspace_id = $ws AND source = $source', {
      ws,
      source: REVENUE_MILESTONE_SOURCE,
    });
    // the CRM rows merged into these (one customer milestone per person)
    if (supersedes && supersedes.personIds.length > 0)
      await runNeutral(
        conn,
        sql`DELETE FROM ${fn.table('milestones')} WHERE ${supersededCrmMilestones(ws, supersedes)}`,
      );
    if (milestones.length === 0) return 0;
    await insertRows(
      conn,
      'milestones',
      ['workspace_id', 'person_id', 'milestone', 'reached_at', 'source', 'message_id', 'value'],
      milestones.map((m) => revenueMilestoneRow(ws, m)),
      { reached_at: 'TIMESTAMPTZ', value: 'DOUBLE' },
    );
    return milestones.length;
  });
}
