// CRM facts through the production path (recordCrmChanges: the store method every webhook, backfill
// and import calls), on the suite's engine: stored once per key, matched to persons by the tracker's
// anonymous id, e-mail and CRM contact ids, milestones with their amounts, credits of the CRM
// milestones, and a funnel change re-deriving them while the facts stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTACTS, DEALS, person, reached, seedEvents } from '../test-helpers/crm-records.js';
import { withStore } from '../test-helpers/events.js';
import { attributionReport, changeAttributionSettings } from './attribution-report.js';
import { recordCrmChanges } from './crm-milestones.js';
import { rebuild } from './derive.js';
import { changeFunnel } from './funnel-change.js';
import { importFxRates } from './fx-rates.js';

// the deals are in EUR and JPY, the workspace reports in USD
const EUR_USD = 1.25;
const eurRate = (store: Parameters<typeof importFxRates>[0]) =>
  importFxRates(store, 'w', [{ date: '2026-03-01', base: 'EUR', quote: 'USD', rate: EUR_USD }]);

test('CRM changes are facts stored once per key; contacts and deals reach persons and their milestones carry the amounts', async () => {
  await withStore(async (store) => {
    await seedEvents(store);
    const ada = await person(store, 'email', 'ada@acme.io');
    const bob = await person(store, 'email', 'bob@acme.io');
    const carol = await person(store, 'anonymous_id', 'anon-c');
    await eurRate(store);

    const first = await recordCrmChanges(store, 'w', [...CONTACTS, ...DEALS]);
    assert.equal(first.inserted, CONTACTS.length + DEALS.length);
    assert.equal(first.duplicates, 0);
    // re-delivered (and repeated within a batch): nothing changes
    const again = await recordCrmChanges(store, 'w', [...DEALS, ...CONTACTS, DEALS[0]!]);
    assert.deepEqual([again.inserted, again.duplicates], [0, CONTACTS.length + DEALS.length + 1]);
    const stored = await store.crmChanges('w');
    assert.equal(stored.length, CONTACTS.length + DEALS.length);
    // a fact reads back as it was handed in
    const won = DEALS.find((d) => d.outcome === 'won')!;
    assert.deepEqual(
      stored.find((s) => s.key === won.key),
      won,
    );

    const sort = (rows: Array<readonly [string, string, number]>) =>
      [...rows].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    assert.deepEqual(await reached(store, 'mql'), [[ada, '2026-03-02', 0]]);
    assert.deepEqual(await reached(store, 'sql'), [[bob, '2026-03-03', 0]]);
    assert.deepEqual(
      await reached(store, 'opportunity'),
      sort([
        [ada, '2026-03-05', 12000.5 * EUR_USD],
        [bob, '2026-03-06', 5000 * EUR_USD],
      ]),
    );
    assert.deepEqual(await reached(store, 'customer'), [[ada, '2026-03-20', 12000.5 * EUR_USD]]);
    // the lead stays the tracker's: ada and bob identified; carol is not a lead by the CRM
    assert.deepEqual((await reached(store, 'lead')).map((r) => r[0]).sort(), [ada, bob].sort());
    // "Demo booked" names no milestone of the default funnel: carol reached none
    assert.ok(!(await reached(store, 'mql')).some((r) => r[0] === carol));

    // unmatched records stay and are counted: dan and his lost deal
    assert.deepEqual(await store.crmMatchCounts('w'), [
      { source: 'csv', objectType: 'contact', objects: 4, matched: 3 },
      { source: 'csv', objectType: 'deal', objects: 3, matched: 2 },
    ]);
    const deals = await store.crmDeals('w');
    assert.deepEqual(
      deals.map((d) => [d.dealId, d.outcome, d.amount, d.lostReason, d.personId]),
      [
        ['d1', 'won', { minor: 1200050, currency: 'eur' }, null, ada],
        ['d2', 'open', { minor: 500000, currency: 'eur' }, null, bob],
        ['d3', 'lost', { minor: 900, currency: 'jpy' }, 'price', null],
      ],
    );

    // credits of the CRM milestones, with the deal amounts
    await changeAttributionSettings(store, 'w', { conversion: 'customer' });
    const customers = await attributionReport(store, 'w', {
      model: 'linear',
      groupBy: ['channel'],
    });
    assert.equal(customers.totals.conversions, 1);
    assert.ok(Math.abs(customers.totals.value - 12000.5 * EUR_USD) < 1e-9);
    assert.equal(customers.currency, 'USD');
    assert.deepEqual(customers.missingRates, []);
    assert.deepEqual(
      customers.rows.map((r) => r.key.channel),
      ['Paid Search'],
    );
    await changeAttributionSettings(store, 'w', { conversion: 'opportunity' });
    const opps = await attributionReport(store, 'w', { model: 'linear', groupBy: ['channel'] });
    assert.equal(opps.totals.conversions, 2);
    assert.ok(Math.abs(opps.totals.value - 17000.5 * EUR_USD) < 1e-9);

    // a rebuild of unchanged facts gives the same milestones
    const before = await reached(store, 'opportunity');
    await rebuild(store, 'w');
    assert.deepEqual(await reached(store, 'opportunity'), before);
  });
});

test('changing the funnel re-derives the CRM milestones from the same facts', async () => {
  await withStore(async (store) => {
    await seedEvents(store);
    const ada = await person(store, 'email', 'ada@acme.io');
    const carol = await person(store, 'anonymous_id', 'anon-c');
    await eurRate(store);
    await recordCrmChanges(store, 'w', [...CONTACTS, ...DEALS]);
    assert.deepEqual(await reached(store, 'customer'), [[ada, '2026-03-20', 12000.5 * EUR_USD]]);

    const change = await changeFunnel(store, 'w', {
      milestones: ['lead', 'meeting_booked', 'opportunity', 'customer', 'won_deal'],
      crm: {
        csv: { contactStages: { 'Demo booked': 'meeting_booked' }, wonDealMilestone: 'won_deal' },
      },
    });
    assert.ok(change.milestones > 0);
    // carol's contact matched through the hidden field's anonymous id
    assert.deepEqual(await reached(store, 'meeting_booked'), [[carol, '2026-03-04', 0]]);
    assert.deepEqual(await reached(store, 'won_deal'), [[ada, '2026-03-20', 12000.5 * EUR_USD]]);
    assert.deepEqual(await reached(store, 'customer'), []);
    // mql and sql are not milestones of this funnel: the stock stages map to nothing
    assert.deepEqual(await reached(store, 'mql'), []);
    assert.equal((await store.crmChanges('w')).length, CONTACTS.length + DEALS.length);

    await changeFunnel(store, 'w', {});
    assert.deepEqual(await reached(store, 'customer'), [[ada, '2026-03-20', 12000.5 * EUR_USD]]);
    assert.deepEqual(await reached(store, 'meeting_booked'), []);
  });
});

test('a CRM amount with no exchange rate on its day has no value, and the report names it; importing the rate derives the value', async () => {
  await withStore(async (store) => {
    await seedEvents(store);
    const ada = await person(store, 'email', 'ada@acme.io');
    await recordCrmChanges(store, 'w', [...CONTACTS, ...DEALS]);
    // the conversion still counts; its value is unknown (never the euros as dollars)
    assert.deepEqual(await reached(store, 'customer'), [[ada, '2026-03-20', 0]]);
    await changeAttributionSettings(store, 'w', { conversion: 'opportunity' });
    const opps = await attributionReport(store, 'w', { model: 'linear', groupBy: ['channel'] });
    assert.equal(opps.totals.conversions, 2);
    assert.equal(opps.totals.value, 0);
    // the first amount of each opportunity, on the day of its change
    assert.deepEqual(opps.missingRates, [
      { currency: 'EUR', day: '2026-03-05', conversions: 1 },
      { currency: 'EUR', day: '2026-03-06', conversions: 1 },
    ]);

    // a rate in effect from after the first deal's day converts only the second
    await importFxRates(store, 'w', [
      { date: '2026-03-06', base: 'USD', quote: 'EUR', rate: 0.75 },
    ]);
    const later = await attributionReport(store, 'w', { model: 'linear', groupBy: ['channel'] });
    assert.ok(Math.abs(later.totals.value - 5000 / 0.75) < 1e-9);
    assert.deepEqual(later.missingRates, [{ currency: 'EUR', day: '2026-03-05', conversions: 1 }]);
    await eurRate(store);
    const all = await attributionReport(store, 'w', { model: 'linear', groupBy: ['channel'] });
    // each amount at the rate in effect on its day: the euro rate from 03-01 for the first deal, the
    // newer dollar rate of 03-06 (inverted) for the second
    assert.ok(Math.abs(all.totals.value - (12000.5 * EUR_USD + 5000 / 0.75)) < 1e-9);
    assert.deepEqual(all.missingRates, []);
  });
});
