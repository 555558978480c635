// RudderStack's JavaScript SDK (@rudderstack/analytics-js, its build with the plugins bundled), unchanged,
// in real Chromium: its source configuration comes from our host (`configUrl`), its events go to our host
// (the data plane URL), and every event it sends is stored. Nothing may reach RudderStack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../test-helpers/server.js';
import { bundleForBrowser, startSdkSite, type SdkSite } from '../test-helpers/browser-sdk.js';
import type { StoredEvent } from '../store/types.js';

let s: TestServer;
let site: SdkSite;

before(async () => {
  s = await startTestServer({ ingestRateLimit: 0 });
  site = await startSdkSite(
    await bundleForBrowser(
      `import { RudderAnalytics } from '@rudderstack/analytics-js/bundled'; window.RudderAnalytics = RudderAnalytics;`,
    ),
  );
});

after(async () => {
  await site?.close();
  await s?.close();
});

async function storedFor(userId: string, count: number): Promise<StoredEvent[]> {
  for (let i = 0; i < 300; i++) {
    await s.app.ingest.flush();
    const events = await s.store.queryEvents(s.workspace.id, { userId, limit: 1000 });
    if (events.length >= count) return events;
    await new Promise((r) => setTimeout(r, 100));
  }
  const events = await s.store.queryEvents(s.workspace.id, { userId, limit: 1000 });
  throw new Error(
    `${events.length} of ${count} stored for ${userId}: ${events.map((e) => e.type).join(', ')}`,
  );
}

/** Loads the SDK in the page with `options` and sends identify, page, 4 tracks, group, alias as `userId`. */
async function sendAll(
  page: import('playwright-core').Page,
  userId: string,
  options: object,
): Promise<void> {
  await page.evaluate(
    async ({ writeKey, base, userId, options }) => {
      const { RudderAnalytics } = window as unknown as {
        RudderAnalytics: new () => Record<string, (...a: unknown[]) => void>;
      };
      const rudder = new RudderAnalytics();
      await new Promise((resolve) =>
        rudder.load!(writeKey, base, {
          configUrl: base,
          logLevel: 'ERROR',
          onLoaded: resolve,
          ...options,
        }),
      );
      rudder.identify!(userId, { email: `${userId}@example.com` });
      rudder.page!('Docs', 'Install', { path: '/docs/install' });
      for (const n of [1, 2, 3, 4]) rudder.track!('Docs Read', { n });
      rudder.group!('acme', { name: 'Acme' });
      rudder.alias!(`${userId}-new`);
    },
    { writeKey: s.workspace.writeKey, base: s.base, userId, options },
  );
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
  'RudderStack JS SDK, default delivery (one XHR per event, write key in Basic auth): every event stored',
  { timeout: 120_000 },
  async () => {
    const { context, page, requests } = await site.open();
    try {
      await sendAll(page, 'rs-web-1', {});
      // the alias moves the user id: 7 events under the first id, the alias under both
      const stored = await storedFor('rs-web-1', 7);
      assert.deepEqual(stored.map((e) => e.type).sort(), [
        'group',
        'identify',
        'page',
        'track',
        'track',
        'track',
        'track',
      ]);
      assert.deepEqual(
        stored
          .filter((e) => e.type === 'track')
          .map((e) => (e.properties as { n: number }).n)
          .sort(),
        [1, 2, 3, 4],
      );
      assert.equal((await storedFor('rs-web-1-new', 1))[0]!.type, 'alias');
      assert.ok(
        stored.every(
          (e) =>
            (e.context as { library?: { name?: string } }).library?.name ===
            'RudderLabs JavaScript SDK',
        ),
      );
      const posts = requests.filter((r) => r.method === 'POST').map((r) => new URL(r.url).pathname);
      assert.deepEqual([...new Set(posts)].sort(), [
        '/v1/alias',
        '/v1/group',
        '/v1/identify',
        '/v1/page',
        '/v1/track',
      ]);
      assert.ok(
        requests.some((r) => new URL(r.url).pathname === '/sourceConfig/'),
        'the source configuration came from our host',
      );
      onlyLocal(requests);
    } finally {
      await context.close();
    }
  },
);

test(
  'RudderStack JS SDK, batched XHR (/v1/batch) and beacon (/beacon/v1/batch?writeKey=) delivery: every event stored',
  { timeout: 120_000 },
  async () => {
    const batched = await site.open();
    try {
      await sendAll(batched.page, 'rs-web-2', {
        queueOptions: { batch: { enabled: true, maxItems: 3, flushInterval: 300 } },
      });
      assert.equal((await storedFor('rs-web-2', 7)).length, 7);
      assert.equal((await storedFor('rs-web-2-new', 1)).length, 1);
      const posts = batched.requests
        .filter((r) => r.method === 'POST')
        .map((r) => new URL(r.url).pathname);
      assert.ok(posts.length >= 2 && posts.every((p) => p === '/v1/batch'), posts.join(', '));
      onlyLocal(batched.requests);
    } finally {
      await batched.context.close();
    }
    const beacon = await site.open();
    try {
      await sendAll(beacon.page, 'rs-web-3', {
        useBeacon: true,
        beaconQueueOptions: { flushQueueInterval: 300 },
      });
      assert.equal((await storedFor('rs-web-3', 7)).length, 7);
      assert.equal((await storedFor('rs-web-3-new', 1)).length, 1);
      const posts = beacon.requests.filter((r) => r.method === 'POST').map((r) => new URL(r.url));
      assert.ok(
        posts.length >= 1 &&
          posts.every(
            (u) =>
              u.pathname === '/beacon/v1/batch' &&
              u.searchParams.get('writeKey') === s.workspace.writeKey,
          ),
        posts.join(', '),
      );
      onlyLocal(beacon.requests);
    } finally {
      await beacon.context.close();
    }
  },
);
