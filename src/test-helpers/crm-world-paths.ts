// The simulator's CRM truth, and a store's CRM milestones, in one comparable form for the world tests of
// each CRM path (HubSpot, Salesforce, Pipedrive, the CSV): per person (named by the e-mails and phones of
// the simulator's contacts that reached them), each CRM milestone's first time and value; and the won
// revenue per person. Times are compared to the second (what Salesforce keeps of a datetime).
import { normaliseIdentifier } from '../derive/identity/index.js';
import { simulate, type CrmChange, type SimOptions, type SimWriter } from '../sim/index.js';
import type { Store } from '../store/store.js';

export const CRM_WORLD_MILESTONES = ['mql', 'sql', 'opportunity', 'customer'] as const;

/**
 * The world every CRM path's world test reads (the same seed, so the same people and deals): the fast
 * `demo` CRM over 60 days, a few hundred leads and tens of won deals. Each path is checked against its
 * truth in a file of its own, so each stays well inside the runner's time per file.
 */
export const CRM_WORLD: SimOptions = {
  seed: 7,
  days: 60,
  visitorsPerDay: 150,
  end: '2026-03-31',
  crm: 'demo',
};

/** Simulates CRM_WORLD into `dir` (events.ndjson) and `writers`; checks it is as large as said. */
export async function simulateCrmWorld(dir: string, writers: SimWriter[]) {
  const sim = await simulate(CRM_WORLD, { outDir: dir, extraWriters: writers });
  const { crm } = sim.record;
  if (crm.dealsWon < 20 || crm.mql < 100)
    throw new Error(`the CRM world is too small: ${JSON.stringify(crm)}`);
  return sim;
}

interface Contact {
  email: string | null;
  phone: string | null;
  /** milestone -> [time, amount or null] each time it was reached */
  reached: Array<[string, number, number | null]>;
  /** [time, amount] of each won deal */
  won: Array<[number, number]>;
}

const second = (ms: number) => Math.floor(ms / 1000) * 1000;

/** What the simulator says happened, per CRM contact. */
export function crmTruthWriter(): SimWriter & { contacts: Map<string, Contact> } {
  const contacts = new Map<string, Contact>();
  return {
    contacts,
    event() {},
    crm(c: CrmChange) {
      const at = second(Date.parse(c.at));
      if (c.kind === 'contact_stage') {
        const k = contacts.get(c.contactId) ?? {
          email: c.email,
          phone: c.phone,
          reached: [],
          won: [],
        };
        contacts.set(c.contactId, k);
        if (c.stage !== 'lead') k.reached.push([c.stage, at, null]);
        return;
      }
      const k = contacts.get(c.contactId)!;
      // the deal's opening is the opportunity, its win the customer: both carry the deal's amount
      const m = c.stage === 'open' ? 'opportunity' : c.stage === 'won' ? 'customer' : null;
      if (m !== null) k.reached.push([m, at, c.amount]);
      if (c.stage === 'won') k.won.push([at, c.amount]);
    },
    async close() {},
  };
}

export type CrmTruth = ReturnType<typeof crmTruthWriter>;

async function personOf(store: Store, ws: string, k: Contact): Promise<string | null> {
  const id = (
    k.email !== null
      ? normaliseIdentifier({ kind: 'email', value: k.email })
      : normaliseIdentifier({ kind: 'phone', value: k.phone! })
  )?.identifier;
  const [p] = id ? await store.personsByIdentifier(ws, id.kind, id.value) : [];
  return p ?? null;
}

export interface CrmWorldView {
  /** person (by its contacts' keys) -> `milestone@time=value ...` */
  milestones: Map<string, string>;
  /** person (by its contacts' keys) -> won revenue */
  revenue: Map<string, number>;
}

/**
 * Each person's name: the sorted e-mails and phones of the simulator's contacts that reached them (the
 * same in any workspace the world was imported into).
 */
export async function personNames(
  store: Store,
  ws: string,
  truth: CrmTruth,
): Promise<Map<string, string>> {
  const keys = new Map<string, string[]>();
  for (const k of truth.contacts.values()) {
    const p = await personOf(store, ws, k);
    if (p === null) throw new Error(`contact ${k.email ?? k.phone} reached no person`);
    keys.set(p, [...(keys.get(p) ?? []), (k.email ?? k.phone)!]);
  }
  return new Map([...keys].map(([p, list]) => [p, list.sort().join('+')]));
}

/** The truth up to `until` (epoch ms, inclusive), as the store's persons group the contacts. */
export async function expectedView(
  store: Store,
  ws: string,
  truth: CrmTruth,
  until = Infinity,
): Promise<CrmWorldView> {
  const named = await personNames(store, ws, truth);
  const reached = new Map<string, Map<string, Array<[number, number | null]>>>();
  const revenue = new Map<string, number>();
  for (const k of truth.contacts.values()) {
    const name = named.get((await personOf(store, ws, k))!)!;
    for (const [at, amount] of k.won)
      if (at <= until) revenue.set(name, (revenue.get(name) ?? 0) + amount);
    const mine = reached.get(name) ?? new Map<string, Array<[number, number | null]>>();
    for (const [m, at, v] of k.reached)
      if (at <= until) mine.set(m, [...(mine.get(m) ?? []), [at, v]]);
    if (mine.size > 0) reached.set(name, mine);
  }
  const milestones = new Map(
    [...reached].map(([name, byMilestone]) => {
      const parts = [...byMilestone].map(([m, list]) => {
        const sorted = [...list].sort((a, b) => a[0] - b[0]);
        const value = sorted.find((x) => x[1] !== null)?.[1] ?? 0;
        return `${m}@${new Date(sorted[0]![0]).toISOString()}=${value}`;
      });
      return [name, parts.sort().join(' ')] as const;
    }),
  );
  return { milestones, revenue };
}

/** What the store derived: each person's CRM milestones, and the won deals' amounts per person. */
export async function storedView(store: Store, ws: string, truth: CrmTruth): Promise<CrmWorldView> {
  const named = await personNames(store, ws, truth);
  const nameOf = (p: string) => named.get(p) ?? `unknown person ${p}`;
  const out = new Map<string, string[]>();
  for (const m of CRM_WORLD_MILESTONES) {
    const { conversions } = await store.attributionInputs(ws, m, undefined, {
      convertingOnly: true,
    });
    for (const c of conversions) {
      const name = nameOf(c.personId);
      out.set(name, [
        ...(out.get(name) ?? []),
        `${m}@${new Date(second(c.at)).toISOString()}=${c.value}`,
      ]);
    }
  }
  const revenue = new Map<string, number>();
  for (const d of await store.crmDeals(ws)) {
    if (d.outcome !== 'won' || d.amount === null) continue;
    const name = d.personId === null ? `unmatched deal ${d.dealId}` : nameOf(d.personId);
    revenue.set(name, (revenue.get(name) ?? 0) + d.amount.minor / 100);
  }
  return { milestones: new Map([...out].map(([p, l]) => [p, l.sort().join(' ')])), revenue };
}

/** The persons whose milestones differ: [person, stored, expected]. */
export function differences(
  stored: Map<string, string | number>,
  expected: Map<string, string | number>,
): Array<[string, string | number | undefined, string | number | undefined]> {
  return [...new Set([...stored.keys(), ...expected.keys()])]
    .filter((p) => stored.get(p) !== expected.get(p))
    .sort()
    .map((p) => [p, stored.get(p), expected.get(p)]);
}
