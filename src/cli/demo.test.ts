// The Demo workspace of `npm start` (a small one here): its events through the events import, its CRM
// and revenue through the CRM CSV import, so its persons reach the CRM milestones with the deal amounts
// and each won deal's payment is a revenue record; its ad costs through each platform's CSV export.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { overview } from '../reports/overview.js';
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
      // its ad costs came as the four platforms' CSV exports, through the file import
      const imports = await store.adCostImports(ws);
      assert.deepEqual(imports.map((i) => [i.platform, i.source, i.from, i.to]).sort(), [
        ['google', 'csv:google-ads.csv', '2026-05-02', '2026-06-30'],
        ['linkedin', 'csv:linkedin-ads.csv', '2026-05-02', '2026-06-30'],
        ['meta', 'csv:meta-ads.csv', '2026-05-02', '2026-06-30'],
        ['microsoft', 'csv:microsoft-ads.csv', '2026-05-02', '2026-06-30'],
      ]);
      assert.equal(
        imports.reduce((n, i) => n + i.rows, 0),
        demo.costs.rows,
      );
      assert.ok(demo.costs.rows > 0 && Number(demo.costs.spend) > 0, JSON.stringify(demo.costs));
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
      // its rates (the file `closedloop import fx` reads) let every amount be asked in EUR: none missing
      assert.ok(demo.fxRates > 80, `${demo.fxRates} rates`);
      const range = { from: '2026-05-02', to: '2026-06-30' };
      const ask = (q: Record<string, string>) =>
        overview.run({ store, workspaceId: ws }, overview.params.parse({ ...range, ...q }));
      const [usd, eur] = [await ask({}), await ask({ currency: 'EUR' })];
      assert.deepEqual([eur.currency, eur.missingRates, eur.missingValueRates], ['EUR', [], []]);
      for (const k of ['spend', 'revenue', 'pipeline'] as const)
        assert.ok(
          eur.totals[k]! > 0.85 * usd.totals[k]! && eur.totals[k]! < 0.95 * usd.totals[k]!,
          k,
        );
    } finally {
      await store.close();
      cleanup();
    }
  },
);
