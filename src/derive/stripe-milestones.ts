// The `customer` milestone from subscription revenue: each matched Stripe customer's person reaches it
// at the customer's first paying moment, worth its first year's (or lifetime) subscription revenue in
// the workspace's currency, each month at the rate of its day. A person the CRM also calls a customer
// (a won deal mapped to `customer`) has one customer milestone, not two: at the earlier moment, worth
// the subscription revenue (docs/revenue.md, "One customer milestone").
import {
  addMonthsClamped,
  anniversaryMrr,
  anniversaryRateNeeds,
  convertedRevenue,
  type MrrMovement,
  type RateNeed,
  type RateOf,
} from '../revenue/index.js';
import type { Store } from '../store/store.js';
import type {
  CrmMilestoneMapping,
  CrmReachedMilestone,
  RevenueMilestone,
  StripeFact,
} from '../store/types.js';
import { attributionSettingsFor } from './attribution-settings.js';
import {
  matchStripeCustomers,
  matchSummary,
  type CustomerMatch,
  type MatchSummary,
} from './stripe-customers.js';
import {
  countMissing,
  revenueRates,
  workspaceCurrencyOf,
  type RevenueMissingRate,
} from './stripe-fx.js';
import { stripeRevenue } from './stripe-revenue.js';
import { deriveSubscriptionMonths } from './subscription-months.js';

/** What a customer's milestone is worth: its first year of subscription revenue, or all of it so far. */
export type CustomerValue = 'first_year' | 'lifetime';

/** The milestone subscription revenue reaches (and merges with the CRM's of the same name). */
export const CUSTOMER = 'customer';

/**
 * The subscription revenue a customer's movements earned from its first paying moment until `until`
 * (minor units of its currency): the MRR in effect at each monthly anniversary before `until`.
 */
export function earnedRevenue(movements: readonly MrrMovement[], until: number): number {
  return anniversaryMrr(movements, until).reduce((a, m) => a + m.mrr, 0);
}

/** A matched customer's start and the months its value counts. */
interface CustomerPlan {
  customerId: string;
  personId: string;
  currency: string;
  start: number;
  months: Array<{ at: number; mrr: number }>;
}

function plans(
  movements: readonly MrrMovement[],
  matches: readonly CustomerMatch[],
  value: CustomerValue,
  now: number,
): CustomerPlan[] {
  const person = new Map(matches.map((m) => [m.customerId, m.personId]));
  const byCustomer = new Map<string, MrrMovement[]>();
  for (const m of movements)
    byCustomer.set(m.customerId, [...(byCustomer.get(m.customerId) ?? []), m]);
  const out: CustomerPlan[] = [];
  for (const [customerId, list] of [...byCustomer].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const personId = person.get(customerId);
    const start = list.find((m) => m.kind === 'new_business');
    if (!personId || !start) continue;
    const until = value === 'first_year' ? Math.min(now, addMonthsClamped(start.at, 12)) : now;
    const months = anniversaryMrr(list, until);
    out.push({ customerId, personId, currency: start.currency, start: start.at, months });
  }
  return out;
}

/** The rates valuing the milestones of these movements needs. */
export function milestoneRateNeeds(
  movements: readonly MrrMovement[],
  matches: readonly CustomerMatch[],
  value: CustomerValue,
  now: number,
): RateNeed[] {
  return plans(movements, matches, value, now).flatMap((p) =>
    anniversaryRateNeeds(p.currency, p.months),
  );
}

/**
 * Each matched customer's `customer` milestone: reached at its first paying moment (new business),
 * valued at its first year's subscription revenue (`first_year`: its first 12 months, as far as they
 * have run by `now`) or all of it up to `now` (`lifetime`), in major units of `fx.currency`, each
 * month at the rate of its day. A person with several customers reaches it once, at the first, worth
 * all of them. A value needing a missing rate is null, and the rate is in `missing`.
 */
export function revenueMilestones(
  movements: readonly MrrMovement[],
  matches: readonly CustomerMatch[],
  value: CustomerValue,
  now: number,
  fx: { currency: string; rateOf: RateOf },
): { milestones: RevenueMilestone[]; missing: Array<RateNeed & { customerId: string }> } {
  const byPerson = new Map<string, RevenueMilestone>();
  const missing: Array<RateNeed & { customerId: string }> = [];
  for (const p of plans(movements, matches, value, now)) {
    const worth = convertedRevenue(p.currency, p.months, fx.currency, fx.rateOf);
    for (const n of worth.missing) missing.push({ ...n, customerId: p.customerId });
    const had = byPerson.get(p.personId);
    if (!had) {
      byPerson.set(p.personId, {
        personId: p.personId,
        milestone: CUSTOMER,
        reachedAt: p.start,
        messageId: `stripe:${p.customerId}`,
        value: worth.value,
      });
      continue;
    }
    had.value = had.value === null || worth.value === null ? null : had.value + worth.value;
    if (p.start < had.reachedAt) {
      had.reachedAt = p.start;
      had.messageId = `stripe:${p.customerId}`;
    }
  }
  return { milestones: [...byPerson.values()], missing };
}

/**
 * One customer milestone a person: where the CRM also reached `customer`, the revenue milestone takes
 * the earlier of the two moments and keeps the subscription revenue as its value (the won deal's
 * amount is the same money as booked in the CRM, so the two are not added). The persons merged.
 */
export function mergeCrmCustomers(
  revenue: readonly RevenueMilestone[],
  crm: readonly CrmReachedMilestone[],
): { milestones: RevenueMilestone[]; merged: string[] } {
  const crmOf = new Map(crm.map((c) => [c.personId, c]));
  const merged: string[] = [];
  const milestones = revenue.map((m) => {
    const c = crmOf.get(m.personId);
    if (!c) return m;
    merged.push(m.personId);
    return { ...m, reachedAt: Math.min(m.reachedAt, c.reachedAt) };
  });
  return { milestones, merged: merged.sort() };
}

export interface StripeMilestones extends MatchSummary {
  milestones: RevenueMilestone[];
  /** Persons whose CRM customer milestone the revenue one stands for. */
  merged: string[];
  currency: string;
  /** Rates the values needed and did not have: those milestones count, their value is unknown. */
  missingRates: RevenueMissingRate[];
}

/** The workspace's Stripe `customer` milestones, valued in its currency and merged with the CRM's. */
export async function stripeMilestones(
  store: Store,
  ws: string,
  opts: { value: CustomerValue; now?: number; crm: CrmMilestoneMapping | null },
  read?: {
    facts: readonly StripeFact[];
    matches: readonly CustomerMatch[];
    movements: MrrMovement[];
  },
): Promise<StripeMilestones> {
  const now = opts.now ?? Date.now();
  const facts = read?.facts ?? (await store.stripeFacts(ws));
  const matches = read?.matches ?? (await matchStripeCustomers(store, ws, facts));
  const movements = read?.movements ?? stripeRevenue(facts).movements;
  const currency = await workspaceCurrencyOf(store, ws);
  const rateOf = await revenueRates(
    store,
    ws,
    currency,
    milestoneRateNeeds(movements, matches, opts.value, now),
  );
  const valued = revenueMilestones(movements, matches, opts.value, now, { currency, rateOf });
  // the CRM's customers, as its derive makes them (its row of a merged person is gone from the table)
  const crm =
    opts.crm && [...opts.crm.milestones.values()].includes(CUSTOMER)
      ? await store.crmReachedMilestones(ws, opts.crm, CUSTOMER)
      : [];
  const { milestones, merged } = mergeCrmCustomers(valued.milestones, crm);
  return {
    ...matchSummary(matches),
    milestones,
    merged,
    currency,
    missingRates: countMissing(valued.missing),
  };
}

/** Re-derives the workspace's Stripe `customer` milestones and customer months from its facts; the match counts. */
export async function deriveStripeMilestones(
  store: Store,
  ws: string,
  opts: { value: CustomerValue; now?: number; crm: CrmMilestoneMapping | null },
): Promise<MatchSummary & { milestones: number }> {
  const facts = await store.stripeFacts(ws);
  const matches = await matchStripeCustomers(store, ws, facts);
  const { movements } = stripeRevenue(facts);
  const m = await stripeMilestones(store, ws, opts, { facts, matches, movements });
  // the customers' months too: the same movements, rates and persons (the subscriptions report sums them)
  await deriveSubscriptionMonths(store, ws, movements, matches);
  const milestones = await store.replaceRevenueMilestones(ws, m.milestones, {
    milestone: CUSTOMER,
    personIds: m.merged,
  });
  return { customers: m.customers, matched: m.matched, unmatched: m.unmatched, milestones };
}

/**
 * The Stripe milestones derived again when the workspace has Stripe facts (persons merge, split and
 * appear: a customer matched later reaches its milestone then; the CRM's customers were derived
 * again), under its customer value setting and the CRM mapping just used (null: no CRM facts).
 */
export async function rederiveStripeMilestones(
  store: Store,
  ws: string,
  crm: CrmMilestoneMapping | null,
): Promise<void> {
  if ((await store.countStripeFacts(ws)) === 0) return;
  const { customerValue } = await attributionSettingsFor(store, ws);
  await deriveStripeMilestones(store, ws, { value: customerValue, crm });
}
