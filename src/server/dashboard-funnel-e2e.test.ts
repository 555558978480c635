// The sales pages in real Chromium against a real server (the app built by Vite in this test): Funnel,
// Lead quality and Sales cycle each show the API's own numbers (data-value of every cell against the
// report's JSON for the same request), a date range changed in the page changes them to that range's,
// the page's own toggle (first touch by, group by, step) is in the URL, and the Export CSV link answers
// the API's CSV. Data arrives through the ingestion routes and the CRM import (funnel-world.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { apiJson, apiText, linkedCsv } from '../test-helpers/dashboard-checks.js';
import { dashboardSuite, screenshots, signedInPage } from '../test-helpers/browser.js';
import { funnelWorld } from '../test-helpers/funnel-world.js';

const OWNER = 'owner@acme.test';
const suite = dashboardSuite({
  world: funnelWorld,
  users: [[OWNER, 'owner']],
});

type Values = Record<string, Record<string, string>>;

/** A table's cells as the page holds them: row name (data-row) -> column -> data-value. */
async function tableValues(page: Page, table: string): Promise<Values> {
  return page.$$eval(`${table} tbody tr[data-row], ${table} tfoot tr`, (trs) =>
    Object.fromEntries(
      trs.map((tr) => [
        tr.getAttribute('data-row')!,
        Object.fromEntries(
          Array.from(tr.querySelectorAll('td[data-value]')).map((td) => [
            td.getAttribute('data-col')!,
            td.getAttribute('data-value')!,
          ]),
        ),
      ]),
    ),
  );
}

const v = (x: number | null | undefined) => (x === null || x === undefined ? '' : String(x));

/** The Export CSV link of a table, fetched with the page's cookies, equals the API's CSV. */
async function csvMatches(page: Page, table: string, apiPath: string) {
  const { href, body } = await linkedCsv(suite.s, page, table);
  assert.match(href, /format=csv/);
  assert.equal(body, await apiText(suite.s, `${apiPath}&format=csv`), `CSV of ${href}`);
}

/** Moves the From date in the shell (no reload) and waits for the page to show that range. */
async function setFrom(page: Page, from: string, to: string) {
  await page.getByLabel('From').fill(from);
  await page.getByLabel('From').dispatchEvent('change');
  await page.waitForSelector(`.range-note[data-range="${from}..${to}"]`);
}

interface FunnelRow {
  firstTouch: string | null;
  counts: Record<string, number>;
  rates: Record<string, number | null>;
}
interface Funnel {
  steps: string[];
  rows: FunnelRow[];
  total: FunnelRow;
}

const funnelExpected = (r: Funnel): Values => {
  const line = (x: FunnelRow) =>
    Object.fromEntries(
      r.steps.flatMap((st, i) => [
        [`count.${st}`, v(x.counts[st])],
        ...(i > 0 ? [[`rate.${st}`, v(x.rates[st])]] : []),
      ]),
    );
  return {
    ...Object.fromEntries(r.rows.map((x) => [x.firstTouch ?? '(none)', line(x)])),
    '(total)': line(r.total),
  };
};

test('funnel: bars and the table by first touch equal the API; range, by and CSV', async () => {
  const { context, page, errors } = await signedInPage(suite.browser, suite.s.base, OWNER);
  try {
    const ws = suite.s.workspace.id;
    const table = 'table.report[aria-label^="Funnel by"]';
    await page.goto(`${suite.s.base}/funnel?workspace=${ws}&from=2026-03-01&to=2026-03-07`);
    await page.getByRole('heading', { level: 1, name: 'Funnel' }).waitFor();
    await page.waitForSelector(`${table}[data-by="channel"] tfoot`);
    const week = await apiJson<Funnel>(
      suite.s,
      '/api/reports/funnel?from=2026-03-01&to=2026-03-07',
    );
    assert.deepEqual(week.steps, ['visitor', 'lead', 'mql', 'sql', 'opportunity', 'customer']);
    assert.ok(week.total.counts.customer! > 0 && week.rows.length >= 3);
    assert.deepEqual(await tableValues(page, table), funnelExpected(week));
    // the whole as bars (uPlot's canvas) and its step rates
    await page.waitForSelector('.chart.bars canvas');
    assert.deepEqual(
      await page.$$eval('.funnel-steps li', (els) =>
        els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-value')]),
      ),
      week.steps.map((st) => [st, String(week.total.counts[st])]),
    );
    assert.deepEqual(
      await page.$$eval('.funnel-steps .rate', (els) =>
        els.map((e) => e.getAttribute('data-rate')),
      ),
      week.steps.slice(1).map((st) => v(week.total.rates[st])),
    );
    await csvMatches(page, table, '/api/reports/funnel?from=2026-03-01&to=2026-03-07&by=channel');
    await screenshots(page, 'funnel');

    // another range, from the shell's date input: that range's numbers
    await setFrom(page, '2026-02-01', '2026-03-07');
    const wider = await apiJson<Funnel>(
      suite.s,
      '/api/reports/funnel?from=2026-02-01&to=2026-03-07',
    );
    assert.notDeepEqual(wider.total.counts, week.total.counts);
    assert.deepEqual(await tableValues(page, table), funnelExpected(wider));

    // first touch by campaign, in the URL
    await page.getByLabel('First touch by').selectOption('campaign');
    await page.waitForURL(/[?&]by=campaign/);
    await page.waitForSelector(`${table}[data-by="campaign"] tfoot`);
    const byCampaign = await apiJson<Funnel>(
      suite.s,
      '/api/reports/funnel?from=2026-02-01&to=2026-03-07&by=campaign',
    );
    assert.deepEqual(await tableValues(page, table), funnelExpected(byCampaign));
    await csvMatches(page, table, '/api/reports/funnel?from=2026-02-01&to=2026-03-07&by=campaign');
    // back: by channel again
    await page.goBack();
    await page.waitForSelector(`${table}[data-by="channel"] tfoot`);
    assert.deepEqual(await tableValues(page, table), funnelExpected(wider));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

interface LqRow {
  group: Record<string, string>;
  lostReasons: { reason: string | null; deals: number }[];
  [k: string]: unknown;
}
interface LeadQuality {
  rows: LqRow[];
  total: Record<string, number | null>;
  lostReasons: { reason: string | null; deals: number }[];
}
const LQ_COLS = [
  'leads',
  'qualified',
  'qualificationRate',
  'mqlRate',
  'sqlRate',
  'opportunityRate',
  'disqualified',
  'disqualificationRate',
  'wonDeals',
  'lostDeals',
  'lossRate',
];
const lqExpected = (r: LeadQuality, key: 'channel' | 'campaign'): Values => {
  const line = (x: Record<string, unknown>) =>
    Object.fromEntries(LQ_COLS.map((c) => [c, v(x[c] as number | null)]));
  return {
    ...Object.fromEntries(r.rows.map((x) => [x.group[key] ?? '(none)', line(x)])),
    '(total)': line(r.total),
  };
};

test('lead quality: rates by channel and by campaign, lost reasons, range and CSV', async () => {
  const { context, page, errors } = await signedInPage(suite.browser, suite.s.base, OWNER);
  try {
    const ws = suite.s.workspace.id;
    const table = 'table.report[aria-label^="Lead quality by"]';
    const reasons = 'table.report[aria-label="Lost reasons"]';
    await page.goto(`${suite.s.base}/lead-quality?workspace=${ws}&from=2026-03-01&to=2026-03-07`);
    await page.getByRole('heading', { level: 1, name: 'Lead quality' }).waitFor();
    await page.waitForSelector(`${table}[data-group-by="channel"] tfoot`);
    const q = 'from=2026-03-01&to=2026-03-07';
    const week = await apiJson<LeadQuality>(
      suite.s,
      `/api/reports/lead-quality?${q}&groupBy=channel`,
    );
    assert.ok(week.total.disqualified! > 0 && week.total.lostDeals! > 0);
    assert.deepEqual(await tableValues(page, table), lqExpected(week, 'channel'));
    // each row's lost reasons, as the API lists them
    for (const row of week.rows)
      assert.equal(
        await page
          .locator(`${table} tbody tr[data-row="${row.group.channel}"] td[data-col="reasons"]`)
          .textContent(),
        row.lostReasons.map((l) => `${l.reason ?? '(none given)'}: ${l.deals}`).join('; ') ||
          '(none)',
      );
    // lost reasons over every group: bars and a table
    await page.waitForSelector('.lost-reasons .chart.bars canvas');
    assert.deepEqual(await tableValues(page, reasons), {
      ...Object.fromEntries(
        week.lostReasons.map((l) => [l.reason ?? '(none given)', { deals: String(l.deals) }]),
      ),
      '(total)': { deals: String(week.lostReasons.reduce((n, l) => n + l.deals, 0)) },
    });
    await csvMatches(page, table, `/api/reports/lead-quality?${q}&groupBy=channel`);
    await screenshots(page, 'lead-quality');

    // by campaign (each with its channel), in the URL
    await page.getByLabel('Group by').selectOption('campaign');
    await page.waitForURL(/[?&]groupBy=campaign/);
    await page.waitForSelector(`${table}[data-group-by="channel,campaign"] tfoot`);
    const camp = await apiJson<LeadQuality>(
      suite.s,
      `/api/reports/lead-quality?${q}&groupBy=channel,campaign`,
    );
    assert.deepEqual(await tableValues(page, table), lqExpected(camp, 'campaign'));
    for (const row of camp.rows)
      assert.equal(
        await page
          .locator(`${table} tbody tr[data-row="${row.group.campaign}"] th + td`)
          .textContent(),
        row.group.channel,
      );
    await csvMatches(page, table, `/api/reports/lead-quality?${q}&groupBy=channel,campaign`);

    // another range: that range's numbers
    await setFrom(page, '2026-03-05', '2026-03-07');
    const late = await apiJson<LeadQuality>(
      suite.s,
      '/api/reports/lead-quality?from=2026-03-05&to=2026-03-07&groupBy=channel,campaign',
    );
    assert.notEqual(late.total.leads, camp.total.leads);
    assert.deepEqual(await tableValues(page, table), lqExpected(late, 'campaign'));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

interface Dist {
  step: string;
  group?: Record<string, string>;
  persons: number;
  [k: string]: unknown;
}
interface SalesCycle {
  buckets: string[];
  overall: Dist[];
  rows: Dist[];
}
const Q_COLS = ['persons', 'min', 'p25', 'median', 'p75', 'p90', 'mean', 'max'];
const STEP_LABELS: Record<string, string> = {
  touch_to_customer: 'First touch → won',
  touch_to_lead: 'First touch → lead',
  lead_to_opportunity: 'Lead → opportunity',
  opportunity_to_customer: 'Opportunity → won',
};
const quantiles = (x: Dist) => Object.fromEntries(Q_COLS.map((c) => [c, v(x[c] as number)]));
const byChannel = (r: SalesCycle, step: string): Values => {
  const whole = r.overall.find((o) => o.step === step);
  return {
    ...Object.fromEntries(
      r.rows.filter((x) => x.step === step).map((x) => [x.group?.channel ?? '', quantiles(x)]),
    ),
    ...(whole ? { '(total)': quantiles(whole) } : {}),
  };
};

test('sales cycle: medians by step, a step by channel as bars and quantiles, range and CSV', async () => {
  const { context, page, errors } = await signedInPage(suite.browser, suite.s.base, OWNER);
  try {
    const ws = suite.s.workspace.id;
    const overall = 'table.report[data-table="overall"]';
    const table = 'table.report[data-table="by-channel"]';
    await page.goto(`${suite.s.base}/sales-cycle?workspace=${ws}&from=2026-03-01&to=2026-03-07`);
    await page.getByRole('heading', { level: 1, name: 'Sales cycle' }).waitFor();
    await page.waitForSelector(`${table}[data-step="touch_to_customer"] tfoot`);
    const q = 'from=2026-03-01&to=2026-03-07';
    const week = await apiJson<SalesCycle>(suite.s, `/api/reports/sales-cycle?${q}`);
    assert.equal(week.overall.length, 4);
    assert.deepEqual(
      await tableValues(page, overall),
      Object.fromEntries(week.overall.map((o) => [STEP_LABELS[o.step]!, quantiles(o)])),
    );
    assert.deepEqual(await tableValues(page, table), byChannel(week, 'touch_to_customer'));
    // the histogram: a series per channel of the step (uPlot's legend)
    await page.waitForSelector('.chart.bars canvas');
    const legend = await page.$$eval('.chart.bars .u-legend .u-label', (els) =>
      els.map((e) => e.textContent),
    );
    assert.deepEqual(
      legend.slice(1),
      week.rows.filter((r) => r.step === 'touch_to_customer').map((r) => r.group?.channel),
    );
    await csvMatches(page, table, `/api/reports/sales-cycle?${q}`);
    await csvMatches(page, overall, `/api/reports/sales-cycle?${q}`);
    await screenshots(page, 'sales-cycle');

    // another step, in the URL
    await page.getByLabel('Step', { exact: true }).selectOption('lead_to_opportunity');
    await page.waitForURL(/[?&]step=lead_to_opportunity/);
    await page.waitForSelector(`${table}[data-step="lead_to_opportunity"] tfoot`);
    assert.deepEqual(await tableValues(page, table), byChannel(week, 'lead_to_opportunity'));

    // another range: that range's numbers
    await setFrom(page, '2026-03-05', '2026-03-07');
    const late = await apiJson<SalesCycle>(
      suite.s,
      '/api/reports/sales-cycle?from=2026-03-05&to=2026-03-07',
    );
    assert.notDeepEqual(late.overall, week.overall);
    assert.deepEqual(
      await tableValues(page, overall),
      Object.fromEntries(late.overall.map((o) => [STEP_LABELS[o.step]!, quantiles(o)])),
    );
    assert.deepEqual(await tableValues(page, table), byChannel(late, 'lead_to_opportunity'));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the sales pages say when a workspace has nothing in the range, and what the API refused', async () => {
  const { context, page, errors } = await signedInPage(suite.browser, suite.s.base, OWNER);
  try {
    const ws = suite.s.workspace.id;
    // a range before any data: each page says so instead of drawing empty charts
    const empty = 'from=2025-01-01&to=2025-01-07';
    await page.goto(`${suite.s.base}/funnel?workspace=${ws}&${empty}`);
    await page.getByText('No visitors were first seen in this range.').waitFor();
    assert.equal(await page.locator('.chart.bars').count(), 0);
    assert.equal(
      await page
        .locator('table.report tfoot td[data-col="count.visitor"]')
        .getAttribute('data-value'),
      '0',
    );
    await page.goto(`${suite.s.base}/lead-quality?workspace=${ws}&${empty}`);
    await page.getByText('No leads entered the funnel in this range.').waitFor();
    await page.getByText('No deals of these leads were lost.').waitFor();
    await page.goto(`${suite.s.base}/sales-cycle?workspace=${ws}&${empty}`);
    await page.getByText('No step of a sales cycle ended in this range.').waitFor();
    assert.equal(await page.locator('.chart.bars').count(), 0);
    // a range the API refuses: its reason, on each page
    for (const name of ['funnel', 'lead-quality', 'sales-cycle']) {
      await page.goto(`${suite.s.base}/${name}?workspace=${ws}&from=2026-03-07&to=2026-03-01`);
      const alert = page.locator('main [role="alert"]');
      await alert.waitFor();
      assert.match((await alert.textContent()) ?? '', /Could not load this: .*from/, name);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
