// The dashboard in real Chromium against a real server (the app built by Vite in this test): a user signs
// in through the form, the overview's KPI cards show the API's own numbers, a date range in the URL (and
// the back button) changes them to that range's, the workspace switcher moves to another workspace, and
// the channels table's totals are the performance report's. Data arrives through the ingestion routes,
// the ad-cost import and the CRM import (dashboard-world.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { count, money, times } from '../../web/src/format.js';
import { dashboardSuite, screenshots } from '../test-helpers/browser.js';
import { dashboardWorld } from '../test-helpers/dashboard-world.js';
import { clientFor } from '../test-helpers/server.js';
import { TEST_PASSWORD } from '../test-helpers/users.js';
import { createWorkspace } from '../workspaces/create.js';

const suite = dashboardSuite({
  world: dashboardWorld,
  users: [['owner@acme.test', 'owner']],
});

const shots = screenshots;

interface Overview {
  currency: string;
  totals: Record<string, number | null>;
  change: Record<string, number | null> | null;
  previous: Record<string, number | null> | null;
}

const overviewOf = async (query: string): Promise<Overview> => {
  const compare = /(^|&)compare=/.test(query) ? '' : 'compare=previous&';
  const res = await clientFor(suite.s).api(`/api/reports/overview?${compare}${query}`);
  assert.equal(res.status, 200);
  return (await res.json()) as Overview;
};

/** Each card's number (data-value), shown text and change as the page holds them. */
async function cards(page: Page) {
  await page.waitForSelector('.kpi[data-metric="leads"]');
  return page.$$eval('.kpi', (els) =>
    Object.fromEntries(
      els.map((el) => [
        el.getAttribute('data-metric')!,
        {
          value: el.getAttribute('data-value'),
          text: el.querySelector('.value')!.textContent,
          change: el.querySelector('.delta')!.getAttribute('data-change'),
        },
      ]),
    ),
  );
}

/** The cards agree with the API's overview: values, their text, and the change against before. */
function sameAsApi(shown: Awaited<ReturnType<typeof cards>>, api: Overview) {
  const t = api.totals;
  const cac = t.customers ? Math.round((t.spend! / t.customers) * 100) / 100 : null;
  const expected: Record<string, [number | null, string]> = {
    leads: [t.leads!, count(t.leads)],
    pipeline: [t.pipeline!, money(t.pipeline, api.currency)],
    revenue: [t.revenue!, money(t.revenue, api.currency)],
    spend: [t.spend!, money(t.spend, api.currency)],
    roas: [t.roas ?? null, times(t.roas)],
    cac: [cac, money(cac, api.currency)],
  };
  assert.deepEqual(Object.keys(shown), Object.keys(expected));
  for (const [k, [value, text]] of Object.entries(expected)) {
    assert.equal(shown[k]!.value, value === null ? '' : String(value), `${k} value`);
    assert.equal(shown[k]!.text, text, `${k} text`);
    if (k !== 'cac') {
      const c = api.change?.[k] ?? null;
      assert.equal(shown[k]!.change, c === null ? '' : String(c), `${k} change`);
    }
  }
}

test(
  'sign in, overview equals the API, date range by URL and back, switch workspace, channels totals',
  { timeout: 100_000 },
  async () => {
    const context = await suite.browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      const ws = suite.s.workspace.id;
      const first = `/overview?workspace=${ws}&from=2026-03-01&to=2026-03-07`;
      await page.goto(`${suite.s.base}${first}`);
      // signed out: the sign-in form, which returns to the page asked for
      await page.waitForURL(/\/login\?next=/);
      await page.getByLabel('E-mail').fill('owner@acme.test');
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      assert.match((await page.getByRole('alert').textContent()) ?? '', /do not match/);
      await page.getByLabel('Password').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${suite.s.base}${first}`);

      const week = await overviewOf('from=2026-03-01&to=2026-03-07');
      assert.ok(week.totals.leads! > 0 && week.totals.revenue! > 0 && week.totals.spend! > 0);
      sameAsApi(await cards(page), week);
      // the spend vs revenue chart is drawn (uPlot's canvas), with both series in its legend
      await page.waitForSelector('.chart canvas');
      const legend = await page.$$eval('.chart .u-legend .u-label', (els) =>
        els.map((e) => e.textContent),
      );
      assert.deepEqual(legend.slice(-2), ['Spend', 'Revenue']);
      await shots(page, 'overview');

      // another range, by URL: the numbers are that range's
      await page.goto(`${suite.s.base}/overview?workspace=${ws}&from=2026-03-04&to=2026-03-05`);
      await page.waitForSelector('.range-note[data-range="2026-03-04..2026-03-05"]');
      const two = await overviewOf('from=2026-03-04&to=2026-03-05');
      assert.notEqual(two.totals.leads, week.totals.leads);
      sameAsApi(await cards(page), two);
      // the date inputs show the URL's range; changing one moves the URL without a reload
      assert.equal(await page.getByLabel('From').inputValue(), '2026-03-04');
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
      await page.getByLabel('From').fill('2026-03-02');
      await page.getByLabel('From').dispatchEvent('change');
      await page.waitForSelector('.range-note[data-range="2026-03-02..2026-03-05"]');
      sameAsApi(await cards(page), await overviewOf('from=2026-03-02&to=2026-03-05'));
      assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1);
      // back: the range before, its numbers again
      await page.goBack();
      await page.waitForSelector('.range-note[data-range="2026-03-04..2026-03-05"]');
      sameAsApi(await cards(page), two);

      // a custom comparison period: the changes are against those days
      await page.getByLabel('Compare to').selectOption('custom');
      await page.getByLabel('Comparison from').fill('2026-02-24');
      await page.getByLabel('Comparison from').dispatchEvent('change');
      await page.getByLabel('Comparison until').fill('2026-02-26');
      await page.getByLabel('Comparison until').dispatchEvent('change');
      await page.waitForURL(/compare=2026-02-24\.\.2026-02-26/);
      const custom = await overviewOf(
        'from=2026-03-04&to=2026-03-05&compare=2026-02-24..2026-02-26',
      );
      assert.notDeepEqual(custom.change, two.change);
      await page.waitForFunction(
        (c) =>
          document
            .querySelector('.kpi[data-metric="leads"] .delta')
            ?.getAttribute('data-change') === c,
        custom.change?.leads === null || custom.change?.leads === undefined
          ? ''
          : String(custom.change.leads),
      );
      sameAsApi(await cards(page), custom);
      // the card names the comparison's own figure and days
      const vs = page.locator('.kpi[data-metric="leads"] .delta .vs');
      assert.equal(
        await vs.locator('.previous').getAttribute('data-previous'),
        String(custom.previous!.leads),
      );
      assert.match((await vs.textContent()) ?? '', /in 2026-02-24 to 2026-02-26/);
      await page.getByLabel('Compare to').selectOption('');
      await page.waitForURL((u) => !u.search.includes('compare='));

      // the switcher lists the user's workspaces; another one's overview is its own (empty)
      const { workspace: other } = await createWorkspace(suite.s.store, {
        name: 'Second',
        currency: 'USD',
        timezone: 'UTC',
      });
      await page.reload();
      await page.getByLabel('Workspace').selectOption(other.id);
      await page.waitForURL(new RegExp(`workspace=${other.id}`));
      await page.waitForSelector('.kpi[data-metric="leads"][data-value="0"]');
      assert.equal(await page.locator('.kpi[data-metric="spend"]').getAttribute('data-value'), '0');

      // channels: the performance report by channel, its totals and a drill into one channel
      await page.getByLabel('Workspace').selectOption(ws);
      await page.getByRole('link', { name: 'Channels' }).click();
      await page.waitForSelector('table.report[data-dimension="channel"] tfoot');
      const perf = (await (
        await clientFor(suite.s).api(
          '/api/reports/performance?groupBy=channel&from=2026-03-04&to=2026-03-05',
        )
      ).json()) as { totals: Record<string, number | null>; rows: Record<string, unknown>[] };
      for (const col of ['spend', 'sessions', 'leads'])
        assert.equal(
          await page.locator(`tfoot td[data-col="${col}"]`).getAttribute('data-value'),
          String(perf.totals[col]),
          col,
        );
      assert.equal(await page.locator('tbody tr').count(), perf.rows.length);
      // the model, in the URL: the leads credited per channel are that model's
      await page.getByLabel('Model').selectOption('first_touch');
      await page.waitForURL(/model=first_touch/);
      // the table of the report that says it used first touch: the request carried the model
      await page.waitForSelector(
        'table.report[data-dimension="channel"][data-model="first_touch"]',
      );
      const byFirst = (await (
        await clientFor(suite.s).api(
          '/api/reports/performance?groupBy=channel&model=first_touch&from=2026-03-04&to=2026-03-05',
        )
      ).json()) as { model: string; rows: Record<string, unknown>[] };
      assert.equal(byFirst.model, 'first_touch');
      assert.equal(await page.getByLabel('Model').inputValue(), 'first_touch');
      for (const row of byFirst.rows)
        assert.equal(
          await page
            .locator(`tbody tr[data-row="${String(row.channel)}"] td[data-col="leads"]`)
            .getAttribute('data-value'),
          row.leads === null ? '' : String(row.leads),
          `${String(row.channel)} leads under first touch`,
        );
      // a channel's row drills to its campaigns (the same report, filtered to the channel)
      await page.getByRole('link', { name: 'Email' }).click();
      await page.waitForSelector('table.report[data-dimension="campaign"] tfoot');
      assert.match(page.url(), /[?&]channel=Email(&|$)/);
      const email = (await (
        await clientFor(suite.s).api(
          '/api/reports/performance?groupBy=campaign&filter=channel:Email&from=2026-03-04&to=2026-03-05',
        )
      ).json()) as { totals: Record<string, number | null>; rows: Record<string, unknown>[] };
      assert.deepEqual(
        await page.$$eval('tbody tr th', (els) => els.map((e) => e.textContent)),
        email.rows.map((r) => String(r.campaign)),
      );
      assert.equal(
        await page.locator('tfoot td[data-col="sessions"]').getAttribute('data-value'),
        String(email.totals.sessions),
      );
      // sorting by a column is in the URL too
      await page.getByRole('link', { name: /^Sessions/ }).click();
      await page.waitForURL(/sort=sessions/);
      await shots(page, 'channels-campaigns');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  },
);
