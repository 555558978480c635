// Subscription revenue in the workspace's currency, on the suite's engine: MRR movements and customer
// values converted through the FX table at each movement's (or month's) day, yen by its whole units,
// a euro customer through the pair as imported, and a pound customer with no rate named in
// `missingRates` (left out of the converted months, its milestone's value unknown), never at 1.0; new
// rates derive the values again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, identify, withStore } from '../test-helpers/events.js';
import { customerStory } from '../test-helpers/stripe-story.js';
import { importFxRates } from './fx-rates.js';
import { attributionReport, changeAttributionSettings } from './attribution-report.js';
import { attributionSettingsFor } from './attribution-settings.js';
import { storedModelsFor } from './attribution-credits.js';
import { rebuild } from './derive.js';
import { stripeMilestones } from './stripe-milestones.js';
import { recordStripeReceipts } from './stripe-record.js';
import { mrrReport } from './stripe-report.js';

const JPY_JAN = 150; // 1 USD = 150 JPY from 1 January 2026
const JPY_MAR = 160; // 1 USD = 160 JPY from 1 March 2026
const EUR_USD = 1.1; // 1 EUR = 1.1 USD
const NOW = Date.parse('2026-07-01T00:00:00Z');

// Kenji pays ¥15,000 a month from 15 January, ¥24,000 from 10 March, and leaves on 20 May
const KENJI = customerStory({
  customer: 'cus_Kenji',
  email: 'kenji@example.jp',
  currency: 'jpy',
  steps: [
    { at: '2026-01-15', unit: 15_000 },
    { at: '2026-03-10', unit: 24_000 },
  ],
  endedAt: '2026-05-20',
});
// Eve pays €50.00 a month from 1 February (no person matches her)
const EVE = customerStory({
  customer: 'cus_Eve',
  email: 'eve@example.eu',
  currency: 'eur',
  steps: [{ at: '2026-02-01', unit: 5_000 }],
});
// Gus pays £20.00 a month from 1 February to 15 June: no GBP rate at first
const GUS = customerStory({
  customer: 'cus_Gus',
  email: 'gus@example.uk',
  currency: 'gbp',
  steps: [{ at: '2026-02-01', unit: 2_000 }],
  endedAt: '2026-06-15',
});

const round2 = (v: number) => Math.round(v * 100) / 100;

test('MRR and customer values in the workspace currency at each day’s rate; a missing rate is named, never 1.0', async () => {
  await withStore(async (store) => {
    await add(store, [
      identify('anon-k', '2026-01-01T00:00:00Z', 'kenji@example.jp'),
      identify('anon-g', '2026-01-01T00:00:00Z', 'gus@example.uk'),
    ]);
    await rebuild(store, 'w');
    await importFxRates(store, 'w', [
      { date: '2026-01-01', base: 'USD', quote: 'JPY', rate: JPY_JAN },
      { date: '2026-03-01', base: 'USD', quote: 'JPY', rate: JPY_MAR },
      { date: '2026-01-01', base: 'EUR', quote: 'USD', rate: EUR_USD },
    ]);
    await recordStripeReceipts(store, 'w', [...KENJI, ...EVE, ...GUS], NOW);

    const report = await mrrReport(store, 'w', {
      from: '2026-01',
      to: '2026-06',
      perCustomer: true,
    });
    assert.equal(report.currency, 'USD');
    // as sold: yen in whole yen, euros and pounds in their major units
    const sold = (month: string, currency: string) =>
      report.byCurrency.find((m) => m.month === month && m.currency === currency)?.mrr;
    assert.equal(sold('2026-01', 'jpy'), 15_000);
    assert.equal(sold('2026-03', 'jpy'), 24_000);
    assert.equal(sold('2026-02', 'eur'), 50);
    assert.equal(sold('2026-02', 'gbp'), 20);
    // in dollars: each movement at its day's rate; Gus has no rate, so he is left out and named
    const kenjiNew = 15_000 / JPY_JAN;
    const kenjiUp = (24_000 - 15_000) / JPY_MAR;
    const eveNew = 50 * EUR_USD;
    assert.deepEqual(
      report.months.map((m) => [m.month, m.currency, round2(m.mrr), m.customers]),
      [
        ['2026-01', 'USD', round2(kenjiNew), 1],
        ['2026-02', 'USD', round2(kenjiNew + eveNew), 2],
        ['2026-03', 'USD', round2(kenjiNew + kenjiUp + eveNew), 2],
        ['2026-04', 'USD', round2(kenjiNew + kenjiUp + eveNew), 2],
        ['2026-05', 'USD', round2(eveNew), 1],
        ['2026-06', 'USD', round2(eveNew), 1],
      ],
    );
    const march = report.months.find((m) => m.month === '2026-03')!;
    assert.equal(march.movements.expansion, round2(kenjiUp));
    // the churn takes away exactly what Kenji's converted MRR was
    const may = report.months.find((m) => m.month === '2026-05')!;
    assert.equal(may.movements.churn, -round2(kenjiNew + kenjiUp));
    assert.deepEqual(report.missingRates, [{ currency: 'GBP', day: '2026-02-01', customers: 1 }]);
    const gusRows = report.customers!.filter((c) => c.customerId === 'cus_Gus');
    assert.ok(gusRows.length > 0 && gusRows.every((c) => c.converted === null));
    const kenjiJan = report.customers!.find(
      (c) => c.customerId === 'cus_Kenji' && c.month === '2026-01',
    )!;
    assert.deepEqual(
      [kenjiJan.currency, kenjiJan.mrr, kenjiJan.converted?.currency, kenjiJan.converted?.mrr],
      ['jpy', 15_000, 'USD', round2(kenjiNew)],
    );

    // Kenji's first year, month by month at each anniversary's rate: 15 Jan, 15 Feb at ¥15,000 (the
    // January rate), 15 Mar, 15 Apr, 15 May at ¥24,000 (the March rate), nothing after he left
    const kenjiYear = (2 * 15_000) / JPY_JAN + (3 * 24_000) / JPY_MAR;
    const m1 = await stripeMilestones(store, 'w', { value: 'first_year', now: NOW, crm: null });
    const valueOf = async (email: string) => {
      const [p] = await store.personsByIdentifier('w', 'email', email);
      return m1.milestones.find((m) => m.personId === p)?.value;
    };
    assert.equal(await valueOf('kenji@example.jp'), round2(kenjiYear));
    assert.equal(await valueOf('gus@example.uk'), null);
    assert.deepEqual(
      m1.missingRates.map((m) => m.day),
      ['2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01'],
    );
    const stored = async () =>
      (await store.attributionInputs('w', 'customer')).conversions
        .map((c) => round2(c.value))
        .sort();
    // stored as derived: Gus's conversion counts with no value (0 in the sums, named above)
    assert.deepEqual(await stored(), [0, round2(kenjiYear)].sort());

    // the attribution report of customers says which values are unknown
    await changeAttributionSettings(store, 'w', { conversion: 'customer' });
    const model = storedModelsFor(await attributionSettingsFor(store, 'w'))[0]!;
    const credited = await attributionReport(store, 'w', { model, groupBy: ['channel'] });
    assert.equal(credited.currency, 'USD');
    assert.deepEqual(
      credited.missingRates,
      m1.missingRates.map((m) => ({ currency: 'GBP', day: m.day, conversions: 1 })),
    );

    // the pound's rate arrives: his value and months are derived again in dollars
    const GBP_USD = 1.25;
    await importFxRates(store, 'w', [
      { date: '2026-01-01', base: 'GBP', quote: 'USD', rate: GBP_USD },
    ]);
    assert.deepEqual(await stored(), [round2(5 * 20 * GBP_USD), round2(kenjiYear)].sort());
    const after = await mrrReport(store, 'w', {
      from: '2026-02',
      to: '2026-02',
      perCustomer: false,
    });
    assert.deepEqual(after.missingRates, []);
    assert.equal(after.months[0]!.mrr, round2(kenjiNew + eveNew + 20 * GBP_USD));
  });
});
