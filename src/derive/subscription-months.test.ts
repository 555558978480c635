// The stored customer months (subscription_months) on the suite's engine: a Stripe event arriving through
// the intake (recordStripeReceipts) moves them and the subscriptions report; a rebuild writes them again
// exactly; and the report summed in the engine answers as the revenue layer's own per-customer months
// (mrrReport, derived from the facts on the spot) summed by first touch, over ranges before, across and
// after the movements.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from './derive.js';
import { recordStripeReceipts } from './stripe-record.js';
import { MOVEMENT_KINDS, mrrReport, type MrrCustomerMonth } from './stripe-report.js';
import { subscriptions, UNMATCHED } from '../reports/subscriptions.js';
import { NO_TOUCHPOINT } from '../store/areas/pipeline-reports.js';
import type { Store } from '../store/store.js';
import { add, identify, page, withStore } from '../test-helpers/events.js';
import { customerStory } from '../test-helpers/stripe-story.js';

const G = 'https://acme.io/?utm_source=google&utm_medium=cpc&utm_campaign=spring';
const E = 'https://acme.io/?utm_source=news&utm_medium=email&utm_campaign=march';
const NOW = Date.parse('2026-09-01T00:00:00Z');
const usd = (customer: string, email: string, steps: [string, number][], endedAt?: string) =>
  customerStory({
    customer,
    email,
    currency: 'usd',
    steps: steps.map(([at, unit]) => ({ at, unit })),
    ...(endedAt ? { endedAt } : {}),
  });

const run = (store: Store, from: string, to: string) =>
  subscriptions.run(
    { store, workspaceId: 'w' },
    subscriptions.params.parse({ from, to, groupBy: 'source' }),
  );

async function site(store: Store) {
  await add(store, [
    page('anon-ada', '2026-01-02T00:00:00Z', G),
    identify('anon-ada', '2026-01-03T00:00:00Z', 'ada@acme.io'),
    page('anon-cid', '2026-01-04T00:00:00Z', G),
    identify('anon-cid', '2026-01-05T00:00:00Z', 'cid@acme.io'),
    page('anon-bob', '2026-01-05T00:00:00Z', E),
    identify('anon-bob', '2026-01-06T00:00:00Z', 'bob@acme.io'),
  ]);
  await rebuild(store, 'w');
}

test('a Stripe event through the intake moves the stored months and the report', async () => {
  await withStore(async (store) => {
    await site(store);
    const story = usd('cus_ada', 'ada@acme.io', [
      ['2026-02-01', 10_000],
      ['2026-04-10', 15_000],
    ]);
    // the customer and its subscription first; the upgrade arrives later
    await recordStripeReceipts(store, 'w', story.slice(0, 2), NOW);
    const before = await store.subscriptionMonths('w');
    assert.deepEqual(
      before.map((r) => [r.month, r.mrr]),
      [['2026-02', 10_000]],
    );
    assert.equal((await run(store, '2026-02', '2026-06')).total.mrr, 100);
    await recordStripeReceipts(store, 'w', story.slice(2), NOW);
    const after = await store.subscriptionMonths('w');
    assert.deepEqual(
      after.map((r) => [r.month, r.startMrr, r.mrr, r.expansion, r.valuedOn]),
      [
        ['2026-02', 0, 10_000, 0, '2026-02-01'],
        ['2026-03', 10_000, 10_000, 0, '2026-02-01'],
        ['2026-04', 10_000, 15_000, 5_000, '2026-04-10'],
      ],
    );
    assert.ok(after.every((r) => r.personId !== null && r.currency === 'USD'));
    const r = await run(store, '2026-02', '2026-06');
    assert.deepEqual([r.total.mrr, r.total.movements.expansion], [150, 50]);
  });
});

test('a rebuild writes the stored months again exactly', async () => {
  await withStore(async (store) => {
    await site(store);
    await recordStripeReceipts(
      store,
      'w',
      [
        ...usd('cus_ada', 'ada@acme.io', [
          ['2026-02-01', 10_000],
          ['2026-04-01', 15_000],
        ]),
        ...usd('cus_cid', 'cid@acme.io', [['2026-02-15', 5_000]], '2026-05-10'),
        ...usd('cus_zed', 'zed@nowhere.io', [['2026-03-01', 3_000]]),
      ],
      NOW,
    );
    const stored = await store.subscriptionMonths('w');
    assert.ok(stored.length > 3);
    await store.replaceSubscriptionMonths('w', []);
    assert.deepEqual(await store.subscriptionMonths('w'), []);
    await rebuild(store, 'w');
    assert.deepEqual(await store.subscriptionMonths('w'), stored);
  });
});

/** The report's sums as the revenue layer's per-customer months give them (the report's former code). */
async function reference(store: Store, from: string, to: string) {
  const mrr = await mrrReport(store, 'w', { from, to, perCustomer: true });
  const rows = mrr.customers ?? [];
  const touches = await store.firstTouches('w', [
    ...new Set(rows.flatMap((r) => (r.personId ? [r.personId] : []))),
  ]);
  const byCustomer = new Map<string, MrrCustomerMonth[]>();
  for (const r of rows) byCustomer.set(r.customerId, [...(byCustomer.get(r.customerId) ?? []), r]);
  const groups = new Map<string, number[]>();
  for (const months of byCustomer.values()) {
    const pid = months[0]!.personId;
    const g = pid === null ? UNMATCHED : (touches.get(pid)?.source ?? NO_TOUCHPOINT);
    const s = groups.get(g) ?? Array<number>(10).fill(0);
    const conv = months.flatMap((m) => (m.converted ? [{ ...m, c: m.converted }] : []));
    const last = conv.find((m) => m.month === to)?.c.mrr ?? 0;
    s[0]! += last;
    s[1]! += conv.find((m) => m.month === from)?.c.startMrr ?? 0;
    if (last > 0) s[2]!++;
    for (const m of conv) {
      MOVEMENT_KINDS.forEach((k, i) => (s[3 + i]! += m.c.movements[k]));
      if (m.c.movements.new_business > 0) s[8]!++;
      if (m.c.startMrr > 0) s[9]!++;
    }
    groups.set(g, s);
  }
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return [...groups.entries()].sort().map(([g, s]) => [g, ...s.map(r2)]);
}

test('the engine sums the same customer months the revenue layer derives, over any range', async () => {
  await withStore(async (store) => {
    await site(store);
    await recordStripeReceipts(
      store,
      'w',
      [
        ...usd('cus_ada', 'ada@acme.io', [
          ['2026-02-01', 10_000],
          ['2026-04-01', 15_000],
          ['2026-06-20', 12_500],
        ]),
        ...usd('cus_cid', 'cid@acme.io', [['2026-02-15', 5_000]], '2026-05-10'),
        ...usd('cus_bob', 'bob@acme.io', [['2026-03-01', 8_000]]),
        ...usd('cus_zed', 'zed@nowhere.io', [['2026-01-20', 3_000]], '2026-02-05'),
        // euros, with no rate to the workspace's dollars: left out of every sum, named
        ...customerStory({
          customer: 'cus_eve',
          email: 'eve@nowhere.io',
          currency: 'eur',
          steps: [{ at: '2026-03-03', unit: 2_000 }],
        }),
      ],
      NOW,
    );
    const ranges: Array<[string, string]> = [
      ['2025-06', '2025-12'], // before every movement
      ['2026-01', '2026-12'], // across all, and past the last
      ['2026-03', '2026-03'],
      ['2026-05', '2026-08'], // from after a churn, to after the last movement
      ['2027-01', '2027-06'], // long after: MRR carried
    ];
    assert.deepEqual((await run(store, '2026-01', '2026-12')).missingRates, [
      { currency: 'EUR', day: '2026-03-03', customers: 1 },
    ]);
    for (const [from, to] of ranges) {
      const r = await run(store, from, to);
      const got = r.rows
        .map((x) => [
          x.group.source!,
          x.mrr,
          x.startMrr,
          x.customers,
          ...MOVEMENT_KINDS.map((k) => x.movements[k]),
          x.newCustomers,
          x.customerMonths,
        ])
        .sort();
      assert.deepEqual(got, await reference(store, from, to), `${from} to ${to}`);
      const { missingRates, matching } = await mrrReport(store, 'w', {
        from,
        to,
        perCustomer: false,
      });
      assert.deepEqual([r.missingRates, r.matching], [missingRates, matching]);
    }
  });
});
