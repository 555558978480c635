// The Attribution page in real Chromium against a real server holding the dashboard's world: credited
// conversions by channel equal the attribution report's JSON; the shell's Milestone, Lookback and Model
// controls move the URL and the numbers become the API's for them (computed for the view when they
// differ from the workspace's settings); the dimension select regroups; Export CSV is the API's CSV.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { dashboardSuite, screenshots, signedInPage } from '../test-helpers/browser.js';
import { dashboardWorld } from '../test-helpers/dashboard-world.js';
import { clientFor } from '../test-helpers/server.js';

const suite = dashboardSuite({
  world: dashboardWorld,
  users: [['analyst@acme.test', 'analyst']],
});

interface Report {
  model: string;
  milestone: string;
  settings: { lookbackDays: number };
  rows: { key: Record<string, string | null>; conversions: number; value: number }[];
  totals: { conversions: number; value: number };
}

const RANGE = 'from=2026-03-01&to=2026-03-08';

async function apiReport(query: string): Promise<Report> {
  const res = await clientFor(suite.s).api(`/api/reports/attribution?${RANGE}&${query}`);
  assert.equal(res.status, 200, `${query}: ${res.status === 200 ? '' : await res.clone().text()}`);
  return (await res.json()) as Report;
}

/** Every group's conversions and value on the page equal the API's, and nothing more is shown. */
async function sameAsApi(page: Page, dim: string, api: Report) {
  assert.ok(api.rows.length > 0, 'the report has rows');
  await page.waitForSelector(`table.report[data-dimension="${dim}"] tfoot`);
  assert.equal(await page.locator('table.report tbody tr').count(), api.rows.length);
  for (const r of api.rows) {
    const row = page.locator(`table.report tbody tr[data-row="${r.key[dim] ?? '(none)'}"]`);
    assert.equal(
      await row.locator('td[data-col="conversions"]').getAttribute('data-value'),
      String(r.conversions),
    );
    assert.equal(
      await row.locator('td[data-col="value"]').getAttribute('data-value'),
      String(r.value),
    );
  }
  assert.equal(
    await page.locator('tfoot td[data-col="conversions"]').getAttribute('data-value'),
    String(api.totals.conversions),
  );
}

test(
  'attribution: the page equals the API; milestone, lookback, model and dimension by URL; CSV',
  { timeout: 100_000 },
  async () => {
    const { context, page, errors } = await signedInPage(
      suite.browser,
      suite.s.base,
      'analyst@acme.test',
    );
    try {
      const ws = suite.s.workspace.id;
      await page.goto(`${suite.s.base}/attribution?workspace=${ws}&from=2026-03-01&to=2026-03-07`);
      const base = await apiReport('groupBy=channel');
      await page.waitForSelector(`.range-note[data-milestone="${base.milestone}"]`);
      await sameAsApi(page, 'channel', base);

      // first touch, grouped by campaign (stored credits group by any dimension)
      await page.getByLabel('Model').selectOption('first_touch');
      await page.waitForSelector('.range-note[data-model="first_touch"]');
      await page.getByLabel('Group by').selectOption('campaign');
      await page.waitForURL(/dimension=campaign/);
      await sameAsApi(page, 'campaign', await apiReport('groupBy=campaign&model=first_touch'));

      // the milestone: opportunities credited instead of leads, computed for the view, by channel
      await page.getByLabel('Milestone').selectOption('opportunity');
      await page.waitForURL(/milestone=opportunity/);
      await page.waitForSelector('.range-note[data-milestone="opportunity"]');
      const opp = await apiReport('groupBy=channel&conversion=opportunity&model=first_touch');
      assert.notEqual(opp.totals.conversions, base.totals.conversions);
      await sameAsApi(page, 'channel', opp);
      assert.equal(await page.getByLabel('Group by').isDisabled(), true);

      // a one-day lookback
      await page.getByLabel('Lookback (days)').fill('1');
      await page.getByLabel('Lookback (days)').dispatchEvent('change');
      await page.waitForURL(/lookback=1/);
      await page.waitForSelector('.range-note[data-lookback="1"]');
      const q = 'groupBy=channel&conversion=opportunity&lookbackDays=1&model=first_touch';
      await sameAsApi(page, 'channel', await apiReport(q));
      await screenshots(page, 'attribution');

      // the CSV link is the API's CSV for the same request
      const href = await page.locator('a.csv').getAttribute('href');
      assert.ok(href && /format=csv/.test(href));
      const res = await context.request.get(`${suite.s.base}${href}`);
      assert.equal(res.status(), 200);
      const api = await clientFor(suite.s).api(`/api/reports/attribution?${RANGE}&${q}&format=csv`);
      assert.equal(await res.text(), await api.text());

      // back twice: the stored credits by campaign again
      await page.goBack();
      await page.goBack();
      await page.waitForSelector('table.report[data-dimension="campaign"] tfoot');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  },
);
