// One customer milestone a person, on the suite's engine: when the CRM (a won deal) and Stripe (a first
// paid subscription) both say a person became a customer, the person has one `customer` milestone, at
// the earlier moment, worth the subscription revenue, and the credits add up to that value once;
// whichever derive runs last (CRM intake, Stripe intake, a rebuild).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CONTACTS,
  DEALS,
  person,
  reached,
  records,
  seedEvents,
} from '../test-helpers/crm-records.js';
import { withStore } from '../test-helpers/events.js';
import { customerStory } from '../test-helpers/stripe-story.js';
import { changeAttributionSettings } from './attribution-report.js';
import { attributionSettingsFor } from './attribution-settings.js';
import { storedModelsFor } from './attribution-credits.js';
import { recordCrmChanges } from './crm-milestones.js';
import { rebuild } from './derive.js';
import { importFxRates } from './fx-rates.js';
import { deriveStripe, recordStripeReceipts } from './stripe-record.js';

const NOW = Date.parse('2026-07-01T00:00:00Z');

// Ada's deal d1 is won on 20 March (CRM); her subscription starts on 1 April at $1,000 a month and
// ends on 15 June. Bob's deal is won on 1 May; his subscription started on 1 February at $300.
const ADA = customerStory({
  customer: 'cus_Ada',
  email: 'ada@acme.io',
  currency: 'usd',
  steps: [{ at: '2026-04-01', unit: 100_000 }],
  endedAt: '2026-06-15',
});
const BOB = customerStory({
  customer: 'cus_Bob',
  email: 'bob@acme.io',
  currency: 'usd',
  steps: [{ at: '2026-02-01', unit: 30_000 }],
  endedAt: '2026-04-15',
});
const BOB_WON = records('deals', [
  {
    record_id: 'd9',
    contact_id: 'c2',
    amount: '2000',
    currency: 'USD',
    status: 'won',
    created_at: '2026-04-20',
    closed_at: '2026-05-01',
  },
]);
// each person's subscription revenue over the months it ran (what customerValue counts)
const ADA_VALUE = 3 * 1000; // 1 April, 1 May, 1 June
const BOB_VALUE = 3 * 300; // 1 February, 1 March, 1 April

test('a person both the CRM and Stripe call a customer has one customer milestone, credited once', async () => {
  await withStore(async (store) => {
    await seedEvents(store);
    await importFxRates(store, 'w', [{ date: '2026-01-01', base: 'EUR', quote: 'USD', rate: 1.1 }]);
    await changeAttributionSettings(store, 'w', { conversion: 'customer' });
    await recordCrmChanges(store, 'w', [...CONTACTS, ...DEALS, ...BOB_WON]);
    const ada = await person(store, 'email', 'ada@acme.io');
    const bob = await person(store, 'email', 'bob@acme.io');
    // the CRM alone: the won deals' amounts
    assert.deepEqual(
      (await reached(store, 'customer')).map(([p, day]) => [p, day]),
      [
        [ada, '2026-03-20'],
        [bob, '2026-05-01'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );

    const expected = [
      [ada, '2026-03-20', ADA_VALUE], // the CRM's moment is the earlier
      [bob, '2026-02-01', BOB_VALUE], // Stripe's is
    ].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
    const check = async (when: string) => {
      assert.deepEqual(await reached(store, 'customer'), expected, when);
      const settings = await attributionSettingsFor(store, 'w');
      for (const model of storedModelsFor(settings)) {
        const rows = await store.creditReport('w', {
          model,
          milestone: 'customer',
          groupBy: ['channel'],
        });
        const value = rows.reduce((a, r) => a + r.value, 0);
        const conversions = rows.reduce((a, r) => a + r.conversions, 0);
        assert.ok(Math.abs(value - (ADA_VALUE + BOB_VALUE)) < 1e-6, `${when}: ${model} ${value}`);
        assert.ok(Math.abs(conversions - 2) < 1e-9, `${when}: ${model} ${conversions}`);
      }
    };
    await recordStripeReceipts(store, 'w', [...ADA, ...BOB], NOW);
    await check('after the Stripe intake');
    // the Stripe derive again on its own: the CRM's earlier moment is not lost
    await deriveStripe(store, 'w', NOW);
    await check('after a Stripe derive');
    // a CRM intake derives the CRM's milestones again, and the merge with them
    await recordCrmChanges(store, 'w', DEALS);
    await check('after a CRM intake');
    await rebuild(store, 'w');
    await check('after a rebuild');
  });
});
