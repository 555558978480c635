// The rates subscription revenue is converted at: the workspace's FX table read through the store's
// date-effective conversion (src/revenue/fx.ts is its reference; both engines are held to it), one
// lookup for every (currency, day) a report or a derive needs. A pair and day without a rate is null:
// the caller names it (`missingRates`), never converts at 1.0.
import { distinctNeeds, type RateNeed, type RateOf } from '../revenue/index.js';
import type { Store } from '../store/store.js';

/** A currency and day that had no rate to the workspace's currency, and how many amounts needed it. */
export interface RevenueMissingRate {
  currency: string;
  day: string;
  /** Customers (MRR) or customer milestones (values) left without a converted amount. */
  customers: number;
}

/** The currency a workspace reports in. */
export async function workspaceCurrencyOf(store: Store, workspaceId: string): Promise<string> {
  const ws = await store.getWorkspace(workspaceId);
  if (!ws) throw new Error(`no workspace ${workspaceId}`);
  return ws.currency.toUpperCase();
}

/** The rates of these needs to `target`, as a lookup. */
export async function revenueRates(
  store: Store,
  workspaceId: string,
  target: string,
  needs: readonly RateNeed[],
): Promise<RateOf> {
  const asked = distinctNeeds(needs).filter((n) => n.currency !== target);
  const key = (currency: string, day: string) => `${currency} ${day}`;
  const rates = new Map<string, number | null>();
  if (asked.length > 0)
    for (const r of await store.fxConvert(
      workspaceId,
      target,
      asked.map((n) => ({ key: key(n.currency, n.day), currency: n.currency, date: n.day })),
    ))
      rates.set(r.key, r.rate);
  return (currency, day) => (currency === target ? 1 : (rates.get(key(currency, day)) ?? null));
}

/** Missing rates with the customers that needed each, counted. */
export function countMissing(
  missing: ReadonlyArray<RateNeed & { customerId: string }>,
): RevenueMissingRate[] {
  const by = new Map<string, { need: RateNeed; customers: Set<string> }>();
  for (const m of missing) {
    const k = `${m.currency} ${m.day}`;
    const had = by.get(k) ?? { need: { currency: m.currency, day: m.day }, customers: new Set() };
    had.customers.add(m.customerId);
    by.set(k, had);
  }
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, v]) => ({ ...v.need, customers: v.customers.size }));
}
