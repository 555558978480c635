/** Property tests over random subscription histories: what must hold for every customer. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { customerMonths, monthOf, mrrMovements } from './movements.js';
import { subscriptionMrrAt } from './subscription-mrr.js';
import type {
  BillingInterval,
  Discount,
  MrrMovement,
  SubscriptionHistory,
  SubscriptionState,
  SubscriptionStatus,
} from './types.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
// a longer search when asked (e.g. REVENUE_PROPERTY_RUNS=3000 REVENUE_PROPERTY_SEED=7)
const RUNS = {
  numRuns: Number(process.env.REVENUE_PROPERTY_RUNS ?? 150),
  seed: Number(process.env.REVENUE_PROPERTY_SEED ?? 20250331),
};
const STATUSES: SubscriptionStatus[] = [
  'active',
  'active',
  'active',
  'trialing',
  'past_due',
  'unpaid',
  'incomplete',
  'paused',
  'canceled',
  'incomplete_expired',
];
const INTERVALS: BillingInterval[] = ['day', 'week', 'month', 'month', 'year'];

const discountArb = (id: string): fc.Arbitrary<Discount> =>
  fc
    .record({
      startDay: fc.integer({ min: 0, max: 400 }),
      months: fc.integer({ min: 1, max: 6 }),
      percent: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
      amountOff: fc.integer({ min: 0, max: 20000 }),
      duration: fc.constantFrom('once' as const, 'repeating' as const, 'forever' as const),
    })
    .map(({ startDay, months, percent, amountOff, duration }) => ({
      id,
      start: T0 + startDay * DAY,
      end: duration === 'repeating' ? T0 + startDay * DAY + months * 30 * DAY : null,
      coupon: {
        percentOff: percent,
        amountOff: percent === null ? amountOff : null,
        currency: percent === null ? 'usd' : null,
        duration,
      },
    }));

const stateArb = (sub: string): fc.Arbitrary<Omit<SubscriptionState, 'from'> & { gap: number }> =>
  fc
    .record({
      gap: fc.integer({ min: 0, max: 120 * 24 }), // hours after the previous state
      status: fc.constantFrom(...STATUSES),
      anchorShift: fc.integer({ min: 0, max: 40 }),
      trialDays: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
      cancelDays: fc.option(fc.integer({ min: 1, max: 200 }), { nil: null }),
      items: fc.array(
        fc.record({
          id: fc.constantFrom('si_a', 'si_b', 'si_c'),
          unitAmount: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50000 })),
          quantity: fc.integer({ min: 0, max: 5 }),
          interval: fc.constantFrom(...INTERVALS),
          intervalCount: fc.integer({ min: 1, max: 3 }),
          metered: fc.boolean(),
          discounts: fc.array(discountArb(`di_${sub}_item`), { maxLength: 1 }),
        }),
        { minLength: 0, maxLength: 3 },
      ),
      discounts: fc.subarray([0, 1, 2]),
      pool: fc.tuple(
        discountArb(`di_${sub}_0`),
        discountArb(`di_${sub}_1`),
        discountArb(`di_${sub}_2`),
      ),
    })
    .map(({ gap, status, anchorShift, trialDays, cancelDays, items, discounts, pool }) => ({
      gap,
      status,
      billingAnchor: anchorShift,
      trialEnd: trialDays,
      cancelAt: cancelDays,
      items: items.map((i) => ({
        id: i.id,
        unitAmount: i.unitAmount,
        quantity: i.quantity,
        interval: i.interval,
        intervalCount: i.intervalCount,
        usageType: i.metered ? ('metered' as const) : ('licensed' as const),
        discounts: i.discounts,
      })),
      discounts: discounts.map((k) => pool[k]!),
    }));

const historyArb = (sub: string): fc.Arbitrary<SubscriptionHistory> =>
  fc
    .record({
      customer: fc.constantFrom('cus_1', 'cus_2', 'cus_3'),
      startDay: fc.integer({ min: 0, max: 300 }),
      states: fc.array(stateArb(sub), { minLength: 1, maxLength: 5 }),
    })
    .map(({ customer, startDay, states }) => {
      const startedAt = T0 + startDay * DAY;
      let from = startedAt;
      const built: SubscriptionState[] = states.map((s, i) => {
        if (i > 0) from += s.gap * 3_600_000;
        return {
          from,
          status: s.status,
          billingAnchor: startedAt + s.billingAnchor * DAY,
          trialEnd: s.trialEnd === null ? null : startedAt + s.trialEnd * DAY,
          cancelAt: s.cancelAt === null ? null : from + s.cancelAt * DAY,
          items: s.items,
          discounts: s.discounts,
        };
      });
      return { id: sub, customerId: customer, currency: 'usd', startedAt, states: built };
    });

const worldArb = fc
  .integer({ min: 1, max: 6 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => historyArb(`sub_${i}`))));

const mrrOf = (hs: SubscriptionHistory[], customer: string, t: number) =>
  hs.filter((h) => h.customerId === customer).reduce((sum, h) => sum + subscriptionMrrAt(h, t), 0);

const sumUpTo = (ms: MrrMovement[], customer: string, t: number) =>
  ms.filter((m) => m.customerId === customer && m.at <= t).reduce((s, m) => s + m.amount, 0);

describe('MRR movements, on random subscription histories', () => {
  it("the sum of a customer's movements up to any moment is its MRR then; MRR is never negative", () => {
    fc.assert(
      fc.property(
        worldArb,
        fc.array(fc.integer({ min: 0, max: 900 * 24 }), { maxLength: 8 }),
        (hs, hours) => {
          const ms = mrrMovements(hs);
          const moments = [...ms.map((m) => m.at), ...hours.map((h) => T0 + h * 3_600_000)];
          for (const customer of ['cus_1', 'cus_2', 'cus_3']) {
            for (const t of moments) {
              const mrr = mrrOf(hs, customer, t);
              assert.ok(mrr >= 0);
              assert.equal(
                sumUpTo(ms, customer, t),
                mrr,
                `${customer} at ${new Date(t).toISOString()}`,
              );
            }
          }
          for (const m of ms) assert.ok(m.mrrBefore >= 0 && m.mrrAfter >= 0);
        },
      ),
      RUNS,
    );
  });

  it('monthly rows chain: start + movements = end, each month starts where the last ended, the last ends at the MRR then', () => {
    fc.assert(
      fc.property(worldArb, (hs) => {
        const ms = mrrMovements(hs);
        const through = '2028-12';
        const rows = customerMonths(ms, through);
        const last = new Map<string, { month: string; end: number }>();
        for (const r of rows) {
          assert.ok(r.startMrr >= 0 && r.endMrr >= 0);
          assert.equal(
            r.startMrr + r.newBusiness + r.expansion + r.contraction + r.churn + r.reactivation,
            r.endMrr,
          );
          const prev = last.get(r.customerId);
          // a month left out had no MRR: the next row then starts from 0
          if (prev) assert.equal(r.startMrr, r.month === nextMonth(prev.month) ? prev.end : 0);
          last.set(r.customerId, { month: r.month, end: r.endMrr });
        }
        for (const [customer, { month, end }] of last) {
          const after =
            month === through
              ? Date.UTC(2029, 0, 1)
              : Date.parse(`${nextMonth(month)}-01T00:00:00Z`);
          assert.equal(end, mrrOf(hs, customer, after - 1), `${customer} after ${month}`);
        }
      }),
      RUNS,
    );
  });

  it('kinds follow their definitions: new business once and first, churn to zero, reactivation only after churn', () => {
    fc.assert(
      fc.property(worldArb, (hs) => {
        const ms = mrrMovements(hs);
        const byCustomer = new Map<string, MrrMovement[]>();
        for (const m of ms)
          byCustomer.set(m.customerId, [...(byCustomer.get(m.customerId) ?? []), m]);
        for (const list of byCustomer.values()) {
          let subscriber = false;
          let churned = false;
          list.forEach((m, i) => {
            switch (m.kind) {
              case 'new_business':
                assert.equal(i, 0);
                assert.ok(m.amount > 0 && m.mrrBefore === 0);
                subscriber = true;
                break;
              case 'reactivation':
                assert.ok(churned && !subscriber && m.amount > 0 && m.mrrBefore === 0);
                subscriber = true;
                break;
              case 'churn':
                assert.ok(subscriber && m.mrrAfter === 0 && m.amount <= 0);
                subscriber = false;
                churned = true;
                break;
              case 'expansion':
                assert.ok(subscriber && m.amount > 0);
                break;
              case 'contraction':
                assert.ok(subscriber && m.amount < 0);
                break;
            }
            if (i > 0) assert.ok(list[i - 1]!.at < m.at);
          });
        }
      }),
      RUNS,
    );
  });

  it('replayed snapshots and input order change nothing', () => {
    fc.assert(
      fc.property(worldArb, fc.nat(), fc.integer({ min: 1, max: 1000 }), (hs, pick, delay) => {
        const expected = mrrMovements(hs);
        // a snapshot seen again a little later (a re-delivered webhook): same states, same movements
        const h = hs[pick % hs.length]!;
        const k = pick % h.states.length;
        const s = h.states[k]!;
        const next = h.states[k + 1]?.from ?? Infinity;
        const at = Math.min(s.from + delay * 60_000, next - 1);
        if (at > s.from) {
          const replayed = {
            ...h,
            states: [...h.states.slice(0, k + 1), { ...s, from: at }, ...h.states.slice(k + 1)],
          };
          assert.deepEqual(mrrMovements(hs.map((x) => (x === h ? replayed : x))), expected);
        }
        assert.deepEqual(mrrMovements([...hs].reverse()), expected);
      }),
      RUNS,
    );
  });

  it('grouping changes how movements are split, never where MRR ends', () => {
    fc.assert(
      fc.property(worldArb, fc.integer({ min: 1, max: 30 * DAY }), (hs, window) => {
        const grouped = mrrMovements(hs, { groupWithinMs: window });
        const far = Date.UTC(2031, 0, 1);
        for (const customer of ['cus_1', 'cus_2', 'cus_3']) {
          assert.equal(sumUpTo(grouped, customer, far), mrrOf(hs, customer, far));
        }
      }),
      RUNS,
    );
  });
});

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return monthOf(Date.UTC(y, m, 1));
}
