// Subscription revenue in another currency (the workspace's), at the rate of each movement's or
// invoice's UTC day (docs/revenue.md, "MRR in the workspace currency"). Pure: the caller looks the
// rates up (the store's FX table) and passes them as `rateOf`; a rate it does not have is null, and the
// amounts that needed it are named, never converted at 1.0.
import { addMonthsClamped } from './billing-periods.js';
import { minorUnitExponent, toMajorUnits } from './currency.js';
import type { MrrMovement } from './types.js';

/** 1 unit of `currency` (ISO 4217, upper case) in the target on `day` (YYYY-MM-DD), or null: none. */
export type RateOf = (currency: string, day: string) => number | null;

/** A rate an amount needs: its currency (upper case) and UTC day. */
export interface RateNeed {
  currency: string;
  day: string;
}

export const utcDay = (t: number): string => new Date(t).toISOString().slice(0, 10);

const code = (currency: string) => currency.toUpperCase();

/** Distinct needs, in currency then day order. */
export function distinctNeeds(needs: readonly RateNeed[]): RateNeed[] {
  const seen = new Map<string, RateNeed>();
  for (const n of needs) seen.set(`${n.currency} ${n.day}`, n);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, n]) => n);
}

/** The rates converting these movements needs (a movement to 0 MRR needs none). */
export function movementRateNeeds(movements: readonly MrrMovement[]): RateNeed[] {
  return distinctNeeds(
    movements
      .filter((m) => m.mrrAfter !== 0)
      .map((m) => ({ currency: code(m.currency), day: utcDay(m.at) })),
  );
}

export interface ConvertedMovements {
  /** The movements in the target currency's minor units (whole numbers); `currency` is the target. */
  movements: MrrMovement[];
  /** What had no rate: those customers are left out of `movements` whole. */
  missing: Array<RateNeed & { customerId: string }>;
}

/**
 * Each customer's movements in `target` (minor units): each movement's amount at the rate of its day,
 * rounded to the target's minor unit, so the converted movements add up exactly to the converted MRR.
 * A movement that leaves the customer's MRR at 0 (churn, a move to a free plan) takes away exactly the
 * converted MRR the customer had: a churned customer ends at 0 whatever the rates did meanwhile. A
 * customer with any movement lacking a rate is left out whole (its converted MRR is unknown from then
 * on) and the missing rates are named.
 */
export function convertMovements(
  movements: readonly MrrMovement[],
  target: string,
  rateOf: RateOf,
): ConvertedMovements {
  const byCustomer = new Map<string, MrrMovement[]>();
  for (const m of movements) {
    const key = `${m.customerId}\u0000${m.currency}`;
    byCustomer.set(key, [...(byCustomer.get(key) ?? []), m]);
  }
  const out: MrrMovement[] = [];
  const missing: ConvertedMovements['missing'] = [];
  for (const key of [...byCustomer.keys()].sort()) {
    const list = byCustomer
      .get(key)!
      .slice()
      .sort((a, b) => a.at - b.at);
    const converted: MrrMovement[] = [];
    const lacking: RateNeed[] = [];
    let mrr = 0;
    for (const m of list) {
      let amount: number;
      const all = mrr === 0 ? 0 : -mrr; // (not -0)
      if (m.mrrAfter === 0) amount = all;
      else {
        const day = utcDay(m.at);
        const rate = rateOf(code(m.currency), day);
        if (rate === null) {
          lacking.push({ currency: code(m.currency), day });
          continue;
        }
        const factor = rate * 10 ** (minorUnitExponent(target) - minorUnitExponent(m.currency));
        // rates move: a contraction never takes the converted MRR below 0 while some is left
        amount = Math.max(Math.round(m.amount * factor), all);
      }
      converted.push({
        ...m,
        currency: target,
        amount,
        mrrBefore: mrr,
        mrrAfter: mrr + amount,
      });
      mrr += amount;
    }
    if (lacking.length === 0) out.push(...converted);
    else
      for (const n of distinctNeeds(lacking))
        missing.push({ ...n, customerId: list[0]!.customerId });
  }
  return { movements: out, missing };
}

/**
 * A customer's MRR at each monthly anniversary of its first movement before `until` (calendar months,
 * as Stripe bills): the invoices its subscription revenue is counted by. Minor units of its currency.
 */
export function anniversaryMrr(
  movements: readonly MrrMovement[],
  until: number,
): Array<{ at: number; mrr: number }> {
  const list = movements.slice().sort((a, b) => a.at - b.at);
  const first = list[0];
  if (!first) return [];
  const out: Array<{ at: number; mrr: number }> = [];
  for (let k = 0; ; k++) {
    const t = addMonthsClamped(first.at, k);
    if (t >= until) break;
    let mrr = 0;
    for (const m of list) if (m.at <= t) mrr = m.mrrAfter;
    out.push({ at: t, mrr });
  }
  return out;
}

/** The rates valuing these anniversaries needs (a month at 0 MRR needs none). */
export function anniversaryRateNeeds(
  currency: string,
  months: ReadonlyArray<{ at: number; mrr: number }>,
): RateNeed[] {
  return distinctNeeds(
    months.filter((m) => m.mrr !== 0).map((m) => ({ currency: code(currency), day: utcDay(m.at) })),
  );
}

/**
 * What these anniversaries earned in the target currency (major units, rounded to its minor unit):
 * each month's MRR at the rate of its day. Null when a rate is missing (named in `missing`).
 */
export function convertedRevenue(
  currency: string,
  months: ReadonlyArray<{ at: number; mrr: number }>,
  target: string,
  rateOf: RateOf,
): { value: number | null; missing: RateNeed[] } {
  let total = 0;
  const missing: RateNeed[] = [];
  for (const m of months) {
    if (m.mrr === 0) continue;
    const day = utcDay(m.at);
    const rate = rateOf(code(currency), day);
    if (rate === null) missing.push({ currency: code(currency), day });
    else total += toMajorUnits(m.mrr, currency) * rate;
  }
  if (missing.length > 0) return { value: null, missing: distinctNeeds(missing) };
  const exp = minorUnitExponent(target);
  return { value: Math.round(total * 10 ** exp) / 10 ** exp, missing: [] };
}
