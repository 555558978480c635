// The Stripe area on ClickHouse: facts appended as rows (keys already stored skipped; one workspace's
// appends run one at a time, as the CRM facts' do), read back through the neutral queries; the revenue
// milestones of a workspace swapped in with its milestones partition (the other milestones kept).
import type { CrmAppendResult } from '../../areas/crm.js';
import type { RevenueMilestone, StripeFact } from '../../areas/stripe.js';
import { crmMatchRows, freshChanges, groupMatchKeys } from '../neutral/crm-rows.js';
import {
  countStripeFactsSql,
  listStripeFactsSql,
  listStripeMatchKeysSql,
  onePerKey,
  notRevenueMilestones,
  revenueMilestoneRow,
  storedStripeKeysSql,
  stripeCustomerKeyRow,
  stripeCustomerOf,
  stripeFactRow,
  toStripeFact,
} from '../neutral/stripe-queries.js';
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
): Promise<number> {
  await swapPartition(
    s,
    'milestones',
    ws,
    notRevenueMilestones(ws),
    milestones.map((m) => revenueMilestoneRow(ws, m)),
  );
  return milestones.length;
}
