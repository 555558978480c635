// The Revenue page in real Chromium against a real server holding the sales world (sales-world.ts): its
// cards, by-source and cohort tables equal the revenue report's JSON for the same requests (cells'
// data-value), the From input and the page's own selects move the URL and the numbers to the API's,
// lines per day and bars per week or month name the first-touch values, each table's CSV link fetched
// with the page's cookies is the API's own CSV. Pipeline and Subscriptions: dashboard-pipeline-e2e.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { dashboardSuite, screenshots, signedInPage } from '../test-helpers/browser.js';
import {
  apiJson,
  kpis,
  onlyCols,
  sameCsv,
  str,
  tableValues,
} from '../test-helpers/dashboard-checks.js';
import { salesWorld } from '../test-helpers/sales-world.js';

const OWNER = 'owner@acme.test';
const suite = dashboardSuite({
  world: salesWorld,
  users: [[OWNER, 'owner']],
});

interface RevenueSeries {
  from: string;
  to: string;
  rows: { period: string; firstTouch: string; closes: number; revenue: number; unvalued: number }[];
  total: { closes: number; revenue: number; unvalued: number };
}
interface RevenueCohorts {
  rows: {
    cohort: string;
    monthsSince: number;
    closes: number;
    revenue: number;
    visitors: number;
    cumulativeRevenue: number;
  }[];
  total: { closes: number; revenue: number };
}

async function sameRevenue(page: Page, query: string, interval: string, by: string) {
  const series = await apiJson<RevenueSeries>(
    suite.s,
    `/api/reports/revenue?${query}&view=series&interval=${interval}&by=${by}`,
  );
  const cohorts = await apiJson<RevenueCohorts>(
    suite.s,
    `/api/reports/revenue?${query}&view=cohorts`,
  );
  await page.waitForSelector(`.range-note[data-range="${series.from}..${series.to}"]`);
  await page.waitForSelector('table[data-view="cohorts"]');
  assert.deepEqual(await kpis(page), {
    revenue: str(series.total.revenue),
    closes: str(series.total.closes),
    unvalued: str(series.total.unvalued),
  });
  // by source: the series' rows summed per first-touch value, and the report's totals
  const expected: Record<string, string> = {};
  for (const t of new Set(series.rows.map((r) => r.firstTouch))) {
    const rows = series.rows.filter((r) => r.firstTouch === t);
    for (const k of ['revenue', 'closes', 'unvalued'] as const)
      expected[`${t}|${k}`] = String(rows.reduce((n, r) => n + r[k], 0));
  }
  for (const k of ['revenue', 'closes', 'unvalued'] as const)
    expected[`(total)|${k}`] = String(series.total[k]);
  assert.deepEqual(
    onlyCols(await tableValues(page, 'table[data-view="series"]'), [
      'revenue',
      'closes',
      'unvalued',
    ]),
    expected,
  );
  // cohorts: a row per cohort and month since, as the report's
  const shown = await page.$$eval('table[data-view="cohorts"] tbody tr[data-row]', (trs) =>
    trs.map((tr) => [
      tr.getAttribute('data-row'),
      ...['visitors', 'monthsSince', 'closes', 'revenue', 'cumulativeRevenue'].map((c) =>
        tr.querySelector(`td[data-col="${c}"]`)!.getAttribute('data-value'),
      ),
    ]),
  );
  assert.deepEqual(
    shown.sort(),
    cohorts.rows
      .map((r) => [
        r.cohort,
        ...[r.visitors, r.monthsSince, r.closes, r.revenue, r.cumulativeRevenue].map(String),
      ])
      .sort(),
  );
  assert.equal(
    await page
      .locator('table[data-view="cohorts"] tfoot td[data-col="revenue"]')
      .getAttribute('data-value'),
    String(cohorts.total.revenue),
  );
  return { series, cohorts };
}

test('revenue: by first touch over time and by cohort equal the revenue report; range, basis, CSV', async () => {
  const { context, page, errors } = await signedInPage(suite.browser, suite.s.base, OWNER);
  try {
    const ws = suite.s.workspace.id;
    await page.goto(`${suite.s.base}/revenue?workspace=${ws}&from=2026-03-01&to=2026-03-07`);
    const week = await sameRevenue(
      page,
      'from=2026-03-01&to=2026-03-07&basis=deals',
      'week',
      'source',
    );
    assert.equal(week.series.total.revenue, 1000);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Revenue');
    // a line per first-touch source over time
    await page.waitForSelector('.chart canvas');
    const legend = await page.$$eval('.chart .u-legend .u-label', (els) =>
      els.map((e) => e.textContent),
    );
    assert.deepEqual(legend.slice(1), ['google']);
    await sameCsv(
      suite.s,
      page,
      'table[data-view="series"]',
      '/api/reports/revenue',
      'from=2026-03-01&to=2026-03-07&basis=deals&view=series&interval=week&by=source',
    );
    await sameCsv(
      suite.s,
      page,
      'table[data-view="cohorts"]',
      '/api/reports/revenue',
      'from=2026-03-01&to=2026-03-07&basis=deals&view=cohorts',
    );
    await screenshots(page, 'revenue');
    // another range, by the From input: that range's numbers
    await page.getByLabel('From', { exact: true }).fill('2026-03-06');
    await page.getByLabel('From', { exact: true }).dispatchEvent('change');
    await page.waitForURL(/from=2026-03-06/);
    const late = await sameRevenue(
      page,
      'from=2026-03-06&to=2026-03-07&basis=deals',
      'week',
      'source',
    );
    assert.equal(late.series.total.revenue, 0);
    assert.ok(await page.getByText('Nothing closed in this range.').isVisible());

    // customers (CRM and Stripe) by month over three months, by channel
    await page.goto(
      `${suite.s.base}/revenue?workspace=${ws}&from=2026-03-01&to=2026-05-31&interval=month&by=channel`,
    );
    assert.equal(await page.getByLabel('Interval', { exact: true }).inputValue(), 'month');
    await page.getByLabel('Closed as', { exact: true }).selectOption('customers');
    await page.waitForURL(/basis=customers/);
    const customers = await sameRevenue(
      page,
      'from=2026-03-01&to=2026-05-31&basis=customers',
      'month',
      'channel',
    );
    assert.notEqual(customers.series.total.revenue, week.series.total.revenue);
    await sameCsv(
      suite.s,
      page,
      'table[data-view="series"]',
      '/api/reports/revenue',
      'from=2026-03-01&to=2026-05-31&basis=customers&view=series&interval=month&by=channel',
    );
    // by day: a line per first-touch channel on the time chart
    await page.getByLabel('Interval', { exact: true }).selectOption('day');
    await page.waitForURL(/interval=day/);
    const daily = await sameRevenue(
      page,
      'from=2026-03-01&to=2026-05-31&basis=customers',
      'day',
      'channel',
    );
    await page.waitForSelector('.chart:not(.bars) canvas');
    assert.deepEqual(
      (await page.$$eval('.chart .u-legend .u-label', (els) => els.map((e) => e.textContent)))
        .slice(1)
        .sort(),
      [...new Set(daily.series.rows.map((r) => r.firstTouch))].sort(),
    );
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
