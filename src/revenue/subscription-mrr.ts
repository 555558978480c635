// One subscription's MRR at any moment, and the moments it changes. MRR is the recurring amount of
// the billing period in effect, normalised to a month (billing-periods.ts) and rounded to a whole
// minor unit: sum over items of unit amount x quantity (less the item's discounts) / months per
// interval, less the subscription's discounts. Rules in docs/revenue.md.
//
// Discounts follow the invoices they reduce, since that is where the billing system (and ChartMogul,
// which reads invoices) sees them: a discount counts for a billing period that starts while it is on
// the subscription. Added mid-period, it first reduces the next period; removed mid-period, the
// current period keeps it; `once` reduces the first paid period it meets; `repeating` every period
// that starts before its `end`.

import { monthsPerInterval, periodAt, type BillingPeriod } from './billing-periods.js';
import type {
  Discount,
  MovementOptions,
  SubscriptionHistory,
  SubscriptionItem,
  SubscriptionState,
} from './types.js';

/** A subscription's MRR from `at` until the next step. */
export interface MrrStep {
  at: number;
  /** Whole minor units, never negative. */
  mrr: number;
  /** The subscription has ended (cancelled, expired or past its scheduled end). */
  ended: boolean;
}

interface TrackedDiscount {
  discount: Discount;
  /** The `from` of the first state after its last appearance: periods starting then no longer get it. */
  removedAt: number;
}

/** A history prepared once: states sorted and de-duplicated, discounts followed across states. */
interface Prepared {
  history: SubscriptionHistory;
  states: SubscriptionState[];
  /** 'subscription' or the item's id -> its discounts in the order they were first seen */
  discounts: Map<string, TrackedDiscount[]>;
  churnRecognition: 'ended' | 'service-period-end';
  end: End | null;
}

const SUBSCRIPTION_SCOPE = 'subscription';

function prepare(history: SubscriptionHistory, options: MovementOptions): Prepared {
  // stable sort by `from`; a later state at the same moment replaces the earlier one
  const sorted = history.states
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.from - b.s.from || a.i - b.i)
    .map(({ s }) => s);
  const states: SubscriptionState[] = [];
  for (const s of sorted) {
    if (states.length > 0 && states[states.length - 1]!.from === s.from) states.pop();
    states.push(s);
  }
  const discounts = new Map<string, TrackedDiscount[]>();
  const lastSeen = new Map<string, { scope: string; tracked: TrackedDiscount; index: number }>();
  states.forEach((state, index) => {
    const seen: Array<[string, Discount]> = [
      ...state.discounts.map((d): [string, Discount] => [SUBSCRIPTION_SCOPE, d]),
      ...state.items.flatMap((item) => item.discounts.map((d): [string, Discount] => [item.id, d])),
    ];
    for (const [scope, d] of seen) {
      const key = `${scope}\u0000${d.id}`;
      const known = lastSeen.get(key);
      if (known) {
        known.tracked.discount = d;
        known.index = index;
      } else {
        const tracked: TrackedDiscount = { discount: d, removedAt: Infinity };
        lastSeen.set(key, { scope, tracked, index });
        const list = discounts.get(scope) ?? [];
        list.push(tracked);
        discounts.set(scope, list);
      }
    }
  });
  for (const { tracked, index } of lastSeen.values()) {
    tracked.removedAt = states[index + 1]?.from ?? Infinity;
  }
  return {
    history,
    states,
    discounts,
    churnRecognition: options.churnRecognition ?? 'ended',
    end: endOf(states),
  };
}

function stateIndexAt(p: Prepared, t: number): number {
  let lo = 0;
  let hi = p.states.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (p.states[mid]!.from <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

const licensed = (s: SubscriptionState): SubscriptionItem[] =>
  s.items.filter((i) => i.usageType === 'licensed');

/** The billing period of a state at `t`, set by its first licensed item; none without one. */
function periodOf(p: Prepared, s: SubscriptionState, t: number): BillingPeriod | null {
  const first = licensed(s)[0];
  if (!first) return null;
  return periodAt(t, s.billingAnchor, first.interval, first.intervalCount, p.history.startedAt);
}

/** The start of the first period that begins at or after `t`. */
function firstPeriodStartFrom(p: Prepared, s: SubscriptionState, t: number): number | null {
  const period = periodOf(p, s, t);
  if (!period) return null;
  // before the subscription began, its first period is the first to begin
  return period.start >= t ? period.start : period.end;
}

/** The period a `once` discount reduces: the first paid one (a trial's free period does not use it). */
function oncePeriodStart(p: Prepared, s: SubscriptionState, d: Discount): number | null {
  return firstPeriodStartFrom(p, s, Math.max(d.start, s.trialEnd ?? -Infinity));
}

/** Whether a discount reduces the period that starts at `periodStart`. */
function discountApplies(
  p: Prepared,
  s: SubscriptionState,
  tracked: TrackedDiscount,
  periodStart: number,
): boolean {
  const d = tracked.discount;
  if (d.start > periodStart || periodStart >= tracked.removedAt) return false;
  switch (d.coupon.duration) {
    case 'forever':
      return true;
    case 'repeating':
      return d.end === null || periodStart < d.end;
    case 'once':
      return periodStart === oncePeriodStart(p, s, d);
  }
}

/** An amount less one discount, never below zero; an amount-off coupon in another currency is skipped. */
function applyDiscount(amount: number, d: Discount, currency: string, months: number): number {
  const c = d.coupon;
  if (c.percentOff !== null) return amount * (1 - Math.min(100, Math.max(0, c.percentOff)) / 100);
  if (c.amountOff !== null && (c.currency === null || c.currency === currency)) {
    return Math.max(0, amount - c.amountOff / months);
  }
  return amount;
}

/** The MRR of a live, non-trial state at `t`. */
function stateMrr(p: Prepared, s: SubscriptionState, t: number): number {
  if (s.status === 'incomplete' || s.status === 'paused') return 0;
  if (s.status === 'trialing' && (s.trialEnd === null || t < s.trialEnd)) return 0;
  const items = licensed(s);
  const period = periodOf(p, s, t);
  if (!period || items.length === 0) return 0;
  const currency = p.history.currency;
  let monthly = 0;
  for (const item of items) {
    const months = monthsPerInterval(item.interval, item.intervalCount);
    // an item-level amount-off comes off the item's invoice line: per period, like the item's price
    let amount = item.unitAmount * item.quantity;
    for (const tracked of p.discounts.get(item.id) ?? []) {
      if (discountApplies(p, s, tracked, period.start)) {
        amount = applyDiscount(amount, tracked.discount, currency, 1);
      }
    }
    monthly += amount / months;
  }
  const subMonths = monthsPerInterval(items[0]!.interval, items[0]!.intervalCount);
  for (const tracked of p.discounts.get(SUBSCRIPTION_SCOPE) ?? []) {
    if (discountApplies(p, s, tracked, period.start)) {
      monthly = applyDiscount(monthly, tracked.discount, currency, subMonths);
    }
  }
  return Math.max(0, Math.round(monthly));
}

const isTerminal = (s: SubscriptionState) =>
  s.status === 'canceled' || s.status === 'incomplete_expired';

/** When a subscription ended, and the state it was in until then (null if it never lived). */
interface End {
  at: number;
  last: SubscriptionState | null;
}

/**
 * The first end: a terminal state's `from`, or a scheduled `cancelAt` that came due before a later
 * state replaced the schedule. An ended subscription stays ended: Stripe never revives one, so a
 * snapshot after the end (a re-delivered event) changes nothing.
 */
function endOf(states: SubscriptionState[]): End | null {
  for (let i = 0; i < states.length; i++) {
    const s = states[i]!;
    if (isTerminal(s)) return { at: s.from, last: states[i - 1] ?? null };
    const next = states[i + 1]?.from ?? Infinity;
    if (s.cancelAt !== null && s.cancelAt < next)
      return { at: Math.max(s.cancelAt, s.from), last: s };
  }
  return null;
}

/** Until when a cancelled subscription keeps counting: its end, or its last paid period's end. */
function countsUntil(p: Prepared, end: End): number {
  if (p.churnRecognition === 'ended' || !end.last) return end.at;
  const period = periodOf(p, end.last, end.at - 1);
  return period ? Math.max(end.at, period.end) : end.at;
}

function valueAt(p: Prepared, t: number): { mrr: number; ended: boolean } {
  if (p.end && t >= p.end.at) {
    if (p.end.last && t < countsUntil(p, p.end))
      return { mrr: stateMrr(p, p.end.last, t), ended: false };
    return { mrr: 0, ended: true };
  }
  const index = stateIndexAt(p, t);
  if (index < 0) return { mrr: 0, ended: false };
  return { mrr: stateMrr(p, p.states[index]!, t), ended: false };
}

/** A subscription's MRR at `t` (0 before it starts and after it ends). */
export function subscriptionMrrAt(
  history: SubscriptionHistory,
  t: number,
  options: MovementOptions = {},
): number {
  return valueAt(prepare(history, options), t).mrr;
}

/** The moments the MRR might change: states, trial ends, scheduled ends, discount boundaries. */
function candidateMoments(p: Prepared): number[] {
  const out: number[] = [];
  p.states.forEach((s, i) => {
    const from = s.from;
    const until = p.states[i + 1]?.from ?? Infinity;
    const within = (t: number | null) => {
      if (t !== null && t >= from && t < until) out.push(t);
    };
    out.push(from);
    within(s.trialEnd);
    within(s.cancelAt);
    for (const list of p.discounts.values()) {
      for (const { discount: d, removedAt } of list) {
        const begins = firstPeriodStartFrom(p, s, Math.max(from, d.start));
        within(begins);
        if (d.coupon.duration === 'once') {
          const first = oncePeriodStart(p, s, d);
          within(first);
          if (first !== null) within(periodOf(p, s, first)?.end ?? null);
        }
        if (d.end !== null) within(firstPeriodStartFrom(p, s, Math.max(from, d.end)));
        if (removedAt !== Infinity) within(firstPeriodStartFrom(p, s, Math.max(from, removedAt)));
      }
    }
  });
  if (p.end) out.push(p.end.at, countsUntil(p, p.end));
  return [...new Set(out)].filter(Number.isFinite).sort((a, b) => a - b);
}

/** The subscription's MRR as steps: each holds from its `at` until the next; none before it starts. */
export function subscriptionMrrSteps(
  history: SubscriptionHistory,
  options: MovementOptions = {},
): MrrStep[] {
  const p = prepare(history, options);
  const steps: MrrStep[] = [];
  for (const at of candidateMoments(p)) {
    const v = valueAt(p, at);
    const last = steps[steps.length - 1];
    if (last && last.mrr === v.mrr && last.ended === v.ended) continue;
    steps.push({ at, ...v });
  }
  return steps;
}
