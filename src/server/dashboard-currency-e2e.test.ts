// The global currency control in real Chromium against a real server holding the sales world
// (sales-world.ts, all in USD) with rates imported through POST /api/fx-rates: a viewer picks EUR on
// Overview, the URL carries `currency=EUR` and the cards equal the overview report's JSON asked in EUR;
// the side navigation keeps it, and Revenue's cards equal the revenue report's JSON in EUR.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dashboardSuite, signedInPage } from '../test-helpers/browser.js';
import { apiJson, kpis, str } from '../test-helpers/dashboard-checks.js';
import { salesWorld } from '../test-helpers/sales-world.js';
import { clientFor, type TestServer } from '../test-helpers/server.js';

const VIEWER = 'viewer@acme.test';
// 1 USD = 0.9 EUR from January, 0.8 from 03-04: the range's amounts convert at both
const RATES = 'date,base,quote,rate\n2026-01-01,USD,EUR,0.9\n2026-03-04,USD,EUR,0.8\n';

async function world(s: TestServer) {
  await salesWorld(s);
  const res = await clientFor(s).api('/api/fx-rates', {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: RATES,
  });
  assert.equal(res.status, 200);
}

const suite = dashboardSuite({ world, users: [[VIEWER, 'viewer']] });

interface Overview {
  currency: string;
  totals: Record<string, number | null>;
}
interface Revenue {
  currency: string;
  total: { closes: number; revenue: number; unvalued: number };
}

const RANGE = 'from=2026-03-01&to=2026-03-07';

test('currency: a viewer picks EUR; Overview and Revenue show the reports asked in EUR', async () => {
  const { context, page, errors } = await signedInPage(suite.browser, suite.s.base, VIEWER);
  try {
    const ws = suite.s.workspace.id;
    await page.goto(`${suite.s.base}/overview?workspace=${ws}&${RANGE}`);
    const usd = await apiJson<Overview>(suite.s, `/api/reports/overview?${RANGE}&compare=previous`);
    await page.waitForSelector(`.kpi[data-metric="spend"][data-value="${str(usd.totals.spend)}"]`);
    // the options: the workspace's currency (the default) and the one the rates name
    const options = await page.$$eval('select[name="currency"] option', (os) =>
      os.map((o) => [(o as HTMLOptionElement).value, o.textContent]),
    );
    assert.deepEqual(options, [
      ['', 'USD'],
      ['EUR', 'EUR'],
    ]);

    await page.selectOption('select[name="currency"]', 'EUR');
    await page.waitForURL(/[?&]currency=EUR(&|$)/);
    const eur = await apiJson<Overview>(
      suite.s,
      `/api/reports/overview?${RANGE}&compare=previous&currency=EUR`,
    );
    assert.equal(eur.currency, 'EUR');
    // converted numbers differ from the workspace's, so the page shows which one it asked for
    assert.notEqual(eur.totals.spend, usd.totals.spend);
    await page.waitForSelector(`.kpi[data-metric="spend"][data-value="${str(eur.totals.spend)}"]`);
    const t = eur.totals;
    const cac = t.customers ? Math.round((t.spend! / t.customers) * 100) / 100 : null;
    assert.deepEqual(await kpis(page), {
      leads: str(t.leads),
      pipeline: str(t.pipeline),
      revenue: str(t.revenue),
      spend: str(t.spend),
      roas: str(t.roas),
      cac: str(cac),
    });
    assert.match((await page.locator('.kpi[data-metric="spend"] .value').textContent()) ?? '', /€/);

    // the side navigation carries the currency to a Sales page
    await page.getByRole('link', { name: 'Revenue', exact: true }).click();
    await page.waitForURL(/\/revenue\?.*currency=EUR/);
    const rev = await apiJson<Revenue>(
      suite.s,
      `/api/reports/revenue?${RANGE}&basis=deals&view=series&interval=week&by=channel&currency=EUR`,
    );
    const revUsd = await apiJson<Revenue>(
      suite.s,
      `/api/reports/revenue?${RANGE}&basis=deals&view=series&interval=week&by=channel`,
    );
    assert.equal(rev.currency, 'EUR');
    assert.notEqual(rev.total.revenue, revUsd.total.revenue);
    await page.waitForSelector(
      `.kpi[data-metric="revenue"][data-value="${str(rev.total.revenue)}"]`,
    );
    assert.deepEqual(await kpis(page), {
      revenue: str(rev.total.revenue),
      closes: str(rev.total.closes),
      unvalued: str(rev.total.unvalued),
    });
    assert.equal(await page.locator('select[name="currency"]').inputValue(), 'EUR');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
