// The Stripe area on ClickHouse: facts appended as rows (keys already stored skipped; one workspace's
// appends run one at a time, as the CRM facts' do), read back through the neutral queries; the revenue
// milestones of a workspace swapped in with its milestones partition (the other milestones kept).
import type { CrmAppendResult, CrmMilestoneMapping } from '../../areas/crm.js';
import type { CrmReachedMilestone, RevenueMilestone, StripeFact } from '../../areas/stripe.js';
import { crmMatchRows, freshChanges, groupMatchKeys } from '../neutral/crm-rows.js';
import {
  countStripeFactsSql,
  crmReachedMilestonesSql,
  listStripeFactsSql,
  listStripeMatchKeysSql,
  onePerKey,
  notRevenueMilestones,
  revenueMilestoneRow,
  storedStripeKeysSql,
  stripeCustomerKeyRow,
  stripeCustomerOf,
  stripeFactRow,
  supersededCrmMilestones,
  toCrmReachedMilestone,
  toStripeFact,
} from '../neutral/stripe-queries.js';
import { sql } from '../neutral/sql.js';
import { queryNeutral } from './dialect.js';
import { withoutErased } from '../neutral/crm-erased.js';
import type { ChStore } from './events.js';
import { swapPartition } from './partition-swap.js';

export async function appendStripeFacts(
  s: ChStore,
  ws: string,
  all: readonly StripeFact[],
): Promise<CrmAppendResult> {
  if (all.length === 0) return { inserted: 0, duplicates: 0, erased: 0 };
  // an erased person's customer, and its objects, are not stored again (neutral/crm-erased.ts)
  const { kept: facts, erased } = await withoutErased(
    ws,
    all,
    s.privacyKey,
    (q) => queryNeutral(s.conn, s.database, q),
    stripeCustomerOf,
  );
  const keys = [...new Set(facts.map((f) => f.key))];
  const stored = new Set(
    (await queryNeutral(s.conn, s.database, storedStripeKeysSql(ws, keys))).map((r) =>
      String(r.key),
    ),
  );
  const fresh = freshChanges(facts, stored);
  if (fresh.length > 0) {
    // the match keys first: a fact is read only once its row is there, and then has all its keys
    const matches = fresh.flatMap((f) => [...crmMatchRows(ws, f), ...stripeCustomerKeyRow(ws, f)]);
    if (matches.length > 0) await s.conn.insert(`${s.database}.crm_match_keys`, matches);
    await s.conn.insert(
      `${s.database}.stripe_facts`,
      fresh.map((f) => stripeFactRow(ws, f)),
    );
  }
  return { inserted: fresh.length, duplicates: facts.length - fresh.length, erased };
}

export async function crmReachedMilestones(
  s: ChStore,
  ws: string,
  mapping: CrmMilestoneMapping,
  milestone: string,
): Promise<CrmReachedMilestone[]> {
  return (
    await queryNeutral(s.conn, s.database, crmReachedMilestonesSql(ws, mapping, milestone))
  ).map(toCrmReachedMilestone);
}

export async function countStripeFacts(s: ChStore, ws: string): Promise<number> {
  return Number((await queryNeutral(s.conn, s.database, countStripeFactsSql(ws)))[0]?.n ?? 0);
}

export async function stripeFacts(s: ChStore, ws: string): Promise<StripeFact[]> {
  const keys = groupMatchKeys(await queryNeutral(s.conn, s.database, listStripeMatchKeysSql(ws)));
  return onePerKey(
    (await queryNeutral(s.conn, s.database, listStripeFactsSql(ws))).map((r) =>
      toStripeFact(r, keys),
    ),
  );
}

export async function replaceRevenueMilestones(
  s: ChStore,
  ws: string,
  milestones: readonly RevenueMilestone[],
  supersedes?: { milestone: string; personIds: readonly string[] },
): Promise<number> {
  // kept: every other milestone, less the CRM rows merged into these (one customer milestone a person)
  const keep =
    supersedes && supersedes.personIds.length > 0
      ? sql`${notRevenueMilestones(ws)} AND NOT (${supersededCrmMilestones(ws, supersedes)})`
      : notRevenueMilestones(ws);
  await swapPartition(
    s,
    'milestones',
    ws,
    keep,
    milestones.map((m) => revenueMilestoneRow(ws, m)),
  );
  return milestones.length;
}
