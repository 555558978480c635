// A workspace's subscription revenue, read from its Stripe facts (pure): the subscription histories
// (webhook events in either API shape; a backfilled subscription no event told us about stands for
// itself from its start), each customer's MRR movements and months (src/revenue), and each customer's
// flat record for matching. The same facts always give the same answer, in any order.
import {
  customerMonths,
  mrrMovements,
  type CustomerMonth,
  type MovementOptions,
  type MrrMovement,
  type SubscriptionHistory,
} from '../revenue/index.js';
import {
  backfillSnapshots,
  collectLookups,
  emptyLookups,
  eventSnapshot,
  historiesFromSnapshots,
  parseCustomer,
  parseStripeEvent,
  parseSubscription,
  type MappingIssue,
  type ParsedStripeEvent,
  type ParsedSubscription,
  type StripeDiscount,
  type SubscriptionSnapshot,
} from '../sources/stripe/index.js';
import type { StripeFact } from '../store/types.js';

export interface StripeRevenue {
  histories: SubscriptionHistory[];
  movements: MrrMovement[];
  issues: MappingIssue[];
}

/** As of when a fact tells its object's state: an event's time, a backfilled object's read. */
const knownAt = (f: StripeFact) =>
  f.origin === 'event' ? f.occurredAt : (f.readAt ?? f.occurredAt);

/**
 * Whether fact `a` tells a later state than `b`: a backfilled object is dated by its own `created`, the
 * same in every read, so its reads are told apart by when they were read (then by the object's time).
 */
function laterRead(a: StripeFact, b: StripeFact): boolean {
  const ka = knownAt(a);
  const kb = knownAt(b);
  return ka !== kb ? ka > kb : a.occurredAt > b.occurredAt;
}

/** Subscription histories from the facts. */
export function historiesFromFacts(facts: readonly StripeFact[]): {
  histories: SubscriptionHistory[];
  issues: MappingIssue[];
} {
  const events: ParsedStripeEvent[] = [];
  const backfilled: Array<{ fact: StripeFact; parsed: ParsedSubscription }> = [];
  const unread: MappingIssue[] = [];
  for (const f of facts) {
    // a fact that no longer reads (a schema tightened since it was stored) is named, never a stop:
    // one bad payload must not halt every derive of the workspace
    try {
      if (f.origin === 'event') events.push(parseStripeEvent(JSON.parse(f.body)));
      else if (f.objectType === 'subscription')
        backfilled.push({ fact: f, parsed: parseSubscription(JSON.parse(f.body), null) });
    } catch (err) {
      unread.push({
        subscriptionId: f.objectId,
        message: `fact ${f.key} not read: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }
  const payloads: Array<ParsedSubscription | StripeDiscount> = [];
  for (const e of events) {
    if (e.kind === 'subscription') payloads.push(e.subscription);
    else if (e.kind === 'discount') payloads.push(e.discount);
  }
  for (const b of backfilled) payloads.push(b.parsed);
  const lookups = collectLookups(payloads, emptyLookups());
  const issues: MappingIssue[] = [...unread];
  const snapshots: SubscriptionSnapshot[] = [];
  const seen = new Set<string>();
  for (const e of events)
    if (e.kind === 'subscription') {
      snapshots.push(eventSnapshot(e, lookups, issues));
      seen.add(e.subscription.subscription.id);
    }
  // a subscription known only from backfills: its latest read stands for its whole life (its earlier
  // changes are unknown until events tell them)
  const latest = new Map<string, { fact: StripeFact; parsed: ParsedSubscription }>();
  for (const b of backfilled) {
    const id = b.parsed.subscription.id;
    if (seen.has(id)) continue;
    const had = latest.get(id);
    if (!had || laterRead(b.fact, had.fact)) latest.set(id, b);
  }
  for (const b of latest.values()) snapshots.push(...backfillSnapshots(b.parsed, lookups, issues));
  return { histories: historiesFromSnapshots(snapshots), issues };
}

/** Histories and every customer's movements. */
export function stripeRevenue(
  facts: readonly StripeFact[],
  options: MovementOptions = {},
): StripeRevenue {
  const { histories, issues } = historiesFromFacts(facts);
  return { histories, movements: mrrMovements(histories, options), issues };
}

/** Each customer's months through `through` (`YYYY-MM`). */
export function stripeCustomerMonths(
  facts: readonly StripeFact[],
  through: string,
  options: MovementOptions = {},
): CustomerMonth[] {
  return customerMonths(stripeRevenue(facts, options).movements, through);
}

/** Each Stripe customer's latest keys to a person (its latest customer fact), by customer id. */
export function customerKeys(facts: readonly StripeFact[]): Map<string, StripeFact> {
  const out = new Map<string, StripeFact>();
  for (const f of facts) {
    if (f.objectType !== 'customer') continue;
    const had = out.get(f.objectId);
    if (!had || !laterRead(had, f)) out.set(f.objectId, f);
  }
  return out;
}

/** Whether a customer fact says the customer was deleted (a deleted customer still matches). */
export function customerDeleted(f: StripeFact): boolean {
  const body = JSON.parse(f.body) as { data?: { object?: unknown } };
  const object = f.origin === 'event' ? body.data?.object : body;
  return parseCustomer(object).deleted === true;
}
