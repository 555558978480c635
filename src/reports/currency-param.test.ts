// The common `currency` parameter on the suite's engine, over the hand-computed report world
// (test-helpers/report-world.ts: everything in USD, the workspace's currency) with rates imported through
// the rate file's import path: spend converted at its day's rate, milestone and credit values (kept in
// USD) converted at read time at their UTC day's, CRM deal amounts at their own day's; days without a
// rate named, never converted at 1.0; a malformed code refused naming `currency`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changeAttributionSettings } from '../derive/attribution-report.js';
import { importFxRates } from '../derive/fx-rates.js';
import { readFxFile } from '../sources/fx-csv/read.js';
import { withStore } from '../test-helpers/events.js';
import { RANGE, reportWorld } from '../test-helpers/report-world.js';
import { clientFor, startTestServer } from '../test-helpers/server.js';
import { attribution } from './attribution.js';
import { costs } from './costs.js';
import { modelComparison } from './model-comparison.js';
import { opportunities } from './opportunities.js';
import { overview } from './overview.js';
import { performance } from './performance.js';
import { revenue } from './revenue.js';

// 1 USD = 0.9 EUR from 02-20, 0.8 from 03-03; GBP only from 03-04 (0.5)
const RATES =
  'date,base,quote,rate\n2026-02-20,USD,EUR,0.9\n2026-03-03,USD,EUR,0.8\n2026-03-04,USD,GBP,0.5\n';

const pick = (m: object, keys: string[]) => keys.map((k) => (m as Record<string, unknown>)[k]);

test('reports in a second currency: each amount at its day rate, missing rates named', async () => {
  await withStore(async (store) => {
    await reportWorld(store);
    await importFxRates(store, 'w', readFxFile(RATES).rates);
    const ctx = { store, workspaceId: 'w' };

    // spend: 03-01 200 (x0.9 = 180), 03-02 100 (x0.9 = 90); a1's opportunity 1000 on 03-03 (x0.8 = 800),
    // a2's 500 on 03-04 (400); a1's customer 1000 on 03-04 (800)
    const eur = await overview.run(ctx, overview.params.parse({ ...RANGE, currency: 'eur' }));
    assert.equal(eur.currency, 'EUR');
    assert.deepEqual(pick(eur.totals, ['pipeline', 'revenue', 'spend', 'roas']), [
      1200,
      800,
      270,
      800 / 270,
    ]);
    assert.deepEqual(
      eur.daily.map((d) => [d.day, d.pipeline, d.revenue, d.spend]),
      [
        ['2026-03-01', 0, 0, 180],
        ['2026-03-02', 0, 0, 90],
        ['2026-03-03', 800, 0, 0],
        ['2026-03-04', 400, 800, 0],
        ['2026-03-05', 0, 0, 0],
      ],
    );
    assert.deepEqual([eur.missingRates, eur.missingValueRates], [[], []]);
    // the workspace's own currency is the default, and nothing converts
    const usd = await overview.run(ctx, overview.params.parse(RANGE));
    assert.deepEqual(pick(usd.totals, ['pipeline', 'revenue', 'spend']), [1500, 1000, 300]);
    assert.equal(usd.currency, 'USD');

    // GBP has a rate from 03-04 only: the spend of 03-01 and 03-02 and a1's opportunity of 03-03 are
    // left out and named; a2's opportunity 500 x 0.5 = 250, a1's customer 1000 x 0.5 = 500
    const gbp = await overview.run(ctx, overview.params.parse({ ...RANGE, currency: 'GBP' }));
    assert.deepEqual(pick(gbp.totals, ['pipeline', 'revenue', 'spend']), [250, 500, 0]);
    assert.deepEqual(
      gbp.missingRates.map((m) => [m.currency, m.date]),
      [
        ['USD', '2026-03-01'],
        ['USD', '2026-03-02'],
      ],
    );
    assert.deepEqual(gbp.missingValueRates, [{ currency: 'USD', date: '2026-03-03' }]);

    // performance: a1 won 1000 from one Paid Search visit (800 EUR), which bought Brand's 100 of the
    // channel's 150 spend (135 EUR)
    await changeAttributionSettings(store, 'w', { conversion: 'customer' });
    const perf = await performance.run(
      ctx,
      performance.params.parse({ ...RANGE, model: 'linear', currency: 'EUR' }),
    );
    assert.equal(perf.currency, 'EUR');
    const search = perf.rows.find((x) => x.channel === 'Paid Search')!;
    assert.deepEqual(pick(search, ['spend', 'revenue', 'roas']), [135, 800, 800 / 135]);
    assert.deepEqual(pick(perf.totals, ['spend', 'revenue', 'cac']), [270, 800, 270]);
    const perfGbp = await performance.run(
      ctx,
      performance.params.parse({ ...RANGE, model: 'linear', currency: 'GBP' }),
    );
    assert.deepEqual(pick(perfGbp.totals, ['spend', 'revenue']), [0, 500]);
    assert.deepEqual(perfGbp.missingValueRates, []);

    // costs: the Brand campaign's 100 of 03-01 (90 EUR) bought a1's visit, credited a1's 1000 won (800)
    const cost = await costs.run(
      ctx,
      costs.params.parse({ ...RANGE, groupBy: 'campaign', currency: 'EUR' }),
    );
    // Spring Sale 30 + 20 (45 EUR), LinkedIn's 70 + 80 (135 EUR)
    const costRows = (r: typeof cost) =>
      r.rows.map((x) => pick(x, ['campaign', 'cost', 'value', 'revenue']));
    assert.deepEqual(costRows(cost), [
      [null, 0, 0, 0],
      ['111', 90, 800, 800],
      ['222', 45, 0, 0],
      ['9', 135, 0, 0],
    ]);
    // in GBP no spend has a rate (its cost is null, as without one in the workspace's currency); a1's
    // customer credit of 03-04 is 500
    const costGbp = await costs.run(
      ctx,
      costs.params.parse({ ...RANGE, groupBy: 'campaign', currency: 'GBP' }),
    );
    assert.deepEqual(costRows(costGbp)[1], ['111', null, 500, 500]);
    assert.equal(costGbp.missingRates.length, 2);
    // attribution (stored credits): a1's customer credit 1000 USD of 03-04 is 800 EUR
    const attr = (q: Record<string, string>) =>
      attribution.run(ctx, attribution.params.parse({ model: 'linear', groupBy: 'channel', ...q }));
    const credited = await attr({ currency: 'EUR' });
    assert.deepEqual(
      [credited.currency, credited.totals.value, credited.missingValueRates],
      ['EUR', 800, []],
    );
    // model comparison: every stored model's credited values in EUR (each model credits the same 1000 USD)
    const compared = await modelComparison.run(
      ctx,
      modelComparison.params.parse({ groupBy: 'channel', currency: 'EUR' }),
    );
    assert.equal(compared.currency, 'EUR');
    assert.ok(Object.keys(compared.models).length > 1);
    for (const [model, rows] of Object.entries(compared.models))
      assert.equal(Math.round(rows.reduce((a, r) => a + r.value, 0) * 1e6) / 1e6, 800, model);
    assert.deepEqual(compared.missingValueRates, []);
    // credits computed for the request's own settings are not converted: refused naming currency
    await assert.rejects(attr({ currency: 'EUR', lookbackDays: '10' }), { field: 'currency' });
    // revenue: d1 won at 1000 USD, its amount's day 03-03 or 03-04 (0.8 either way): 800 EUR; on the
    // customer basis a1's customer value 1000 USD on 03-04: 800 EUR
    const rev = await revenue.run(ctx, revenue.params.parse({ ...RANGE, currency: 'EUR' }));
    assert.equal(rev.currency, 'EUR');
    assert.deepEqual(rev.total, { closes: 1, revenue: 800, unvalued: 0 });
    const byCustomers = await revenue.run(
      ctx,
      revenue.params.parse({ ...RANGE, currency: 'EUR', basis: 'customers' }),
    );
    assert.deepEqual(byCustomers.total, { closes: 1, revenue: 800, unvalued: 0 });
    // open pipeline at the end of 03-05: d2's 500 USD, its amount of 03-04: 400 EUR, 250 GBP
    const open = await opportunities.run(
      ctx,
      opportunities.params.parse({ asOf: '2026-03-05', currency: 'EUR' }),
    );
    assert.deepEqual([open.currency, open.total.value], ['EUR', 400]);
  });
});

test('a malformed currency is a 400 naming currency', { timeout: 120_000 }, async () => {
  const s = await startTestServer();
  try {
    const { api } = clientFor(s);
    for (const report of ['overview', 'revenue', 'performance']) {
      const bad = await api(`/api/reports/${report}?currency=EURO`);
      assert.equal(bad.status, 400, report);
      const body = (await bad.json()) as { error: { field?: string } };
      assert.equal(body.error.field, 'currency', report);
    }
    const ok = await api('/api/reports/overview?currency=eur');
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { currency: string }).currency, 'EUR');
  } finally {
    await s.close();
  }
});
