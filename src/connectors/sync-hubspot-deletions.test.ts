// Deals deleted in HubSpot reach an incremental sync with no webhook configured: the pass ends on the
// archived deals list, and a deal archived since the cursor gets its `deleted` record (the key a
// deletion webhook would give), one archived before the cursor is not stored again, and a re-run stores
// nothing new.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchedCrmIntake } from '../derive/crm-intake.js';
import { HubSpotSimWriter } from '../sim/hubspot-writer.js';
import { simulate } from '../sim/index.js';
import { withStore } from '../test-helpers/events.js';
import { startHubSpotWorldPortal } from '../test-helpers/hubspot-world-portal.js';
import { secretBox } from '../util/secret-box.js';
import { setConnector } from './settings.js';
import { syncConnector } from './sync.js';

const TOKEN = 'pat-na1-deletions-0a1b2c3d-4e5f-4a6b-8c7d';
const box = secretBox('hubspot-deletions-test-key-0123456789-0123456');
const END = '2026-03-31';
const CUT = Date.parse('2026-03-10T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

test('hubspot incremental sync: a deal archived since the cursor is stored as deleted, once', async () => {
  const hubspot = new HubSpotSimWriter();
  await simulate({ seed: 4, days: 40, visitorsPerDay: 80, end: END, crm: 'demo' }, [
    hubspot,
    { event() {}, async close() {} },
  ]);
  const [gone, old] = hubspot.dealsAt(CUT);
  assert.ok(gone && old, 'the world has deals before the cut');
  const goneAt = Date.parse('2026-03-20T10:00:00.000Z');
  const archived: Array<Record<string, unknown>> = [];
  const portal = await startHubSpotWorldPortal(hubspot, { asOf: CUT, archived: () => archived });
  try {
    await withStore(async (store) => {
      const sync = () =>
        syncConnector(store, box, 'w', 'hubspot', {
          intake: batchedCrmIntake(store, 'w'),
          client: { sleep: async () => {} },
        });
      await setConnector(store, box, 'w', 'hubspot', { apiKey: TOKEN, baseUrl: portal.baseUrl });
      assert.equal((await sync()).status, 'ok');
      const deletedKeys = async () =>
        (await store.crmChanges('w')).filter((c) => c.change === 'deleted').map((c) => c.key);
      assert.deepEqual(await deletedKeys(), []);

      // one deal deleted after the cut, one long before it (a backfill never saw it archived)
      portal.at(undefined);
      archived.push(
        { ...gone, archived: true, archivedAt: iso(goneAt), updatedAt: iso(goneAt) },
        { ...old, archived: true, archivedAt: iso(CUT - 30 * 86_400_000) },
      );
      const second = await sync();
      assert.equal(second.status, 'ok', second.message ?? '');
      const listed = portal.requests.filter(
        (r) =>
          r.url.pathname === '/crm/v3/objects/deals' &&
          r.url.searchParams.get('archived') === 'true',
      );
      assert.equal(listed.length, 1, 'the archived deals are listed once a pass');
      assert.deepEqual(await deletedKeys(), [`hubspot:deal:${String(gone.id)}:deleted:${goneAt}`]);
      const deleted = (await store.crmChanges('w')).find((c) => c.change === 'deleted')!;
      assert.equal(deleted.objectType, 'deal');
      assert.equal(deleted.occurredAt, goneAt);

      const third = await sync();
      assert.equal(third.status, 'ok');
      assert.equal(third.inserted, 0);
    });
  } finally {
    await portal.close();
  }
});
