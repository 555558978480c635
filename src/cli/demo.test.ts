// The Demo workspace of `npm start` (a small one here): its events through the events import, its CRM
// and revenue through the CRM CSV import, so its persons reach the CRM milestones with the deal amounts
// and each won deal's payment is a revenue record.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { seedDemoWorkspace } from './demo.js';

test(
  'the Demo workspace gets its CRM and revenue through the CRM CSV import',
  { timeout: 240_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const store = await openTestStore(dir);
    try {
      const demo = await seedDemoWorkspace(store, {
        days: 60,
        visitorsPerDay: 120,
        end: '2026-06-30',
      });
      const ws = demo.workspace.id;
      assert.ok(demo.events > 1000, `${demo.events} events`);
      assert.ok(demo.crm.wonDeals >= 10, `${demo.crm.wonDeals} won deals`);
      // every won deal was paid, and is a customer of a person, valued at the deal's amount
      assert.equal((await store.revenueRecords(ws)).length, demo.crm.wonDeals);
      const deals = await store.crmDeals(ws);
      const won = deals.filter((d) => d.outcome === 'won');
      assert.equal(won.length, demo.crm.wonDeals);
      assert.ok(won.every((d) => d.personId !== null && d.amount !== null));
      const { conversions } = await store.attributionInputs(ws, 'customer', undefined, {
        convertingOnly: true,
      });
      const persons = new Set(won.map((d) => d.personId));
      assert.equal(conversions.length, persons.size);
      const amounts = won.reduce((s, d) => s + d.amount!.minor / 100, 0);
      const valued = conversions.reduce((s, c) => s + c.value, 0);
      assert.ok(valued > 0 && valued <= amounts + 1e-6, `${valued} of ${amounts}`);
      assert.deepEqual(
        (await store.crmMatchCounts(ws)).map((c) => [
          c.source,
          c.objectType,
          c.objects === c.matched,
        ]),
        [
          ['csv', 'contact', true],
          ['csv', 'deal', true],
        ],
      );
    } finally {
      await store.close();
      cleanup();
    }
  },
);
