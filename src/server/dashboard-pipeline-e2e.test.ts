// The Sales pages (Pipeline, Revenue, Subscriptions) in real Chromium against a real server holding the
// sales world (sales-world.ts: the dashboard world, two more open deals by CRM import, three Stripe
// customers through the signed webhook): each page's numbers equal the API's JSON for the same request
// (cells' data-value), another range (or as-of day) shows that range's numbers, the page's own settings
// move the URL, and each table's CSV link fetched with the page's cookies is the API's own CSV.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { money } from '../../web/src/format.js';
import { launchBrowser, screenshots, signedInPage } from '../test-helpers/browser.js';
import { salesWorld } from '../test-helpers/sales-world.js';
import { clientFor, startTestServer, type TestServer } from '../test-helpers/server.js';
import { addUser } from '../test-helpers/users.js';
import { buildWeb } from '../test-helpers/web-build.js';

let s: TestServer;
let browser: Browser;
const OWNER = 'owner@acme.test';

before(async () => {
  s = await startTestServer({}, { webDir: await buildWeb() });
  await salesWorld(s);
  await addUser(s.store, OWNER, 'owner');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await s?.close();
});

async function apiJson<T>(path: string): Promise<T> {
  const res = await clientFor(s).api(path);
  assert.equal(res.status, 200, path);
  return (await res.json()) as T;
}

const str = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));

/** A table's numbers as the page holds them: `row|col` -> data-value (the totals row is `(total)`). */
function tableValues(page: Page, table: string): Promise<Record<string, string>> {
  return page.$eval(table, (el) => {
    const out: Record<string, string> = {};
    for (const tr of Array.from(el.querySelectorAll('tbody tr[data-row], tfoot tr[data-row]')))
      for (const td of Array.from(tr.querySelectorAll('td[data-col][data-value]')))
        out[`${tr.getAttribute('data-row')}|${td.getAttribute('data-col')}`] =
          td.getAttribute('data-value')!;
    return out;
  });
}

/** Only the named columns of tableValues. */
const onlyCols = (v: Record<string, string>, cols: string[]) =>
  Object.fromEntries(Object.entries(v).filter(([k]) => cols.includes(k.split('|')[1]!)));

const kpis = (page: Page) =>
  page.$$eval('.kpi', (els) =>
    Object.fromEntries(
      els.map((e) => [e.getAttribute('data-metric')!, e.getAttribute('data-value')]),
    ),
  );

/**
 * The table's "Export CSV" link fetched with the page's cookies (the session) equals the API's CSV for
 * `query`; the link is the page's request with format=csv.
 */
async function sameCsv(page: Page, table: string, path: string, query: string) {
  const href = await page.locator(table).locator('xpath=..').locator('a.csv').getAttribute('href');
  assert.ok(href, 'a CSV link');
  const link = new URL(href, s.base);
  assert.equal(link.pathname, path);
  const expected = new URLSearchParams(`${query}&format=csv`);
  for (const [k, v] of expected) assert.equal(link.searchParams.get(k), v, `csv link ${k}`);
  const got = await page.context().request.get(link.toString());
  assert.equal(got.status(), 200);
  const api = await clientFor(s).api(`${path}?${query}&format=csv`);
  assert.equal(api.status, 200);
  const body = await got.text();
  assert.equal(body, await api.text());
  assert.ok(body.split('\n').length > 2, 'the CSV has rows');
}

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
  const api = await apiJson<Opportunities>(`/api/reports/opportunities?${query}`);
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
  const { context, page, errors } = await signedInPage(browser, s.base, OWNER);
  try {
    const ws = s.workspace.id;
    // the range's last day is the pipeline's day when no as-of day is given
    await page.goto(`${s.base}/pipeline?workspace=${ws}&from=2026-03-01&to=2026-03-07`);
    const week = await samePipeline(page, 'asOf=2026-03-07&by=source');
    assert.equal(week.total.deals, 3);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Pipeline');
    assert.equal(await page.getByLabel('As of', { exact: true }).inputValue(), '2026-03-07');
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
      page,
      'table[data-measure="value"]',
      '/api/reports/opportunities',
      'asOf=2026-03-07&by=source',
    );
    await sameCsv(
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
      page,
      'table[data-measure="value"]',
      '/api/reports/opportunities',
      'asOf=2026-03-06&by=channel',
    );
    // back: by source again
    await page.goBack();
    await samePipeline(page, 'asOf=2026-03-06&by=source');
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
    `/api/reports/revenue?${query}&view=series&interval=${interval}&by=${by}`,
  );
  const cohorts = await apiJson<RevenueCohorts>(`/api/reports/revenue?${query}&view=cohorts`);
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
  const { context, page, errors } = await signedInPage(browser, s.base, OWNER);
  try {
    const ws = s.workspace.id;
    await page.goto(`${s.base}/revenue?workspace=${ws}&from=2026-03-01&to=2026-03-07`);
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
      page,
      'table[data-view="series"]',
      '/api/reports/revenue',
      'from=2026-03-01&to=2026-03-07&basis=deals&view=series&interval=week&by=source',
    );
    await sameCsv(
      page,
      'table[data-view="cohorts"]',
      '/api/reports/revenue',
      'from=2026-03-01&to=2026-03-07&basis=deals&view=cohorts',
    );
    await screenshots(page, 'revenue');
    // by day: a line per source on the time chart
    await page.getByLabel('Interval').selectOption('day');
    await page.waitForURL(/interval=day/);
    await sameRevenue(page, 'from=2026-03-01&to=2026-03-07&basis=deals', 'day', 'source');
    await page.waitForSelector('.chart:not(.bars) canvas');
    assert.deepEqual(
      await page.$$eval('.chart .u-legend .u-label', (els) => els.map((e) => e.textContent)),
      ['Time', 'google'],
    );
    await page.goBack();
    await page.waitForSelector('.chart.bars canvas');

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
    await page.goto(`${s.base}/revenue?workspace=${ws}&from=2026-03-01&to=2026-05-31`);
    await page.getByLabel('Closed as', { exact: true }).selectOption('customers');
    await page.waitForURL(/basis=customers/);
    await page.getByLabel('Interval', { exact: true }).selectOption('month');
    await page.waitForURL(/interval=month/);
    await page.getByLabel('By first touch', { exact: true }).selectOption('channel');
    await page.waitForURL(/by=channel/);
    const customers = await sameRevenue(
      page,
      'from=2026-03-01&to=2026-05-31&basis=customers',
      'month',
      'channel',
    );
    assert.notEqual(customers.series.total.revenue, week.series.total.revenue);
    await sameCsv(
      page,
      'table[data-view="series"]',
      '/api/reports/revenue',
      'from=2026-03-01&to=2026-05-31&basis=customers&view=series&interval=month&by=channel',
    );
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
  const api = await apiJson<Subscriptions>(`/api/reports/subscriptions?${query}`);
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
  const { context, page, errors } = await signedInPage(browser, s.base, OWNER);
  try {
    const ws = s.workspace.id;
    // the range's days give the report's months
    await page.goto(`${s.base}/subscriptions?workspace=${ws}&from=2026-03-01&to=2026-06-30`);
    const spring = await sameSubscriptions(page, 'from=2026-03&to=2026-06');
    assert.equal(spring.total.mrr, 180);
    assert.equal(spring.rows.length, 3);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Subscriptions');
    assert.equal(
      await page.locator('.kpi[data-metric="mrr"] .value').textContent(),
      money(180, 'USD'),
    );
    await sameCsv(
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
      page,
      'table[data-group-by]',
      '/api/reports/subscriptions',
      'from=2026-03&to=2026-04&groupBy=channel',
    );
    // a range the report refuses: the API's reason, as an alert
    await page.goto(`${s.base}/subscriptions?workspace=${ws}&from=2026-06-01&to=2026-03-31`);
    await page.getByRole('alert').waitFor();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /must not be before from/);
    // months before any customer: the empty table
    await page.goto(`${s.base}/subscriptions?workspace=${ws}&from=2025-01-01&to=2025-02-28`);
    await page.getByText('No Stripe customers in these months.').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
