// What a simulated world's CRM says happened, per contact (milestones with their times and amounts, won
// revenue), and the same read back from a workspace: per person, each milestone's first time and the
// earliest amount that reached it, as `attributionInputs` gives them. For the tests that import one world
// through a CRM's own path and compare with the simulator (HubSpot, the CSV).
import { normaliseIdentifier } from '../derive/identity/index.js';
import type { CrmChange, SimWriter } from '../sim/index.js';
import type { Store } from '../store/store.js';

export const WORLD_MILESTONES = ['mql', 'sql', 'opportunity', 'customer'] as const;

export interface TruthContact {
  email: string | null;
  phone: string | null;
  /** milestone -> each time it was reached, with the amount when the change carried one */
  reached: Map<string, Array<[number, number | null]>>;
  /** Won deals' amounts. */
  revenue: number;
}

/** The simulator's CRM changes, per simulated contact. */
export function crmTruthWriter(): SimWriter & { contacts: Map<string, TruthContact> } {
  const contacts = new Map<string, TruthContact>();
  const reach = (k: TruthContact, m: string, at: number, value: number | null) =>
    k.reached.set(m, [...(k.reached.get(m) ?? []), [at, value]]);
  return {
    contacts,
    event() {},
    crm(c: CrmChange) {
      const at = Date.parse(c.at);
      if (c.kind === 'contact_stage') {
        const k = contacts.get(c.contactId) ?? {
          email: c.email,
          phone: c.phone,
          reached: new Map(),
          revenue: 0,
        };
        contacts.set(c.contactId, k);
        if (c.stage !== 'lead') reach(k, c.stage, at, null);
        return;
      }
      const k = contacts.get(c.contactId)!;
      // the deal's opening is the opportunity, its win the customer: both carry the deal's amount
      const m = c.stage === 'open' ? 'opportunity' : c.stage === 'won' ? 'customer' : null;
      if (m !== null) reach(k, m, at, c.amount);
      if (c.stage === 'won') k.revenue += c.amount;
    },
    async close() {},
  };
}

/** The person of a contact's e-mail (or phone) in a workspace. */
export async function personOf(
  store: Store,
  ws: string,
  k: Pick<TruthContact, 'email' | 'phone'>,
): Promise<string | null> {
  const id = (
    k.email !== null
      ? normaliseIdentifier({ kind: 'email', value: k.email })
      : normaliseIdentifier({ kind: 'phone', value: k.phone! })
  )?.identifier;
  const [p] = id ? await store.personsByIdentifier(ws, id.kind, id.value) : [];
  return p ?? null;
}

/** Per person: `milestone@time=value`, sorted, space-separated. */
export type PersonMilestones = Map<string, string>;

export interface WorldExpectation {
  milestones: PersonMilestones;
  /** Won revenue per person. */
  revenue: Map<string, number>;
  /** Each person's contacts (their e-mails or phones, sorted): a key that is the same in any workspace. */
  keyOf: Map<string, string>;
  /** Contacts that reached no person. */
  unmatched: string[];
}

/** The truth, per person of this workspace. */
export async function expectedByPerson(
  store: Store,
  ws: string,
  contacts: Iterable<TruthContact>,
): Promise<WorldExpectation> {
  const perPerson = new Map<string, Map<string, Array<[number, number | null]>>>();
  const revenue = new Map<string, number>();
  const keys = new Map<string, string[]>();
  const unmatched: string[] = [];
  for (const k of contacts) {
    const person = await personOf(store, ws, k);
    if (!person) {
      unmatched.push(k.email ?? k.phone ?? '?');
      continue;
    }
    keys.set(person, [...(keys.get(person) ?? []), k.email ?? k.phone ?? '?']);
    if (k.revenue > 0) revenue.set(person, (revenue.get(person) ?? 0) + k.revenue);
    const mine = perPerson.get(person) ?? new Map<string, Array<[number, number | null]>>();
    for (const [m, list] of k.reached) mine.set(m, [...(mine.get(m) ?? []), ...list]);
    if (mine.size > 0) perPerson.set(person, mine);
  }
  const milestones = new Map(
    [...perPerson].map(([person, reached]) => {
      const parts = [...reached].map(([m, list]) => {
        const sorted = [...list].sort((a, b) => a[0] - b[0]);
        const value = sorted.find((x) => x[1] !== null)?.[1] ?? 0;
        return `${m}@${new Date(sorted[0]![0]).toISOString()}=${value}`;
      });
      return [person, parts.sort().join(' ')] as const;
    }),
  );
  const keyOf = new Map([...keys].map(([p, list]) => [p, list.sort().join(',')]));
  return { milestones, revenue, keyOf, unmatched };
}

/** What the workspace derived: per person, each milestone's conversion time and value. */
export async function reachedByPerson(store: Store, ws: string): Promise<PersonMilestones> {
  const out = new Map<string, string[]>();
  for (const m of WORLD_MILESTONES) {
    const { conversions } = await store.attributionInputs(ws, m, undefined, {
      convertingOnly: true,
    });
    for (const c of conversions) {
      const list = out.get(c.personId) ?? [];
      list.push(`${m}@${new Date(c.at).toISOString()}=${c.value}`);
      out.set(c.personId, list);
    }
  }
  return new Map([...out].map(([p, l]) => [p, l.sort().join(' ')]));
}

/** The persons whose entries differ, with both sides (empty when the maps agree). */
export function differences<V>(actual: Map<string, V>, expected: Map<string, V>) {
  return [...new Set([...actual.keys(), ...expected.keys()])]
    .filter((p) => actual.get(p) !== expected.get(p))
    .map((p) => [p, actual.get(p), expected.get(p)] as const);
}

/** A per-person map re-keyed by the persons' contacts, to compare two workspaces. */
export function byContacts<V>(map: Map<string, V>, keyOf: Map<string, string>): Map<string, V> {
  return new Map([...map].map(([p, v]) => [keyOf.get(p) ?? `unknown:${p}`, v]));
}
