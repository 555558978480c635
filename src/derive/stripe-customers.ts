// Stripe customers matched to persons, and the `customer` milestone they reach: the tracker's anonymous
// id in the customer's metadata first (the form's hidden field carried it), then its e-mail, then its
// phone, then a CRM contact's person (a contact id in its metadata). A customer no key reaches is kept
// and counted; a later match credits it when the milestones are derived again (stripe-milestones.ts).
import type { Store } from '../store/store.js';
import type { StripeFact } from '../store/types.js';

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
