// Billing periods and the month they are normalised to. A subscription bills whole periods counted
// from its anchor: monthly and yearly periods fall on the anchor's day of the month, or on the last
// day of a shorter month (an anchor on the 31st bills on 28 or 29 February, then on 31 March again),
// as Stripe bills them. All in UTC.

import type { BillingInterval } from './types.js';

const DAY = 86_400_000;

/**
 * How many months one interval is, to normalise an amount to a month: a year is 12, a week 12/52
 * (a weekly price is 52/12 ≈ 4.33 times a month), a day 12/365.
 */
export function monthsPerInterval(interval: BillingInterval, count: number): number {
  switch (interval) {
    case 'month':
      return count;
    case 'year':
      return 12 * count;
    case 'week':
      return (12 / 52) * count;
    case 'day':
      return (12 / 365) * count;
  }
}

/** The anchor moved on by `months` calendar months, its day kept or clamped to the month's last. */
export function addMonthsClamped(anchor: number, months: number): number {
  const d = new Date(anchor);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const timeOfDay = anchor - Date.UTC(y, d.getUTCMonth(), d.getUTCDate());
  return Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay)) + timeOfDay;
}

/** The start of the k-th period after the anchor (k may be negative). */
function periodStart(anchor: number, interval: BillingInterval, count: number, k: number): number {
  switch (interval) {
    case 'month':
      return addMonthsClamped(anchor, k * count);
    case 'year':
      return addMonthsClamped(anchor, 12 * k * count);
    case 'week':
      return anchor + k * 7 * count * DAY;
    case 'day':
      return anchor + k * count * DAY;
  }
}

export interface BillingPeriod {
  start: number;
  end: number;
}

/**
 * The billing period that holds `t`. Before the anchor it is the first, partial period, from the
 * subscription's start (or its trial) to the anchor.
 */
export function periodAt(
  t: number,
  anchor: number,
  interval: BillingInterval,
  count: number,
  startedAt: number,
): BillingPeriod {
  if (t < anchor) return { start: Math.min(startedAt, anchor), end: anchor };
  let k: number;
  if (interval === 'month' || interval === 'year') {
    const a = new Date(anchor);
    const b = new Date(t);
    const months =
      (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
    k = Math.floor(months / (interval === 'year' ? 12 * count : count));
  } else {
    k = Math.floor((t - anchor) / ((interval === 'week' ? 7 : 1) * count * DAY));
  }
  // the estimate is off by at most one where a month is clamped or the time of day has not come yet
  while (periodStart(anchor, interval, count, k) > t) k--;
  while (periodStart(anchor, interval, count, k + 1) <= t) k++;
  return {
    start: periodStart(anchor, interval, count, k),
    end: periodStart(anchor, interval, count, k + 1),
  };
}
