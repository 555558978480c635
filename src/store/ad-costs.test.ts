// Ad costs through the Store, on the engine the suite runs on: for each account and day the latest
// import covering the day is in effect (a re-import replaces a period, never doubles it, and empties the
// days it no longer reports), totals convert spend at each day's exchange rate and name missing rates,
// and random import sequences agree with a plain reference.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  newAdCostImportId,
  type AdCostImport,
  type AdCostRow,
  type AdPlatform,
} from './areas/ad-costs.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import type { Store } from './store.js';

async function withStore(use: (store: Store) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    await use(store);
  } finally {
    await store.close();
    cleanup();
  }
}

const row = (
  date: string,
  campaignId: string,
  costMicros: number,
  currency = 'USD',
): AdCostRow => ({
  date,
  currency,
  campaignId,
  campaignName: `Campaign ${campaignId}`,
  adGroupId: null,
  adGroupName: null,
  adId: null,
  adName: null,
  keyword: null,
  matchType: null,
  impressions: 100,
  clicks: 10,
  costMicros,
  conversions: 1,
  conversionValue: 50,
});

const imp = (
  accountId: string,
  from: string,
  to: string,
  platform: AdPlatform = 'google',
): AdCostImport => ({
  importId: newAdCostImportId(),
  platform,
  accountId,
  from,
  to,
  source: 'api',
});

test(
  'a re-imported period replaces the old rows day by day, never doubles them, and every import is kept',
  { timeout: 120_000 },
  async () => {
    await withStore(async (store) => {
      await store.appendAdCosts('w', imp('A', '2026-01-01', '2026-01-03'), [
        row('2026-01-01', 'c1', 1_000_000),
        row('2026-01-02', 'c1', 2_000_000),
        row('2026-01-02', 'c2', 500_000),
        row('2026-01-03', 'c1', 3_000_000),
      ]);
      await store.appendAdCosts('w', imp('B', '2026-01-01', '2026-01-03'), [
        row('2026-01-02', 'b1', 7_000_000),
      ]);
      // the platform restated Jan 2 and reports nothing for Jan 3 any more
      await store.appendAdCosts('w', imp('A', '2026-01-02', '2026-01-03'), [
        row('2026-01-02', 'c1', 2_500_000),
      ]);
      const rows = await store.adCosts('w', { from: '2026-01-01', to: '2026-01-31' });
      assert.deepEqual(
        rows.map((r) => [r.accountId, r.date, r.campaignId, r.costMicros]),
        [
          ['A', '2026-01-01', 'c1', 1_000_000],
          ['A', '2026-01-02', 'c1', 2_500_000],
          ['B', '2026-01-02', 'b1', 7_000_000],
        ],
      );
      const totals = await store.adCostTotals('w', {
        from: '2026-01-01',
        to: '2026-01-31',
        groupBy: ['account'],
        currency: 'USD',
      });
      assert.deepEqual(
        totals.rows.map((t) => [t.group.account, t.cost, t.clicks]),
        [
          ['A', 3.5, 20],
          ['B', 7, 10],
        ],
      );
      assert.deepEqual(totals.missingRates, []);
      const imports = await store.adCostImports('w');
      assert.deepEqual(
        imports.map((i) => [i.accountId, i.from, i.to, i.rows]),
        [
          ['A', '2026-01-02', '2026-01-03', 1],
          ['B', '2026-01-01', '2026-01-03', 1],
          ['A', '2026-01-01', '2026-01-03', 4],
        ],
      );
      assert.deepEqual(await store.adCosts('other', { from: '2026-01-01', to: '2026-01-31' }), []);
    });
  },
);

test(
  'totals convert spend at each day’s rate, by campaign with its latest name, and name the days with no rate',
  { timeout: 120_000 },
  async () => {
    await withStore(async (store) => {
      await store.appendFxRates('w', [
        { date: '2026-01-01', base: 'EUR', quote: 'USD', rate: 1.5 },
      ]);
      await store.appendAdCosts('w', imp('E', '2025-12-31', '2026-01-02', 'meta'), [
        { ...row('2025-12-31', 'm1', 1_000_000, 'EUR'), campaignName: 'Old name' },
        { ...row('2026-01-01', 'm1', 2_000_000, 'EUR'), campaignName: 'New name' },
        row('2026-01-02', 'm2', 4_000_000, 'EUR'),
      ]);
      const jan = await store.adCostTotals('w', {
        from: '2026-01-01',
        to: '2026-01-02',
        groupBy: ['platform', 'campaign'],
        currency: 'USD',
      });
      assert.deepEqual(
        jan.rows.map((t) => [
          t.group.platform,
          t.group.campaign,
          t.campaignName,
          t.cost,
          t.conversionValue,
        ]),
        [
          ['meta', 'm1', 'New name', 3, 75],
          ['meta', 'm2', 'Campaign m2', 6, 75],
        ],
      );
      // Dec 31 is before the first rate: its spend cannot be converted, and says so
      const all = await store.adCostTotals('w', {
        from: '2025-12-01',
        to: '2026-01-31',
        groupBy: [],
        currency: 'USD',
      });
      assert.equal(all.rows.length, 1);
      assert.equal(all.rows[0]!.cost, null);
      assert.equal(all.rows[0]!.clicks, 30);
      assert.deepEqual(all.missingRates, [{ currency: 'EUR', date: '2025-12-31' }]);
      // in the account's own currency nothing is missing
      const eur = await store.adCostTotals('w', {
        from: '2025-12-01',
        to: '2026-01-31',
        groupBy: [],
        currency: 'EUR',
      });
      assert.equal(eur.rows[0]!.cost, 7);
    });
  },
);

/** The reference: for each account and day, the rows of the latest import covering that day. */
function inEffect(
  imports: { imp: AdCostImport; rows: AdCostRow[] }[],
): [string, string, string, number][] {
  const out: [string, string, string, number][] = [];
  for (const { imp: i, rows } of imports)
    for (const r of rows) {
      const latest = imports
        .filter(
          (x) => x.imp.accountId === i.accountId && x.imp.from <= r.date && r.date <= x.imp.to,
        )
        .map((x) => x.imp.importId)
        .sort()
        .at(-1);
      if (latest === i.importId) out.push([i.accountId, r.date, r.campaignId, r.costMicros]);
    }
  return out.sort((a, b) => (a.join('|') < b.join('|') ? -1 : 1));
}

const day = (d: number) => `2026-02-${String(d + 1).padStart(2, '0')}`;

test(
  'random sequences of imports leave in effect what the reference says (property)',
  { timeout: 300_000 },
  async () => {
    await withStore(async (store) => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              account: fc.constantFrom('A', 'B'),
              a: fc.integer({ min: 0, max: 6 }),
              b: fc.integer({ min: 0, max: 6 }),
              rows: fc.array(
                fc.record({
                  d: fc.integer({ min: 0, max: 6 }),
                  c: fc.constantFrom('c1', 'c2'),
                  cost: fc.integer({ min: 0, max: 10_000_000 }),
                }),
                { maxLength: 6 },
              ),
            }),
            { minLength: 1, maxLength: 5 },
          ),
          async (plan) => {
            const ws = `p${run++}`;
            const done: { imp: AdCostImport; rows: AdCostRow[] }[] = [];
            for (const step of plan) {
              const [lo, hi] = [Math.min(step.a, step.b), Math.max(step.a, step.b)];
              const i = imp(step.account, day(lo), day(hi));
              // a platform reports one row per campaign and day: the last generated wins
              const byKey = new Map(
                step.rows
                  .filter((r) => r.d >= lo && r.d <= hi)
                  .map((r) => [`${r.d}|${r.c}`, row(day(r.d), r.c, r.cost)]),
              );
              const rows = [...byKey.values()];
              await store.appendAdCosts(ws, i, rows);
              done.push({ imp: i, rows });
            }
            const got = (await store.adCosts(ws, { from: day(0), to: day(6) })).map(
              (r) =>
                [r.accountId, r.date, r.campaignId, r.costMicros] as [
                  string,
                  string,
                  string,
                  number,
                ],
            );
            assert.deepEqual(
              got.sort((a, b) => (a.join('|') < b.join('|') ? -1 : 1)),
              inEffect(done),
            );
          },
        ),
        { numRuns: 30 },
      );
    });
  },
);
