// Stripe customers matched to persons, and the `customer` milestone they reach: the tracker's anonymous
// id in the customer's metadata first (the form's hidden field carried it), then its e-mail, then its
// phone, then a CRM contact's person (a contact id in its metadata). A customer no key reaches is kept
// and counted; a later match credits it when the milestones are derived again.
import { addMonthsClamped, toMajorUnits, type MrrMovement } from '../revenue/index.js';
import type { Store } from '../store/store.js';
import { attributionSettingsFor } from './attribution-settings.js';
import type { RevenueMilestone, StripeFact } from '../store/types.js';
import { stripeRevenue } from './stripe-revenue.js';

/** What a customer's milestone is worth: its first year of subscription revenue, or all of it so far. */
export type CustomerValue = 'first_year' | 'lifetime';
export const CUSTOMER_VALUES: readonly CustomerValue[] = ['first_year', 'lifetime'];

export interface CustomerMatch {
  customerId: string;
  personId: string | null;
  /** The key that reached the person (`anonymous_id`, `email`, `phone`, `contact_id`), or null. */
  matchedBy: string | null;
}

export interface MatchSummary {
  customers: number;
  matched: number;
  unmatched: number;
}

/** Every customer's keys: the union over its customer facts (a deleted customer's stub has none). */
function keysByCustomer(facts: readonly StripeFact[]): Map<string, StripeFact['match']> {
  const out = new Map<string, StripeFact['match']>();
  const add = (list: string[], values: readonly string[]) => {
    for (const v of values) if (!list.includes(v)) list.push(v);
  };
  for (const f of facts) {
    const id = f.objectType === 'customer' ? f.objectId : f.customerId;
    if (id === null || id === '') continue;
    const keys = out.get(id) ?? {
      emails: [],
      phones: [],
      anonymousIds: [],
      contactIds: [],
      companyIds: [],
    };
    add(keys.emails, f.match.emails);
    add(keys.phones, f.match.phones);
    add(keys.anonymousIds, f.match.anonymousIds);
    add(keys.contactIds, f.match.contactIds);
    out.set(id, keys);
  }
  return out;
}

/** The persons of CRM contacts, by contact id (through the contact's own keys). */
async function contactKeys(store: Store, ws: string): Promise<Map<string, StripeFact['match']>> {
  const out = new Map<string, StripeFact['match']>();
  for (const c of await store.crmChanges(ws)) {
    if (c.objectType !== 'contact' && c.objectType !== 'lead') continue;
    const had = out.get(c.objectId);
    if (!had) out.set(c.objectId, c.match);
    else
      for (const k of ['emails', 'phones', 'anonymousIds'] as const)
        for (const v of c.match[k]) if (!had[k].includes(v)) had[k].push(v);
  }
  return out;
}

async function personOf(
  store: Store,
  ws: string,
  keys: StripeFact['match'],
): Promise<{ personId: string; by: string } | null> {
  const tries: Array<[string, readonly string[]]> = [
    ['anonymous_id', keys.anonymousIds],
    ['email', keys.emails],
    ['phone', keys.phones],
  ];
  for (const [kind, values] of tries)
    for (const v of values) {
      const persons = await store.personsByIdentifier(ws, kind, v);
      if (persons.length > 0) return { personId: [...persons].sort()[0]!, by: kind };
    }
  return null;
}

/** Every Stripe customer of the facts and its person (null when no key reaches one). */
export async function matchStripeCustomers(
  store: Store,
  ws: string,
  facts: readonly StripeFact[],
): Promise<CustomerMatch[]> {
  const byCustomer = keysByCustomer(facts);
  const needContacts = [...byCustomer.values()].some((k) => k.contactIds.length > 0);
  const contacts = needContacts ? await contactKeys(store, ws) : new Map();
  const out: CustomerMatch[] = [];
  for (const id of [...byCustomer.keys()].sort()) {
    const keys = byCustomer.get(id)!;
    let found = await personOf(store, ws, keys);
    if (found === null)
      for (const contactId of keys.contactIds) {
        const ck = contacts.get(contactId) as StripeFact['match'] | undefined;
        const p = ck ? await personOf(store, ws, ck) : null;
        if (p) {
          found = { personId: p.personId, by: 'contact_id' };
          break;
        }
      }
    out.push({ customerId: id, personId: found?.personId ?? null, matchedBy: found?.by ?? null });
  }
  return out;
}

export function matchSummary(matches: readonly CustomerMatch[]): MatchSummary {
  const matched = matches.filter((m) => m.personId !== null).length;
  return { customers: matches.length, matched, unmatched: matches.length - matched };
}

/**
 * The subscription revenue a customer's movements earned from its first paying moment until `until`
 * (minor units): the MRR in effect at each monthly anniversary of that moment (calendar months, as
 * Stripe bills), for each anniversary before `until`.
 */
export function earnedRevenue(movements: readonly MrrMovement[], until: number): number {
  const list = movements.slice().sort((a, b) => a.at - b.at);
  const first = list[0];
  if (!first) return 0;
  let total = 0;
  for (let k = 0; ; k++) {
    const t = addMonthsClamped(first.at, k);
    if (t >= until) break;
    let mrr = 0;
    for (const m of list) if (m.at <= t) mrr = m.mrrAfter;
    total += mrr;
  }
  return total;
}

/**
 * Each matched customer's `customer` milestone: reached at its first paying moment (new business),
 * valued at its first year's subscription revenue (`first_year`: its first 12 months, as far as they
 * have run by `now`) or all of it up to `now` (`lifetime`), in major units of its currency. A person
 * with several customers reaches it once, at the first, worth all of them.
 */
export function revenueMilestones(
  movements: readonly MrrMovement[],
  matches: readonly CustomerMatch[],
  value: CustomerValue,
  now: number,
): RevenueMilestone[] {
  const person = new Map(matches.map((m) => [m.customerId, m.personId]));
  const byCustomer = new Map<string, MrrMovement[]>();
  for (const m of movements) {
    const list = byCustomer.get(m.customerId) ?? [];
    list.push(m);
    byCustomer.set(m.customerId, list);
  }
  const byPerson = new Map<string, RevenueMilestone>();
  for (const [customerId, list] of [...byCustomer].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const personId = person.get(customerId);
    const start = list.find((m) => m.kind === 'new_business');
    if (!personId || !start) continue;
    const until = value === 'first_year' ? Math.min(now, addMonthsClamped(start.at, 12)) : now;
    const worth = toMajorUnits(earnedRevenue(list, until), start.currency);
    const had = byPerson.get(personId);
    if (!had)
      byPerson.set(personId, {
        personId,
        milestone: 'customer',
        reachedAt: start.at,
        messageId: `stripe:${customerId}`,
        value: worth,
      });
    else {
      had.value += worth;
      if (start.at < had.reachedAt) {
        had.reachedAt = start.at;
        had.messageId = `stripe:${customerId}`;
      }
    }
  }
  return [...byPerson.values()];
}

/** Re-derives the workspace's Stripe `customer` milestones from its facts; the match counts. */
export async function deriveStripeMilestones(
  store: Store,
  ws: string,
  opts: { value: CustomerValue; now?: number },
): Promise<MatchSummary & { milestones: number }> {
  const facts = await store.stripeFacts(ws);
  const matches = await matchStripeCustomers(store, ws, facts);
  const { movements } = stripeRevenue(facts);
  const rows = revenueMilestones(movements, matches, opts.value, opts.now ?? Date.now());
  const milestones = await store.replaceRevenueMilestones(ws, rows);
  return { ...matchSummary(matches), milestones };
}

/**
 * The Stripe milestones derived again when the workspace has Stripe facts (persons merge, split and
 * appear: a customer matched later reaches its milestone then), under its customer value setting.
 */
export async function rederiveStripeMilestones(store: Store, ws: string): Promise<void> {
  if ((await store.countStripeFacts(ws)) === 0) return;
  const { customerValue } = await attributionSettingsFor(store, ws);
  await deriveStripeMilestones(store, ws, { value: customerValue });
}
