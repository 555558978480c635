// Exchange rates through the Store, on the engine the suite runs on: rates appended as facts (a re-import
// changes nothing, a later import of a date and pair wins) and amounts converted on the engine exactly as
// the reference (src/revenue/fx.ts) converts them: by hand-built cases, then on random rate tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fxRateOn, type FxRate } from '../revenue/fx.js';
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

const RATES: FxRate[] = [
  { date: '2026-01-01', base: 'EUR', quote: 'USD', rate: 1.1 },
  { date: '2026-01-10', base: 'EUR', quote: 'USD', rate: 1.2 },
  { date: '2026-01-01', base: 'EUR', quote: 'GBP', rate: 0.8 },
  { date: '2026-01-05', base: 'JPY', quote: 'EUR', rate: 0.006 },
];

test(
  'rates are facts: a re-import changes nothing, a later import of a date and pair is the one in effect',
  { timeout: 120_000 },
  async () => {
    await withStore(async (store) => {
      assert.deepEqual(await store.appendFxRates('w', RATES), { added: 4, unchanged: 0 });
      assert.deepEqual(await store.appendFxRates('w', RATES), { added: 0, unchanged: 4 });
      assert.deepEqual(
        await store.appendFxRates('w', [
          { date: '2026-01-01', base: 'EUR', quote: 'USD', rate: 1.15 },
        ]),
        { added: 1, unchanged: 0 },
      );
      const rates = await store.fxRates('w');
      assert.equal(rates.length, 4);
      assert.deepEqual(
        rates.find((r) => r.date === '2026-01-01' && r.quote === 'USD'),
        { date: '2026-01-01', base: 'EUR', quote: 'USD', rate: 1.15 },
      );
      // another workspace sees none of them
      assert.deepEqual(await store.fxRates('other'), []);
      // a whole rate first and a fraction after it in one import (DuckDB typed such a list by its first)
      const mixed = [
        { date: '2026-02-01', base: 'CHF', quote: 'USD', rate: 100 },
        { date: '2026-02-01', base: 'EUR', quote: 'CHF', rate: 0.01 },
      ];
      assert.deepEqual(await store.appendFxRates('w', mixed), { added: 2, unchanged: 0 });
      assert.deepEqual(
        (await store.fxRates('w')).filter((r) => r.date === '2026-02-01'),
        [mixed[0], mixed[1]],
      );
    });
  },
);

test(
  'amounts convert at the rate in effect on their day: direct, inverse, through a third currency, never a silent 1',
  { timeout: 120_000 },
  async () => {
    await withStore(async (store) => {
      await store.appendFxRates('w', RATES);
      const got = await store.fxConvert('w', 'USD', [
        { key: 'a', currency: 'EUR', date: '2026-01-09' }, // EUR->USD of Jan 1
        { key: 'b', currency: 'EUR', date: '2026-01-10' }, // of Jan 10
        { key: 'c', currency: 'EUR', date: '2025-12-31' }, // before any rate: none
        { key: 'd', currency: 'USD', date: '2020-01-01' }, // same currency: 1
        { key: 'e', currency: 'GBP', date: '2026-01-12' }, // GBP->EUR (inverse) x EUR->USD
        { key: 'f', currency: 'JPY', date: '2026-01-12' }, // JPY->EUR x EUR->USD, dated Jan 5
        { key: 'g', currency: 'CHF', date: '2026-01-12' }, // no rate at all
      ]);
      const by = Object.fromEntries(got.map((r) => [r.key, r]));
      assert.deepEqual(by.a, { key: 'a', rate: 1.1, rateDate: '2026-01-01', via: null });
      assert.deepEqual(by.b, { key: 'b', rate: 1.2, rateDate: '2026-01-10', via: null });
      assert.deepEqual(by.c, { key: 'c', rate: null, rateDate: null, via: null });
      assert.deepEqual(by.d, { key: 'd', rate: 1, rateDate: null, via: null });
      assert.equal(by.e!.via, 'EUR');
      assert.equal(by.e!.rateDate, '2026-01-01');
      assert.ok(Math.abs(by.e!.rate! - 1.2 / 0.8) < 1e-12, String(by.e!.rate));
      assert.deepEqual(
        { ...by.f, rate: undefined },
        {
          key: 'f',
          rate: undefined,
          rateDate: '2026-01-05',
          via: 'EUR',
        },
      );
      assert.ok(Math.abs(by.f!.rate! - 0.006 * 1.2) < 1e-15);
      assert.deepEqual(by.g, { key: 'g', rate: null, rateDate: null, via: null });
    });
  },
);

const CURRENCIES = ['CHF', 'EUR', 'GBP', 'USD'];
const day = (d: number) => `2026-01-${String(d + 1).padStart(2, '0')}`;
const rateArb = fc
  .record({
    d: fc.integer({ min: 0, max: 14 }),
    pair: fc
      .tuple(fc.constantFrom(...CURRENCIES), fc.constantFrom(...CURRENCIES))
      .filter(([a, b]) => a !== b),
    rate: fc.double({ min: 0.01, max: 100, noNaN: true }),
  })
  .map(({ d, pair, rate }) => ({ date: day(d), base: pair[0], quote: pair[1], rate }));

test(
  'on random rate tables every engine converts as the reference does (property)',
  { timeout: 300_000 },
  async () => {
    await withStore(async (store) => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(rateArb, { maxLength: 8 }), { minLength: 1, maxLength: 3 }),
          fc.array(
            fc.record({ c: fc.constantFrom(...CURRENCIES), d: fc.integer({ min: 0, max: 16 }) }),
            { minLength: 1, maxLength: 12 },
          ),
          fc.constantFrom(...CURRENCIES),
          async (imports, amounts, target) => {
            const ws = `p${run++}`;
            const all: FxRate[] = [];
            for (const batch of imports) {
              await store.appendFxRates(ws, batch);
              all.push(...batch);
            }
            const rows = amounts.map((a, i) => ({
              key: `k${String(i).padStart(2, '0')}`,
              currency: a.c,
              date: a.d > 15 ? '2025-12-31' : day(a.d),
            }));
            const got = await store.fxConvert(ws, target, rows);
            assert.equal(got.length, rows.length);
            for (const r of got) {
              const a = rows.find((x) => x.key === r.key)!;
              const want = fxRateOn(all, a.currency, target, a.date);
              const where = `${a.currency}->${target} on ${a.date}`;
              if (want === undefined) {
                assert.equal(r.rate, null, where);
                continue;
              }
              assert.ok(r.rate !== null, `${where}: no rate, want ${want.rate}`);
              assert.ok(
                Math.abs(r.rate - want.rate) <= 1e-9 * want.rate,
                `${where}: ${r.rate} vs ${want.rate}`,
              );
              assert.equal(r.rateDate, want.rateDate, where);
              assert.equal(r.via, want.via, where);
            }
          },
        ),
        { numRuns: 40 },
      );
    });
  },
);
