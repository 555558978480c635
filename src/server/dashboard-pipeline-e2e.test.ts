// The Pipeline page in real Chromium against a real server holding the sales world (sales-world.ts: the
// dashboard world, two more open deals by CRM import, three Stripe customers through the signed
// webhook): its cards and its stage x first-touch matrices equal the opportunities report's JSON for the
// same request (cells' data-value), the range's end and the as-of input move its day, the first-touch
// select moves the URL, each table's CSV link fetched with the page's cookies is the API's own CSV.
// The Subscriptions page the same way: its cards, movements and table equal the subscriptions report's,
// the range and the grouping move them, a refused range shows the API's reason. The Revenue page:
// dashboard-pipeline-revenue-e2e.test.ts (two files: each under the runner's limit on ClickHouse).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { money } from '../../web/src/format.js';
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

interface Opportunities {
  asOf: string;
  by: string;
  rows: { stage: string | null; firstTouch: string; deals: number; value: number }[];
  total: { deals: number; value: number; unvalued: number };
}

/** The matrix the API's rows make: `stage|t:<touch>` and totals, for value or deals. */
function matrixOf(r: Opportunities, measure: 'value' | 'deals'): Record<string, string> {
  const stages = [...new Set(r.rows.map((x) => x.stage ?? '(none)'))];
  const touches = [...new Set(r.rows.map((x) => x.firstTouch))];
  const out: Record<string, string> = {};
  const sum = (keep: (x: Opportunities['rows'][number]) => boolean) =>
    r.rows.filter(keep).reduce((n, x) => n + x[measure], 0);
  for (const st of stages) {
    for (const t of touches)
      out[`${st}|t:${t}`] = String(sum((x) => (x.stage ?? '(none)') === st && x.firstTouch === t));
    out[`${st}|total`] = String(sum((x) => (x.stage ?? '(none)') === st));
  }
  for (const t of touches) out[`(total)|t:${t}`] = String(sum((x) => x.firstTouch === t));
  out['(total)|total'] = String(r.total[measure]);
  return out;
}

async function samePipeline(page: Page, query: string) {
  const api = await apiJson<Opportunities>(suite.s, `/api/reports/opportunities?${query}`);
  await page.waitForSelector(`.range-note[data-as-of="${api.asOf}"][data-by="${api.by}"]`);
  assert.deepEqual(await kpis(page), {
    value: str(api.total.value),
    deals: str(api.total.deals),
    unvalued: str(api.total.unvalued),
  });
  assert.deepEqual(await tableValues(page, 'table[data-measure="value"]'), matrixOf(api, 'value'));
  assert.deepEqual(await tableValues(page, 'table[data-measure="deals"]'), matrixOf(api, 'deals'));
  return api;
}

test('pipeline: the stage x first-touch matrices and bars equal the opportunities report; as-of day, by, CSV', async () => {
  const { context, page, errors } = await signedInPage(suite.browser, suite.s.base, OWNER);
  try {
    const ws = suite.s.workspace.id;
    // the range's last day is the pipeline's day when no as-of day is given
    await page.goto(`${suite.s.base}/pipeline?workspace=${ws}&from=2026-03-01&to=2026-03-07`);
    const week = await samePipeline(page, 'asOf=2026-03-07&by=source');
    assert.equal(week.total.deals, 3);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Pipeline');
    assert.equal(await page.getByLabel('As of', { exact: true }).inputValue(), '2026-03-07');
    // the report reads no model nor comparison: the shell does not offer them here
    assert.equal(await page.locator('select[name="model"]').count(), 0);
    assert.equal(await page.locator('select[name="compare"]').count(), 0);
    // the shown money is the API's value, formatted
    assert.equal(
      await page.locator('table[data-measure="value"] tfoot td[data-col="total"]').textContent(),
      money(week.total.value, 'USD'),
    );
    // grouped bars: a series per first-touch source, in the legend
    await page.waitForSelector('.chart.bars canvas');
    const legend = await page.$$eval('.chart.bars .u-legend .u-label', (els) =>
      els.map((e) => e.textContent),
    );
    assert.deepEqual(legend.slice(1).sort(), ['google', 'newsletter']);
    await sameCsv(
      suite.s,
      page,
      'table[data-measure="value"]',
      '/api/reports/opportunities',
      'asOf=2026-03-07&by=source',
    );
    await sameCsv(
      suite.s,
      page,
      'table[data-measure="deals"]',
      '/api/reports/opportunities',
      'asOf=2026-03-07&by=source',
    );
    await screenshots(page, 'pipeline');

    // another range's end: the pipeline of that day (d1 not yet won, d3 and d4 not yet opened)
    await page.getByLabel('To', { exact: true }).fill('2026-03-04');
    await page.getByLabel('To', { exact: true }).dispatchEvent('change');
    await page.waitForURL(/to=2026-03-04/);
    const early = await samePipeline(page, 'asOf=2026-03-04&by=source');
    assert.notEqual(early.total.value, week.total.value);
    // the as-of control sets its own day in the URL
    await page.getByLabel('As of', { exact: true }).fill('2026-03-06');
    await page.getByLabel('As of', { exact: true }).dispatchEvent('change');
    await page.waitForURL(/asOf=2026-03-06/);
    await samePipeline(page, 'asOf=2026-03-06&by=source');
    // by channel instead of source
    await page.getByLabel('By first touch', { exact: true }).selectOption('channel');
    await page.waitForURL(/by=channel/);
    const byChannel = await samePipeline(page, 'asOf=2026-03-06&by=channel');
    assert.ok(byChannel.rows.some((r) => r.firstTouch === 'Email'));
    await sameCsv(
      suite.s,
      page,
      'table[data-measure="value"]',
      '/api/reports/opportunities',
      'asOf=2026-03-06&by=channel',
    );
    // a day before any deal: the empty state, no table
    await page.getByLabel('As of', { exact: true }).fill('2026-02-01');
    await page.getByLabel('As of', { exact: true }).dispatchEvent('change');
    await page.getByText('No deals were open at the end of 2026-02-01.').waitFor();
    assert.equal(await page.locator('table.report').count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

interface Group {
  group: Record<string, string>;
  customers: number;
  mrr: number;
  arr: number;
  movements: Record<string, number>;
  netNewMrr: number;
  monthlyChurnRate: number | null;
  ltv: number | null;
}
interface Subscriptions {
  from: string;
  to: string;
  groupBy: string[];
  rows: Group[];
  total: Group;
}

const MOVEMENTS = ['new_business', 'expansion', 'contraction', 'churn', 'reactivation'];

async function sameSubscriptions(page: Page, query: string) {
  const api = await apiJson<Subscriptions>(suite.s, `/api/reports/subscriptions?${query}`);
  await page.waitForSelector(
    `.range-note[data-range="${api.from}..${api.to}"] ~ .table-box table[data-group-by="${api.groupBy.join(',')}"]`,
  );
  const t = api.total;
  assert.deepEqual(await kpis(page), {
    mrr: str(t.mrr),
    arr: str(t.arr),
    customers: str(t.customers),
    netNewMrr: str(t.netNewMrr),
    monthlyChurnRate: str(t.monthlyChurnRate),
    ltv: str(t.ltv),
  });
  assert.deepEqual(
    await page.$$eval('.movements li', (els) =>
      Object.fromEntries(
        els.map((e) => [e.getAttribute('data-movement'), e.getAttribute('data-value')]),
      ),
    ),
    Object.fromEntries(MOVEMENTS.map((k) => [k, String(t.movements[k])])),
  );
  const expected: Record<string, string> = {};
  const put = (row: string, g: Group) => {
    for (const k of ['customers', 'mrr', 'arr', 'netNewMrr', 'monthlyChurnRate', 'ltv'] as const)
      expected[`${row}|${k}`] = str(g[k]);
    for (const k of MOVEMENTS) expected[`${row}|${k}`] = String(g.movements[k]);
  };
  for (const g of api.rows) put([...new Set(api.groupBy.map((d) => g.group[d]))].join(' · '), g);
  put('(total)', t);
  assert.deepEqual(
    onlyCols(await tableValues(page, 'table[data-group-by]'), [
      'customers',
      'mrr',
      'arr',
      'netNewMrr',
      'monthlyChurnRate',
      'ltv',
      ...MOVEMENTS,
    ]),
    expected,
  );
  return api;
}

test('subscriptions: MRR, ARR, movements, churn and LTV by first touch equal the report; range, grouping, CSV', async () => {
  const { context, page, errors } = await signedInPage(suite.browser, suite.s.base, OWNER);
  try {
    const ws = suite.s.workspace.id;
    // the range's days give the report's months
    await page.goto(`${suite.s.base}/subscriptions?workspace=${ws}&from=2026-03-01&to=2026-06-30`);
    const spring = await sameSubscriptions(page, 'from=2026-03&to=2026-06');
    assert.equal(spring.total.mrr, 180);
    assert.equal(spring.rows.length, 3);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Subscriptions');
    assert.equal(
      await page.locator('.kpi[data-metric="mrr"] .value').textContent(),
      money(180, 'USD'),
    );
    await sameCsv(
      suite.s,
      page,
      'table[data-group-by]',
      '/api/reports/subscriptions',
      'from=2026-03&to=2026-06&groupBy=source%2Ccampaign',
    );
    await screenshots(page, 'subscriptions');

    // another range: April's end, before the churn and the expansion
    await page.getByLabel('To', { exact: true }).fill('2026-04-30');
    await page.getByLabel('To', { exact: true }).dispatchEvent('change');
    await page.waitForURL(/to=2026-04-30/);
    const april = await sameSubscriptions(page, 'from=2026-03&to=2026-04');
    assert.equal(april.total.mrr, 210);
    // by channel
    await page.getByLabel('By first touch', { exact: true }).selectOption('channel');
    await page.waitForURL(/groupBy=channel/);
    await sameSubscriptions(page, 'from=2026-03&to=2026-04&groupBy=channel');
    await sameCsv(
      suite.s,
      page,
      'table[data-group-by]',
      '/api/reports/subscriptions',
      'from=2026-03&to=2026-04&groupBy=channel',
    );
    // a range the report refuses: the API's reason, as an alert
    await page.goto(`${suite.s.base}/subscriptions?workspace=${ws}&from=2026-06-01&to=2026-03-31`);
    await page.getByRole('alert').waitFor();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /must not be before from/);
    // months before any customer: the empty table
    await page.goto(`${suite.s.base}/subscriptions?workspace=${ws}&from=2025-01-01&to=2025-02-28`);
    await page.getByText('No Stripe customers in these months.').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
