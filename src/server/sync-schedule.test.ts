// The connectors' schedule: a check syncs each connector with API credentials whose last sync is older
// than the interval (never synced: due), skips one synced since and one without credentials, and syncs
// again once the interval has passed; an ad platform's connector reads its first 30 days, then the
// restated days before its last one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setConnector } from '../connectors/settings.js';
import { startGoogleAdsAccount } from '../test-helpers/google-ads-account.js';
import { startHubSpotPortal } from '../test-helpers/hubspot-portal.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { secretBox } from '../util/secret-box.js';
import { createWorkspace } from '../workspaces/create.js';
import { startSyncSchedule } from './sync-schedule.js';

const box = secretBox('schedule-test-secret-key-0123456789-0123456789');
const HOUR = 3_600_000;

test('the schedule syncs due connectors with credentials, once an interval', async () => {
  const portal = await startHubSpotPortal({ contacts: 3, companies: 1, deals: 4 });
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  let clock = Date.now();
  const logged: string[] = [];
  const schedule = startSyncSchedule({
    store,
    box,
    intervalMs: 24 * HOUR,
    firstCheckMs: HOUR,
    logger: {
      info: (o: unknown, m?: string) => void logged.push(`${m} ${JSON.stringify(o)}`),
      warn: (o: unknown, m?: string) => void logged.push(`${m} ${JSON.stringify(o)}`),
    } as never,
    now: () => clock,
  });
  try {
    const a = (await createWorkspace(store, { name: 'A', currency: 'USD', timezone: 'UTC' }))
      .workspace.id;
    const b = (await createWorkspace(store, { name: 'B', currency: 'USD', timezone: 'UTC' }))
      .workspace.id;
    await setConnector(store, box, a, 'hubspot', {
      apiKey: 'pat-na1-sched',
      baseUrl: portal.baseUrl,
    });
    await setConnector(store, box, b, 'hubspot', { webhookSecret: 'app-secret-only' });
    await setConnector(store, box, b, 'stripe', { webhookSecret: 'whsec_sched_only_0123456789' });

    assert.deepEqual(await schedule.tick(), [`${a}/hubspot`]);
    assert.equal((await store.getConnector(a, 'hubspot'))!.lastSync?.status, 'ok');
    assert.ok((await store.crmChanges(a)).length > 0);
    clock += 23 * HOUR;
    assert.deepEqual(await schedule.tick(), [], 'synced less than an interval ago');
    clock += 2 * HOUR;
    assert.deepEqual(await schedule.tick(), [`${a}/hubspot`]);
    assert.ok(logged.every((l) => !l.includes('pat-na1-sched')));
  } finally {
    schedule.stop();
    await store.close();
    cleanup();
    await portal.close();
  }
});

test('the schedule syncs an ad platform connector: the last 30 days first, then from a few days before its last day', async () => {
  const g = await startGoogleAdsAccount();
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  let clock = Date.now();
  const schedule = startSyncSchedule({
    store,
    box,
    intervalMs: 24 * HOUR,
    firstCheckMs: HOUR,
    logger: { info: () => undefined, warn: () => undefined } as never,
    now: () => clock,
  });
  try {
    const ws = (await createWorkspace(store, { name: 'Ads', currency: 'USD', timezone: 'UTC' }))
      .workspace.id;
    await setConnector(store, box, ws, 'google-ads', {
      developerToken: 'DEVTOKEN-sched',
      clientId: 'sched.apps.googleusercontent.com',
      refreshToken: '1//sched-refresh',
      customerId: '1234567890',
      baseUrl: g.baseUrl,
      tokenUrl: g.tokenUrl,
    });
    assert.deepEqual(await schedule.tick(), [`${ws}/google-ads`]);
    const c = await store.getConnector(ws, 'google-ads');
    assert.equal(c?.lastSync?.status, 'ok', c?.lastSync?.message ?? '');
    // the schedule's sync runs on the real clock: the 30 days before today
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const first = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const rows = await store.adCosts(ws, { from: first, to: yesterday });
    assert.equal(rows.length, 30 * 4);
    assert.equal(
      rows.reduce((s, r) => s + r.costMicros, 0),
      g.spend(first, yesterday),
    );
    const before = g.queries.length;
    clock += 25 * HOUR;
    assert.deepEqual(await schedule.tick(), [`${ws}/google-ads`]);
    // the second run reads the restated days only
    const restated = new Date(Date.now() - 4 * 86_400_000).toISOString().slice(0, 10);
    assert.ok(
      g.queries.slice(before).every((q) => q.endsWith(`${restated}..${yesterday}`)),
      g.queries.slice(before).join('; '),
    );
    assert.equal(
      (await store.adCosts(ws, { from: first, to: yesterday })).reduce(
        (s, r) => s + r.costMicros,
        0,
      ),
      g.spend(first, yesterday),
    );
  } finally {
    schedule.stop();
    await store.close();
    cleanup();
    await g.close();
  }
});
