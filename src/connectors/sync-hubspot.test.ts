// HubSpot's sync against a generated portal on the replay server, on the test engine's store: pages
// across every list, a 429 with Retry-After and a 5xx retried, a failure on page 3 resumed from page 3
// with the same facts as an uninterrupted run, a re-run that adds nothing, and the status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchedCrmIntake } from '../derive/crm-intake.js';
import { rebuild } from '../derive/derive.js';
import { person, reached } from '../test-helpers/crm-records.js';
import { add, identify, page, withStore as withEventStore } from '../test-helpers/events.js';
import { json, startReplay, type ReplayRequest } from '../test-helpers/replay-server.js';
import {
  companyObject,
  contactObject,
  dealObject,
  portalAnswer,
  startHubSpotPortal,
  type PortalRequest,
} from '../test-helpers/hubspot-portal.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import type { Store } from '../store/store.js';
import { secretBox } from '../util/secret-box.js';
import { createWorkspace } from '../workspaces/create.js';
import { openConnector, setConnector } from './settings.js';
import { syncConnector, type SyncClientOptions } from './sync.js';

const TOKEN = 'pat-na1-sync-0a1b2c3d-4e5f-4a6b-8c7d';
const box = secretBox('sync-test-secret-key-0123456789-0123456789');
// 7 contacts, 2 companies, 12 deals; pages of 3 (deals: 3 with history), so deals have 4 pages
const PORTAL = { contacts: 7, companies: 2, deals: 12 };

async function withStore(run: (store: Store) => Promise<void>) {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    await run(store);
  } finally {
    await store.close();
    cleanup();
  }
}

async function workspaceWith(store: Store, baseUrl: string) {
  const { workspace } = await createWorkspace(store, {
    name: 'Sync',
    currency: 'USD',
    timezone: 'UTC',
  });
  await setConnector(store, box, workspace.id, 'hubspot', { apiKey: TOKEN, baseUrl });
  return workspace.id;
}

function sync(store: Store, ws: string, client: SyncClientOptions = {}) {
  return syncConnector(store, box, ws, 'hubspot', {
    intake: batchedCrmIntake(store, ws),
    client: { pageSize: 3, sleep: async () => {}, ...client },
  });
}

const keysOf = async (store: Store, ws: string) =>
  (await store.crmChanges(ws)).map((c) => c.key).sort();
const dealPage = (r: ReplayRequest) =>
  r.url.pathname === '/crm/v3/objects/deals' ? (r.url.searchParams.get('after') ?? '0') : null;

test('hubspot sync: every page of every list, a 429 and a 503 retried; a re-run adds nothing', async () => {
  const waits: number[] = [];
  let n = 0;
  const portal = await startHubSpotPortal(PORTAL, (at: PortalRequest) => {
    // deals page 2 is first throttled (Retry-After: 7), then a 503, then answered
    if (at.list === 'deals' && at.page === 2 && n++ < 2)
      return n === 1
        ? json(429, { category: 'RATE_LIMITS', message: 'slow down' }, { 'retry-after': '7' })
        : json(503, { message: 'unavailable' });
    return undefined;
  });
  try {
    await withStore(async (store) => {
      const ws = await workspaceWith(store, portal.baseUrl);
      const first = await sync(store, ws, { sleep: async (ms) => void waits.push(ms) });
      assert.equal(first.status, 'ok', first.message ?? '');
      assert.equal(first.rows, 7 + 2 + 12);
      assert.ok(waits.includes(7000), `Retry-After honoured: ${waits.join(',')}`);
      // contacts: 7 lead + 3 SQL records; deals: 1+2+3+4 stages per 4 deals, three times
      assert.equal(first.inserted, 7 + 3 + 3 * (1 + 2 + 3 + 4));
      const deals = portal.requests.map(dealPage).filter((p) => p !== null);
      assert.deepEqual(deals, ['0', '3', '3', '3', '6', '9']);
      const keys = await keysOf(store, ws);
      assert.equal(keys.length, first.inserted);
      // milestones were derived: a won deal's customer milestone reached a contact's person
      const c = (await store.getConnector(ws, 'hubspot'))!;
      assert.equal(c.lastSync?.status, 'ok');
      assert.equal(c.lastSync?.rows, 21);
      // the next pass starts at the latest modification the backfill saw
      const latest = Math.max(
        ...[...Array(7).keys()].map((i) => Date.parse(contactObject(i).updatedAt)),
        ...[...Array(2).keys()].map((i) => Date.parse(companyObject(i).updatedAt)),
        ...[...Array(12).keys()].map((i) => Date.parse(dealObject(i).updatedAt)),
      );
      assert.deepEqual(c.cursor, { stage: 'done', after: null, since: latest });

      // the re-run is incremental: it searches, lists only the archived deals, and stores nothing new
      const seen = portal.requests.length;
      const again = await sync(store, ws);
      assert.equal(again.status, 'ok', again.message ?? '');
      assert.equal(again.inserted, 0);
      assert.ok(again.rows > 0 && again.rows < first.rows, `${again.rows} objects read again`);
      const requests = portal.requests.slice(seen);
      const paths = requests.map((r) => `${r.method} ${r.url.pathname}`);
      const lists = requests.filter(
        (r) => r.method === 'GET' && r.url.pathname.startsWith('/crm/v3/objects/'),
      );
      assert.deepEqual(
        lists.map((r) => `${r.url.pathname}?archived=${r.url.searchParams.get('archived')}`),
        ['/crm/v3/objects/deals?archived=true'],
      );
      assert.ok(paths.includes('POST /crm/v3/objects/deals/search'), paths.join());
      assert.deepEqual(await keysOf(store, ws), keys);
    });
  } finally {
    await portal.close();
  }
});

test('hubspot sync: a failure on deals page 3 resumes at page 3; the facts equal an uninterrupted run', async () => {
  let failed = false;
  const portal = await startHubSpotPortal(PORTAL, (at) => {
    if (at.list === 'deals' && at.page === 3 && !failed) {
      failed = true;
      return json(500, { message: 'internal error' });
    }
    return undefined;
  });
  try {
    await withStore(async (store) => {
      const ws = await workspaceWith(store, portal.baseUrl);
      const broken = await sync(store, ws, { maxRetries: 0 });
      assert.equal(broken.status, 'failed');
      assert.match(broken.message ?? '', /500/);
      assert.ok(!(broken.message ?? '').includes(TOKEN));
      const stopped = (await store.getConnector(ws, 'hubspot'))!;
      assert.equal(stopped.lastSync?.status, 'failed');
      const at = stopped.cursor as { mode: string; stage: string; after: string };
      assert.deepEqual([at.mode, at.stage, at.after], ['backfill', 'deals', '6']);
      const partial = (await keysOf(store, ws)).length;
      assert.ok(partial > 0, 'the pages before the failure are stored');

      const seen = portal.requests.length;
      const resumed = await sync(store, ws, { maxRetries: 0 });
      assert.equal(resumed.status, 'ok', resumed.message ?? '');
      // the second run reads no contact or company again and starts at deals page 3
      const lists = portal.requests
        .slice(seen)
        .filter((r) => r.url.pathname.startsWith('/crm/v3/objects/'));
      assert.deepEqual(lists.map(dealPage), ['6', '9']);
      assert.equal(resumed.duplicates, 0, 'nothing stored twice');

      const other = await workspaceWith(store, portal.baseUrl);
      const whole = await sync(store, other);
      assert.equal(whole.status, 'ok');
      assert.deepEqual(await keysOf(store, ws), await keysOf(store, other));
      assert.equal(partial + resumed.inserted, whole.inserted);
    });
  } finally {
    await portal.close();
  }
});

test('sync refusals: no connector, no credential, for Stripe too', async () => {
  await withStore(async (store) => {
    const { workspace } = await createWorkspace(store, {
      name: 'R',
      currency: 'USD',
      timezone: 'UTC',
    });
    const intake = batchedCrmIntake(store, workspace.id);
    await assert.rejects(
      syncConnector(store, box, workspace.id, 'stripe', { intake }),
      (e: Error & { status?: number }) => e.status === 404,
    );
    await setConnector(store, box, workspace.id, 'stripe', {
      webhookSecret: 'whsec_only_0123456789',
    });
    await assert.rejects(
      syncConnector(store, box, workspace.id, 'stripe', { intake }),
      (e: Error & { status?: number }) => e.status === 400 && /no API key/.test(e.message),
    );
    await assert.rejects(
      syncConnector(store, box, workspace.id, 'hubspot', { intake }),
      (e: Error & { status?: number }) => e.status === 404,
    );
    await setConnector(store, box, workspace.id, 'hubspot', { webhookSecret: 'app-secret-xyz' });
    await assert.rejects(
      syncConnector(store, box, workspace.id, 'hubspot', { intake }),
      (e: Error & { status?: number }) => e.status === 400 && /no API credential/.test(e.message),
    );
  });
});

test('hubspot sync of an OAuth app: an access token from the refresh token, the rotated one stored sealed', async () => {
  const grants: URLSearchParams[] = [];
  const portal = await startReplay((req) => {
    if (req.method === 'POST' && req.url.pathname === '/oauth/v1/token') {
      grants.push(new URLSearchParams(req.body));
      return json(200, {
        access_token: 'hs-access-fresh-123456',
        refresh_token: 'hs-refresh-rotated-9876',
        expires_in: 1800,
      });
    }
    if (req.headers.authorization !== 'Bearer hs-access-fresh-123456')
      return json(401, { category: 'EXPIRED_AUTHENTICATION', message: 'expired' });
    return portalAnswer(PORTAL, req)?.answer;
  });
  try {
    await withStore(async (store) => {
      const { workspace } = await createWorkspace(store, {
        name: 'O',
        currency: 'USD',
        timezone: 'UTC',
      });
      await setConnector(store, box, workspace.id, 'hubspot', {
        clientId: 'hs-client-id',
        clientSecret: 'hs-client-secret-abcdef',
        refreshToken: 'hs-refresh-first-5555',
        baseUrl: portal.baseUrl,
      });
      const r = await sync(store, workspace.id);
      assert.equal(r.status, 'ok', r.message ?? '');
      assert.equal(r.rows, 21);
      assert.equal(grants.length, 1);
      assert.equal(grants[0]!.get('refresh_token'), 'hs-refresh-first-5555');
      assert.equal(grants[0]!.get('client_secret'), 'hs-client-secret-abcdef');
      const opened = (await openConnector(store, box, workspace.id, 'hubspot'))!;
      assert.equal(opened.credentials.refreshToken, 'hs-refresh-rotated-9876');
      const stored = JSON.stringify(await store.getConnector(workspace.id, 'hubspot'));
      assert.ok(!stored.includes('hs-refresh-rotated-9876') && !stored.includes('hs-access-fresh'));
    });
  } finally {
    await portal.close();
  }
});

test('hubspot sync: stored a few pages at a time, derived once at the end: a tracked person reaches the won deal', async () => {
  const portal = await startHubSpotPortal(PORTAL);
  try {
    await withEventStore(async (store) => {
      // person3@example.com (contact 1003) visited and identified; deal 3 (contact 1003) was won
      await add(store, [
        page('anon-3', '2026-01-04T09:00:00Z', 'https://acme.io/?utm_source=google&utm_medium=cpc'),
        identify('anon-3', '2026-01-04T09:05:00Z', 'person3@example.com'),
      ]);
      await rebuild(store, 'w');
      await setConnector(store, box, 'w', 'hubspot', { apiKey: TOKEN, baseUrl: portal.baseUrl });
      const real = batchedCrmIntake(store, 'w');
      const calls = { append: 0, derive: 0 };
      const r = await syncConnector(store, box, 'w', 'hubspot', {
        intake: {
          mappingSettings: real.mappingSettings,
          append: (records) => (calls.append++, real.append(records)),
          derive: () => (calls.derive++, real.derive()),
        },
        batchRecords: 20,
        client: { pageSize: 3, sleep: async () => {} },
      });
      assert.equal(r.status, 'ok', r.message ?? '');
      assert.equal(calls.derive, 1);
      assert.ok(calls.append > 1 && calls.append < 9, `${calls.append} stores for 9 pages`);
      const p3 = await person(store, 'email', 'person3@example.com');
      const won = await reached(store, 'customer');
      assert.deepEqual(
        won.map((x) => [x[0], x[2]]),
        [[p3, 1300]],
      );
    });
  } finally {
    await portal.close();
  }
});
