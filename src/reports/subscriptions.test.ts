// The subscriptions report on the suite's engine over a hand-computed Stripe world: four customers' webhook
// stories recorded through the real Stripe intake (recordStripeReceipts), three of them persons the site
// saw first through a Google Ads campaign or a newsletter, one matched to nobody. Each group's MRR, ARR,
// movements, churn and LTV are checked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from '../derive/derive.js';
import { recordStripeReceipts } from '../derive/stripe-record.js';
import { add, identify, page, withStore } from '../test-helpers/events.js';
import { customerStory } from '../test-helpers/stripe-story.js';
import { subscriptions, UNMATCHED } from './subscriptions.js';

const G = 'https://acme.io/?utm_source=google&utm_medium=cpc&utm_campaign=spring';
const E = 'https://acme.io/?utm_source=news&utm_medium=email&utm_campaign=march';
const NOW = Date.parse('2026-07-01T00:00:00Z');
const usd = (customer: string, email: string, steps: [string, number][], endedAt?: string) =>
  customerStory({
    customer,
    email,
    currency: 'usd',
    steps: steps.map(([at, unit]) => ({ at, unit })),
    ...(endedAt ? { endedAt } : {}),
  });

test('MRR, movements, churn and LTV by first-touch source and campaign', async () => {
  await withStore(async (store) => {
    await add(store, [
      page('anon-ada', '2026-01-02T00:00:00Z', G),
      identify('anon-ada', '2026-01-03T00:00:00Z', 'ada@acme.io'),
      page('anon-cid', '2026-01-04T00:00:00Z', G),
      identify('anon-cid', '2026-01-05T00:00:00Z', 'cid@acme.io'),
      page('anon-bob', '2026-01-05T00:00:00Z', E),
      identify('anon-bob', '2026-01-06T00:00:00Z', 'bob@acme.io'),
    ]);
    await rebuild(store, 'w');
    await recordStripeReceipts(
      store,
      'w',
      [
        // $100 a month from February, $150 from April
        ...usd('cus_ada', 'ada@acme.io', [
          ['2026-02-01', 10_000],
          ['2026-04-01', 15_000],
        ]),
        // $50 from 15 February, gone on 10 May
        ...usd('cus_cid', 'cid@acme.io', [['2026-02-15', 5_000]], '2026-05-10'),
        ...usd('cus_bob', 'bob@acme.io', [['2026-03-01', 8_000]]),
        // nobody the site knows
        ...usd('cus_zed', 'zed@nowhere.io', [['2026-02-01', 3_000]]),
      ],
      NOW,
    );
    const r = await subscriptions.run(
      { store, workspaceId: 'w' },
      subscriptions.params.parse({ from: '2026-02', to: '2026-06' }),
    );
    assert.equal(r.currency, 'USD');
    assert.deepEqual(r.matching, { customers: 4, matched: 3, unmatched: 1 });
    assert.deepEqual(
      r.rows.map((x) => [x.group.source, x.group.campaign]),
      [
        ['google', 'spring'],
        ['news', 'march'],
        [UNMATCHED, UNMATCHED],
      ],
    );
    // ada pays at the start of March to June (4 months), cid March to May (3): one churn in 7
    assert.deepEqual(r.rows[0], {
      group: { source: 'google', campaign: 'spring' },
      customers: 1,
      mrr: 150,
      arr: 1800,
      startMrr: 0,
      movements: { new_business: 150, expansion: 50, contraction: 0, churn: -50, reactivation: 0 },
      netNewMrr: 150,
      newCustomers: 2,
      churnedCustomers: 1,
      customerMonths: 7,
      monthlyChurnRate: 0.1429,
      arpa: 150,
      ltv: 1050,
    });
    // bob pays at the start of April to June: no churn, no LTV to estimate
    assert.deepEqual(r.rows[1], {
      group: { source: 'news', campaign: 'march' },
      customers: 1,
      mrr: 80,
      arr: 960,
      startMrr: 0,
      movements: { new_business: 80, expansion: 0, contraction: 0, churn: 0, reactivation: 0 },
      netNewMrr: 80,
      newCustomers: 1,
      churnedCustomers: 0,
      customerMonths: 3,
      monthlyChurnRate: 0,
      arpa: 80,
      ltv: null,
    });
    assert.equal(r.rows[2]!.mrr, 30);
    assert.equal(r.rows[2]!.customerMonths, 4);
    // the whole: 260 a month from 3 customers, 1 churn in 14 customer months
    const { group, ...total } = r.total;
    assert.deepEqual(group, {});
    assert.deepEqual(total, {
      customers: 3,
      mrr: 260,
      arr: 3120,
      startMrr: 0,
      movements: { new_business: 260, expansion: 50, contraction: 0, churn: -50, reactivation: 0 },
      netNewMrr: 260,
      newCustomers: 4,
      churnedCustomers: 1,
      customerMonths: 14,
      monthlyChurnRate: 0.0714,
      arpa: 86.67,
      ltv: 1213.33,
    });

    // from April: ada and cid start the range paying 150 together
    const apr = await subscriptions.run(
      { store, workspaceId: 'w' },
      subscriptions.params.parse({ from: '2026-04', to: '2026-06', groupBy: 'channel' }),
    );
    const paid = apr.rows.find((x) => x.group.channel === 'Paid Search')!;
    assert.deepEqual(
      [paid.startMrr, paid.mrr, paid.movements.expansion, paid.newCustomers, paid.customerMonths],
      [150, 150, 50, 0, 5],
    );
    const t = subscriptions.table(apr, subscriptions.params.parse({ groupBy: 'channel' }));
    assert.equal(t.rows[0]!['first touch channel'], 'Paid Search');

    // filters on the first touch: bob's newsletter alone; the customer matched to nobody by its label
    const range = { from: '2026-02', to: '2026-06' };
    const march = await subscriptions.run(
      { store, workspaceId: 'w' },
      subscriptions.params.parse({ ...range, campaign: 'march' }),
    );
    assert.deepEqual(march.filter, { campaign: ['march'] });
    assert.deepEqual(
      march.rows.map((x) => [x.group.source, x.mrr]),
      [['news', 80]],
    );
    assert.equal(march.total.mrr, 80);
    const nobody = await subscriptions.run(
      { store, workspaceId: 'w' },
      subscriptions.params.parse({ ...range, filter: `source:${UNMATCHED}` }),
    );
    assert.equal(nobody.total.mrr, 30);
    await assert.rejects(
      subscriptions.run(
        { store, workspaceId: 'w' },
        subscriptions.params.parse({ ...range, ad: 'x' }),
      ),
      { field: 'ad' },
    );
  });
});

test('bad months: 400-shaped refusals naming the parameter', async () => {
  await withStore(async (store) => {
    const run = (q: Record<string, string>) =>
      subscriptions.run({ store, workspaceId: 'w' }, subscriptions.params.parse(q));
    await assert.rejects(run({ from: '2026-05', to: '2026-04' }), { field: 'to' });
    await assert.rejects(run({ from: '2000-01', to: '2026-04' }), { field: 'from' });
    assert.equal(subscriptions.params.safeParse({ to: '2026-13' }).success, false);
  });
});
