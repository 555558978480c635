// The realtime page in real Chromium against a real server (the app built by Vite in this test): the
// empty window shows the workspace's snippet, then events sent to /v1/batch during the test appear
// without a reload, with the realtime report's numbers. Health: dashboard-ops-health-e2e.test.ts;
// goals: dashboard-ops-goals-e2e.test.ts. Data: the dashboard world (its events are months old).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { apiJson, sorted, str, tableRows } from '../test-helpers/dashboard-checks.js';
import { dashboardSuite, screenshots, signedInPage } from '../test-helpers/browser.js';
import { dashboardWorld } from '../test-helpers/dashboard-world.js';
import { clientFor } from '../test-helpers/server.js';

const suite = dashboardSuite({
  world: dashboardWorld,
  users: [['owner@acme.test', 'owner']],
});

interface Snapshot {
  visitors: number;
  events: number;
  pageViews: number;
  eventsPerMinute: number;
  perMinute: { events: number }[];
  topPages: { page: string; views: number; visitors: number }[];
  topSources: { source: string; medium: string; channel: string; sessions: number }[];
}

const realtimeKpi = (page: Page, metric: string) =>
  page.locator(`.kpi[data-metric="${metric}"]`).getAttribute('data-value');

test('realtime: events sent during the test appear without a reload, equal to the report', async () => {
  const { context, page, errors } = await signedInPage(
    suite.browser,
    suite.s.base,
    'owner@acme.test',
  );
  try {
    const ws = suite.s.workspace.id;
    // the side navigation's Operations group leads there without a reload
    await page.getByRole('link', { name: 'Realtime' }).click();
    await page.waitForURL(/\/realtime\?/);
    // the world's events are months old: the window is empty, and the page says how to get a first one
    await page.waitForSelector('.kpi[data-metric="events"][data-value="0"]');
    await page.waitForSelector('[data-connection="live"]');
    await page.getByRole('heading', { name: /Check the install/ }).waitFor();
    // the workspace's own snippet and write key, as GET /api/tracker/snippet gives them (the settings
    // work's route; until it is in the app, a placeholder key and this server's tracker path)
    const got = await clientFor(suite.s).api('/api/tracker/snippet');
    assert.ok(got.status === 200 || got.status === 404, `snippet: ${got.status}`);
    const snippet =
      got.status === 200
        ? ((await got.json()) as { writeKey: string; html: string })
        : {
            writeKey: 'YOUR_WRITE_KEY',
            html: `<script defer src="${suite.s.base}/cl.js" data-key="YOUR_WRITE_KEY"></script>`,
          };
    if (got.status === 200) assert.equal(snippet.writeKey, suite.s.workspace.writeKey);
    await page.waitForSelector(
      `.install-hint[data-snippet="${got.status === 200 ? 'workspace' : 'placeholder'}"]`,
    );
    assert.equal(await page.getByLabel('The snippet').textContent(), snippet.html);
    assert.match(
      (await page.getByLabel('A test event').textContent()) ?? '',
      new RegExp(`^curl -u ${snippet.writeKey}: .*${suite.s.base}/v1/batch$`, 's'),
    );
    await screenshots(page, 'realtime-empty');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

    // a first batch: two visitors' page views (one from a Google ad, one direct) and an event
    const now = () => new Date().toISOString();
    const { send } = clientFor(suite.s);
    const page1 = 'https://acme.test/pricing?utm_source=google&utm_medium=cpc&utm_campaign=Brand';
    const first = await send([
      {
        type: 'page',
        messageId: 'rt-1',
        anonymousId: 'rt-a',
        timestamp: now(),
        context: { page: { url: page1 } },
      },
      {
        type: 'page',
        messageId: 'rt-2',
        anonymousId: 'rt-b',
        timestamp: now(),
        context: { page: { url: 'https://acme.test/docs' } },
      },
      {
        type: 'track',
        messageId: 'rt-3',
        anonymousId: 'rt-a',
        timestamp: now(),
        event: 'Signup started',
      },
    ]);
    assert.equal(first.status, 200);
    await page.waitForSelector('.kpi[data-metric="events"][data-value="3"]');
    assert.equal(await realtimeKpi(page, 'visitors'), '2');
    // the hint goes once something arrives
    assert.equal(await page.getByRole('heading', { name: /Check the install/ }).count(), 0);
    // once the sessions are derived, one more event: its snapshot holds the sessions' sources too
    await suite.s.app.ingest.settle();
    const second = await send([
      {
        type: 'track',
        messageId: 'rt-4',
        anonymousId: 'rt-b',
        timestamp: now(),
        event: 'Docs searched',
      },
    ]);
    assert.equal(second.status, 200);
    await page.waitForSelector('.kpi[data-metric="events"][data-value="4"]');
    await suite.s.app.ingest.settle();
    await page.waitForSelector('table[data-table="sources"] tbody tr[data-row="google"]');

    const api = await apiJson<Snapshot>(suite.s, '/api/reports/realtime');
    assert.equal(api.events, 4);
    for (const k of ['visitors', 'events', 'pageViews', 'eventsPerMinute'] as const)
      assert.equal(await realtimeKpi(page, k), String(api[k]), k);
    assert.equal(
      api.perMinute.reduce((n, m) => n + m.events, 0),
      api.events,
    );
    assert.deepEqual(
      sorted(await tableRows(page, 'table[data-table="pages"]', ['page', 'views', 'visitors'])),
      sorted(api.topPages.map((p) => [p.page, str(p.views), str(p.visitors)])),
    );
    assert.deepEqual(
      sorted(
        await tableRows(page, 'table[data-table="sources"]', [
          'source',
          'medium',
          'channel',
          'sessions',
        ]),
      ),
      sorted(api.topSources.map((x) => [x.source, x.medium, x.channel, str(x.sessions)])),
    );
    assert.ok(api.topSources.length > 0);
    await page.waitForSelector('.chart.bars canvas');
    // all of it without a reload
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1);
    // the page's CSV is the report's
    const href = await page.locator('a.csv').getAttribute('href');
    assert.equal(href, `/api/reports/realtime?workspace=${ws}&format=csv`);
    await screenshots(page, 'realtime');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
