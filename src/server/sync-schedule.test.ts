// The connectors' schedule: a check syncs each connector with API credentials whose last sync is older
// than the interval (never synced: due), skips one synced since and one without credentials, and syncs
// again once the interval has passed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setConnector } from '../connectors/settings.js';
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
