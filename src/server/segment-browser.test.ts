// Segment's own browser library (@segment/analytics-next), unchanged, in real Chromium, pointed at our
// host: every event it sends is stored. Nothing may reach Segment (the network is closed anyway).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../test-helpers/server.js';
import { bundleForBrowser, startSdkSite, type SdkSite } from '../test-helpers/browser-sdk.js';

let s: TestServer;
let site: SdkSite;

before(async () => {
  // a low rate limit, so some sends get a 429 and analytics.js retries them (with its X-Retry-Count header)
  s = await startTestServer({ ingestRateLimit: 3 });
  site = await startSdkSite(
    await bundleForBrowser(
      `import { AnalyticsBrowser } from '@segment/analytics-next'; window.AnalyticsBrowser = AnalyticsBrowser;`,
    ),
  );
});

after(async () => {
  await site?.close();
  await s?.close();
});

/** Waits until every id is stored for the workspace (or fails naming the missing ones). */
async function storedAll(ids: string[]) {
  for (let i = 0; i < 300; i++) {
    await s.app.ingest.flush();
    const events = await s.store.queryEvents(s.workspace.id, { limit: 10_000 });
    const byId = new Map(events.map((e) => [e.messageId, e]));
    if (ids.every((id) => byId.has(id))) return ids.map((id) => byId.get(id)!);
    await new Promise((r) => setTimeout(r, 100));
  }
  const have = new Set(
    (await s.store.queryEvents(s.workspace.id, { limit: 10_000 })).map((e) => e.messageId),
  );
  throw new Error(`not stored: ${ids.filter((id) => !have.has(id)).join(', ')}`);
}

function onlyLocal(requests: { url: string }[]): void {
  const elsewhere = requests.filter(
    (r) => !r.url.startsWith(s.base) && !r.url.startsWith(site.origin),
  );
  assert.deepEqual(
    elsewhere.map((r) => r.url),
    [],
    'every request went to the site or to our host',
  );
}

test(
  'analytics.js, default delivery, settings from our host (cdnURL): page, identify, tracks, group, alias all stored; 429s retried',
  { timeout: 120_000 },
  async () => {
    const { context, page, requests } = await site.open();
    try {
      const ids = await page.evaluate(
        async ({ writeKey, base }) => {
          const { AnalyticsBrowser } = window as unknown as {
            AnalyticsBrowser: {
              load(
                s: object,
                o?: object,
              ): Record<string, (...a: unknown[]) => Promise<{ event: { messageId: string } }>>;
            };
          };
          const analytics = AnalyticsBrowser.load({ writeKey, cdnURL: base });
          const calls = [
            analytics.page!('Home', { url: 'https://shop.test/?utm_source=news' }),
            analytics.identify!('user-seg-1', { email: 'ada@example.com' }),
            ...[1, 2, 3, 4, 5].map((n) => analytics.track!('Product Viewed', { sku: `sku-${n}` })),
            analytics.group!('acme', { name: 'Acme' }),
            analytics.alias!('user-seg-1', 'anon-seg-1'),
          ];
          return (await Promise.all(calls)).map((ctx) => ctx.event.messageId);
        },
        { writeKey: s.workspace.writeKey, base: s.base },
      );
      assert.equal(ids.length, 9);
      const stored = await storedAll(ids);
      assert.deepEqual(
        stored.map((e) => e.type),
        ['page', 'identify', 'track', 'track', 'track', 'track', 'track', 'group', 'alias'],
      );
      assert.deepEqual(
        stored.slice(2, 7).map((e) => (e.properties as { sku: string }).sku),
        ['sku-1', 'sku-2', 'sku-3', 'sku-4', 'sku-5'],
      );
      assert.equal(stored[1]!.userId, 'user-seg-1');
      assert.ok(
        stored.every(
          (e) => (e.context as { library?: { name?: string } }).library?.name === 'analytics.js',
        ),
      );
      const posts = requests.filter((r) => r.method === 'POST' && r.url.startsWith(s.base));
      assert.deepEqual([...new Set(posts.map((r) => new URL(r.url).pathname))].sort(), [
        '/v1/a',
        '/v1/g',
        '/v1/i',
        '/v1/p',
        '/v1/t',
      ]);
      assert.ok(
        requests.some((r) =>
          r.url.startsWith(`${s.base}/v1/projects/${s.workspace.writeKey}/settings`),
        ),
        'settings came from our host',
      );
      assert.ok(
        posts.some((r) => r.headers['x-retry-count'] !== undefined),
        'some sends were retried with X-Retry-Count (allowed by the preflight)',
      );
      onlyLocal(requests);
    } finally {
      await context.close();
    }
  },
);

test(
  'analytics.js, batching delivery with inline cdnSettings and apiHost: every event stored from /v1/b',
  { timeout: 120_000 },
  async () => {
    const { context, page, requests } = await site.open();
    try {
      const apiHost = `${new URL(s.base).host}/v1`;
      const ids = await page.evaluate(
        async ({ writeKey, apiHost }) => {
          const { AnalyticsBrowser } = window as unknown as {
            AnalyticsBrowser: {
              load(
                s: object,
                o?: object,
              ): Record<string, (...a: unknown[]) => Promise<{ event: { messageId: string } }>>;
            };
          };
          const segment = {
            apiKey: writeKey,
            apiHost,
            protocol: 'http',
            deliveryStrategy: { strategy: 'batching', config: { size: 4, timeout: 300 } },
          };
          const analytics = AnalyticsBrowser.load(
            { writeKey, cdnSettings: { integrations: { 'Segment.io': segment } } },
            { integrations: { 'Segment.io': segment } },
          );
          const calls = [
            analytics.page!('Pricing'),
            analytics.identify!('user-seg-2', { email: 'grace@example.com' }),
            ...[1, 2, 3, 4, 5, 6, 7].map((n) => analytics.track!('Batch Event', { n })),
          ];
          return (await Promise.all(calls)).map((ctx) => ctx.event.messageId);
        },
        { writeKey: s.workspace.writeKey, apiHost },
      );
      const stored = await storedAll(ids);
      assert.equal(stored.length, 9);
      assert.deepEqual(
        stored.filter((e) => e.type === 'track').map((e) => (e.properties as { n: number }).n),
        [1, 2, 3, 4, 5, 6, 7],
      );
      const posts = requests.filter((r) => r.method === 'POST' && r.url.startsWith(s.base));
      assert.ok(posts.length >= 2, `${posts.length} batches`);
      assert.ok(
        posts.every((r) => new URL(r.url).pathname === '/v1/b'),
        posts.map((r) => r.url).join(', '),
      );
      onlyLocal(requests);
    } finally {
      await context.close();
    }
  },
);
