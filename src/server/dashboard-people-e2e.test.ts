// The dashboard's Model comparison, Journeys and Person pages in real Chromium against a real server (the
// app built by Vite in this test), data put in through the ingestion, ad-cost and CRM import routes
// (people-world.ts): the comparison table and bars are the API's credits under every model, for another
// dimension and another range too, with each model's note; the journeys list is the API's, a search
// narrows it to the API's answer, the CSV links are the API's CSV; the channels page drills
// channel -> campaign -> ad group -> keyword -> "Leads" to the journeys filtered by that path, and a
// person there opens their timeline, which shows the API's sessions, events and CRM changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { MODELS } from '../../web/src/models.js';
import { apiText } from '../test-helpers/dashboard-checks.js';
import { dashboardSuite, screenshots, signedInPage } from '../test-helpers/browser.js';
import { peopleWorld } from '../test-helpers/people-world.js';
import { clientFor } from '../test-helpers/server.js';

const suite = dashboardSuite({
  world: peopleWorld,
  users: [['owner@acme.test', 'owner']],
});

async function apiJson<T>(path: string): Promise<T> {
  const res = await clientFor(suite.s).api(path);
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  return (await res.json()) as T;
}

/** The CSV behind the page's export link, fetched with the page's own cookies. */
async function csvOf(context: BrowserContext, page: Page, selector = 'a.csv'): Promise<string> {
  const href = await page.locator(selector).first().getAttribute('href');
  assert.ok(href && href.includes('format=csv'), `csv link ${href}`);
  const res = await context.request.get(`${suite.s.base}${href}`);
  assert.equal(res.status(), 200);
  return res.text();
}

interface Comparison {
  milestone: string;
  models: Record<string, { key: Record<string, string | null>; conversions: number }[]>;
}

/** The comparison table's cells (row -> model -> data-value) and totals. */
async function comparisonTable(page: Page, dim: string) {
  await page.waitForSelector(`table.report[data-dimension="${dim}"] tfoot`);
  return page.$$eval('table.report[data-dimension] tbody tr', (rows) =>
    Object.fromEntries(
      rows.map((r) => [
        r.getAttribute('data-row')!,
        Object.fromEntries(
          Array.from(r.querySelectorAll('td[data-col]')).map((td) => [
            td.getAttribute('data-col')!,
            Number(td.getAttribute('data-value')),
          ]),
        ),
      ]),
    ),
  );
}

function expectedTable(api: Comparison, dim: string) {
  const out: Record<string, Record<string, number>> = {};
  for (const [model, rows] of Object.entries(api.models))
    for (const r of rows) {
      const name = r.key[dim] ?? '(none)';
      (out[name] ??= {})[model] = (out[name][model] ?? 0) + r.conversions;
    }
  for (const row of Object.values(out))
    for (const model of Object.keys(api.models)) row[model] ??= 0;
  return out;
}

test(
  'model comparison: bars and table equal the API under every model, by dimension and range; notes; CSV',
  { timeout: 60_000 },
  async () => {
    const { context, page, errors } = await signedInPage(
      suite.browser,
      suite.s.base,
      'owner@acme.test',
    );
    try {
      const ws = suite.s.workspace.id;
      await page.goto(
        `${suite.s.base}/model-comparison?workspace=${ws}&from=2026-03-01&to=2026-03-07`,
      );
      const api = await apiJson<Comparison>(
        '/api/reports/model-comparison?groupBy=channel&from=2026-03-01&to=2026-03-07',
      );
      const models = Object.keys(api.models);
      assert.ok(models.length >= 5, 'several models');
      const shown = await comparisonTable(page, 'channel');
      const expected = expectedTable(api, 'channel');
      assert.ok(Object.keys(expected).length >= 2, 'two channels at least');
      assert.deepEqual(shown, expected);
      // the header names every model; the bars are drawn with a series per model
      const headers = await page.$$eval('table.report[data-dimension] thead th', (els) =>
        els.map((e) => e.textContent!.replace(/ [▲▼]$/, '')),
      );
      assert.equal(headers.length, models.length + 1);
      await page.waitForSelector('.chart.bars canvas');
      const legend = await page.$$eval('.chart.bars .u-legend .u-series', (els) =>
        els.map((e) => e.textContent),
      );
      assert.equal(legend.length, models.length + 1, JSON.stringify(legend));
      // the data-driven models' fitted scores (Markov's removal effects), as the API gives them
      const fits = await apiJson<{ fits: { model: string; channel: string; score: number }[] }>(
        '/api/reports/attribution-fits',
      );
      assert.ok(fits.fits.some((f) => f.model === 'markov'));
      const fitCells = await page.$$eval('table[data-table="fits"] tbody tr', (rows) =>
        rows.flatMap((r) =>
          Array.from(r.querySelectorAll('td[data-col]')).flatMap((td) =>
            td.getAttribute('data-value') === ''
              ? []
              : [
                  [
                    td.getAttribute('data-col')!,
                    r.getAttribute('data-row')!,
                    Number(td.getAttribute('data-value')),
                  ],
                ],
          ),
        ),
      );
      const byKey = (a: unknown[], b: unknown[]) =>
        JSON.stringify(a) < JSON.stringify(b) ? -1 : 1;
      assert.deepEqual(
        fitCells.sort(byKey),
        fits.fits.map((f) => [f.model, f.channel, f.score]).sort(byKey),
      );
      // each model's plain-words note
      for (const m of MODELS.filter((x) => models.includes(x.name)))
        assert.equal(
          await page.locator(`.model-notes [data-model="${m.name}"] dd`).textContent(),
          m.assumes,
        );
      assert.equal(await page.locator('.model-notes [data-model]').count(), models.length);
      // the CSV is the API's
      assert.equal(
        await csvOf(context, page),
        await apiText(
          suite.s,
          '/api/reports/model-comparison?groupBy=channel&from=2026-03-01&to=2026-03-07&format=csv',
        ),
      );
      await screenshots(page, 'model-comparison');

      // another dimension, by the select (in the URL)
      await page.getByLabel('Compare by').selectOption('campaign');
      await page.waitForURL(/dimension=campaign/);
      const byCampaign = await apiJson<Comparison>(
        '/api/reports/model-comparison?groupBy=campaign&from=2026-03-01&to=2026-03-07',
      );
      assert.deepEqual(
        await comparisonTable(page, 'campaign'),
        expectedTable(byCampaign, 'campaign'),
      );

      // another range: the numbers change to that range's
      await page.getByLabel('From').fill('2026-03-04');
      await page.getByLabel('From').dispatchEvent('change');
      await page.waitForURL(/from=2026-03-04/);
      const later = await apiJson<Comparison>(
        '/api/reports/model-comparison?groupBy=campaign&from=2026-03-04&to=2026-03-07',
      );
      const want = expectedTable(later, 'campaign');
      assert.notDeepEqual(want, expectedTable(byCampaign, 'campaign'));
      await page.waitForFunction(
        (n) => document.querySelector('.range-note')?.textContent?.includes(n),
        'from 2026-03-04',
      );
      assert.deepEqual(await comparisonTable(page, 'campaign'), want);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  },
);

interface Journeys {
  total: number;
  persons: {
    personId: string;
    email: string | null;
    touchCount: number;
    path: { channel: string }[];
  }[];
}

/** The journeys list as the page shows it: person id, e-mail, touches, path chips. */
async function journeysList(page: Page, total: number) {
  await page.waitForSelector(`.range-note[data-total="${total}"]`);
  return page.$$eval('table.people tbody tr', (rows) =>
    rows.map((r) => ({
      personId: r.getAttribute('data-person'),
      email: r.querySelector('th a')!.textContent,
      touchCount: Number(r.querySelector('td[data-col="touchCount"]')!.getAttribute('data-value')),
      path: Array.from(r.querySelectorAll('li.chip')).map((c) => c.getAttribute('data-channel')),
    })),
  );
}

const expectedList = (api: Journeys) =>
  api.persons.map((p) => ({
    personId: p.personId,
    email: p.email ?? p.personId,
    touchCount: p.touchCount,
    path: p.path.map((t) => t.channel),
  }));

test(
  'journeys: the list is the API’s, search and milestone narrow it, CSV; drill from channels to a person’s timeline',
  { timeout: 80_000 },
  async () => {
    const { context, page, errors } = await signedInPage(
      suite.browser,
      suite.s.base,
      'owner@acme.test',
    );
    try {
      const ws = suite.s.workspace.id;
      const range = 'from=2026-03-01&to=2026-03-07';
      await page.goto(`${suite.s.base}/journeys?workspace=${ws}&${range}`);
      const all = await apiJson<Journeys>(`/api/reports/journeys?${range}&limit=25`);
      assert.ok(all.total >= 5);
      assert.deepEqual(await journeysList(page, all.total), expectedList(all));
      assert.equal(
        await csvOf(context, page),
        await apiText(suite.s, `/api/reports/journeys?milestone=lead&${range}&limit=25&format=csv`),
      );
      await screenshots(page, 'journeys');

      // search: the list narrows to the API's answer (and the search is in the URL)
      await page.getByLabel('Search').fill('petra');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL(/search=petra/);
      const found = await apiJson<Journeys>(`/api/reports/journeys?${range}&search=petra&limit=25`);
      assert.equal(found.total, 1);
      assert.deepEqual(await journeysList(page, 1), expectedList(found));
      // the milestone select: customers (p1's won deal)
      await page.getByRole('link', { name: 'Clear search' }).click();
      await page.getByLabel('Show').selectOption('customer');
      await page.waitForURL(/milestone=customer/);
      const customers = await apiJson<Journeys>(
        `/api/reports/journeys?${range}&milestone=customer&limit=25`,
      );
      assert.equal(customers.total, 1);
      assert.deepEqual(await journeysList(page, 1), expectedList(customers));

      // the drill: channels -> Paid Search -> Brand -> ad group 777 -> keyword -> its leads
      await page.goto(`${suite.s.base}/channels?workspace=${ws}&${range}`);
      await page.waitForSelector('table.report[data-dimension="channel"] tfoot');
      await page.getByRole('link', { name: 'Paid Search', exact: true }).click();
      await page.waitForSelector('table.report[data-dimension="campaign"] tfoot');
      await page.getByRole('link', { name: 'Brand', exact: true }).click();
      await page.waitForSelector('table.report[data-dimension="adGroup"] tfoot');
      await page.getByRole('link', { name: '777', exact: true }).click();
      await page.waitForSelector('table.report[data-dimension="keyword"] tfoot');
      await page
        .locator('tbody tr[data-row="crm software"]')
        .getByRole('link', { name: /Leads/ })
        .click();
      await page.waitForURL(/\/journeys\?/);
      const url = new URL(page.url());
      assert.deepEqual(
        ['channel', 'campaign', 'adGroup', 'keyword'].map((k) => url.searchParams.get(k)),
        ['Paid Search', 'Brand', '777', 'crm software'],
      );
      const drilled = await apiJson<Journeys>(
        `/api/reports/journeys?${range}&limit=25&channel=Paid%20Search&campaign=Brand&adGroup=777&keyword=crm%20software`,
      );
      assert.equal(drilled.total, 1);
      assert.equal(drilled.persons[0]!.email, 'p7@acme.test');
      assert.deepEqual(await journeysList(page, 1), expectedList(drilled));
      // the active filters are shown, each removable
      assert.deepEqual(
        await page.$$eval('.active-filters li', (els) =>
          els.map((e) => [e.getAttribute('data-filter'), e.getAttribute('data-value')]),
        ),
        [
          ['channel', 'Paid Search'],
          ['campaign', 'Brand'],
          ['adGroup', '777'],
          ['keyword', 'crm software'],
        ],
      );
      await page.getByRole('link', { name: 'Remove the keyword filter' }).click();
      const byGroup = await apiJson<Journeys>(
        `/api/reports/journeys?${range}&limit=25&channel=Paid%20Search&campaign=Brand&adGroup=777`,
      );
      assert.deepEqual(await journeysList(page, byGroup.total), expectedList(byGroup));
      await page.goBack();
      await journeysList(page, 1);

      // the person's timeline: the API's sessions, events and milestones, in its order
      const p7 = drilled.persons[0]!.personId;
      await page.getByRole('link', { name: 'p7@acme.test' }).click();
      await page.waitForURL(/\/person\?/);
      assert.equal(new URL(page.url()).searchParams.get('id'), p7);
      await checkTimeline(page, p7);
      await screenshots(page, 'person');

      // p1's timeline holds the CRM side: the deal's changes and the customer's value
      const p1 = (await apiJson<Journeys>(`/api/reports/journeys?${range}&search=p1%40acme`))
        .persons[0]!.personId;
      await page.goto(`${suite.s.base}/person?workspace=${ws}&id=${encodeURIComponent(p1)}`);
      const j1 = await checkTimeline(page, p1);
      assert.ok(j1.timeline.some((i) => i.kind === 'crm'));
      assert.ok(j1.timeline.some((i) => i.kind === 'milestone' && i.milestone === 'customer'));
      assert.match(
        (await page.locator('li[data-kind="crm"]').last().textContent()) ?? '',
        /\$1,000\.00/,
      );
      await screenshots(page, 'person-customer');

      // an unknown person: the API's 404 as the page's error
      await page.goto(`${suite.s.base}/person?workspace=${ws}&id=p_nobody`);
      await page.getByRole('alert').waitFor();
      assert.match((await page.getByRole('alert').textContent()) ?? '', /no person p_nobody/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  },
);

interface Journey {
  personId: string;
  identifiers: { kind: string; value: string }[];
  timeline: (
    | { kind: 'session'; at: string; session: { sessionId: string }; pages: unknown[] }
    | { kind: 'event'; at: string; type: string }
    | { kind: 'milestone'; at: string; milestone: string }
    | { kind: 'crm' | 'identity' | 'revenue'; at: string }
  )[];
}

/** The page's timeline equals the API's journey: every item, its kind and time, sessions by id. */
async function checkTimeline(page: Page, personId: string): Promise<Journey> {
  const api = await apiJson<Journey>(`/api/people/${encodeURIComponent(personId)}/journey`);
  await page.waitForSelector('.timeline li.item');
  const shown = await page.$$eval('.timeline li.item', (els) =>
    els.map((e) => [
      e.getAttribute('data-kind'),
      e.getAttribute('data-at'),
      e.getAttribute('data-session') ?? e.getAttribute('data-type'),
    ]),
  );
  assert.deepEqual(
    shown,
    api.timeline.map((i) => [
      i.kind,
      i.at,
      i.kind === 'session' ? i.session.sessionId : i.kind === 'event' ? i.type : null,
    ]),
  );
  assert.ok(api.timeline.some((i) => i.kind === 'session'));
  // the strip above the list: a tick per item on one time axis
  assert.equal(await page.locator('.strip rect').count(), api.timeline.length);
  // the identifiers, and one day heading per day of the timeline
  assert.deepEqual(
    await page.$$eval('.identifiers li', (els) => els.map((e) => e.getAttribute('data-kind'))),
    api.identifiers.map((x) => x.kind),
  );
  assert.deepEqual(
    await page.$$eval('.timeline section.day', (els) => els.map((e) => e.getAttribute('data-day'))),
    [...new Set(api.timeline.map((i) => i.at.slice(0, 10)))],
  );
  return api;
}
