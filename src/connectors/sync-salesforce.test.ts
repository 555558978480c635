// Salesforce's sync against the replayed fixtures, on the test engine's store: an expired session
// refreshed (the rotated refresh token stored sealed), the leads' second page by nextRecordsUrl,
// converted-lead links, opportunities with their history and contact roles; a failure on the locator
// page resumed from the locator; a later run incremental from SystemModstamp, adding nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchedCrmIntake } from '../derive/crm-intake.js';
import { json, startReplay } from '../test-helpers/replay-server.js';
import {
  CLIENT_SECRET,
  LOCATOR,
  NEW_TOKEN,
  OLD_TOKEN,
  REFRESH,
  ROTATED,
  fromOf,
  salesforce,
  soqlOf,
} from '../test-helpers/salesforce-replay.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import type { Store } from '../store/store.js';
import { secretBox } from '../util/secret-box.js';
import { createWorkspace } from '../workspaces/create.js';
import { openConnector, setConnector } from './settings.js';
import { syncConnector } from './sync.js';

const box = secretBox('sync-test-secret-key-0123456789-0123456789');

async function setup(baseUrl: string) {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  const { workspace } = await createWorkspace(store, {
    name: 'SF',
    currency: 'USD',
    timezone: 'UTC',
  });
  await setConnector(store, box, workspace.id, 'salesforce', {
    baseUrl,
    loginUrl: baseUrl,
    accessToken: OLD_TOKEN,
    refreshToken: REFRESH,
    clientId: 'consumer-key',
    clientSecret: CLIENT_SECRET,
  });
  const sync = (maxRetries = 2) =>
    syncConnector(store, box, workspace.id, 'salesforce', {
      intake: batchedCrmIntake(store, workspace.id),
      client: { maxRetries, sleep: async () => {} },
    });
  return {
    store,
    ws: workspace.id,
    sync,
    close: async () => {
      await store.close();
      cleanup();
    },
  };
}

const keysOf = async (store: Store, ws: string) =>
  (await store.crmChanges(ws)).map((c) => c.key).sort();

test('salesforce sync: token refresh, nextRecordsUrl, conversions and opportunities; the next run is incremental', async () => {
  const tokens = new Set([NEW_TOKEN]);
  const replay = await startReplay(salesforce(tokens, true));
  const s = await setup(replay.baseUrl);
  try {
    const first = await s.sync();
    assert.equal(first.status, 'ok', first.message ?? '');
    const objects = replay.requests.map(fromOf).filter((o) => o !== '');
    for (const o of ['Lead', 'locator', 'Contact', 'Opportunity', 'OpportunityHistory'])
      assert.ok(objects.includes(o), `${o} read: ${objects.join(',')}`);
    assert.ok(
      replay.requests.some((r) => r.url.pathname === '/services/oauth2/token'),
      'the expired session was refreshed',
    );
    const facts = await s.store.crmChanges(s.ws);
    assert.equal(facts.length, first.inserted);
    assert.ok(
      facts.some((f) => f.change === 'converted'),
      'a converted lead links on',
    );
    assert.ok(facts.some((f) => f.change === 'deal_stage' && f.timeSource === 'history'));
    // the rotated refresh token and the new session are stored, sealed
    const opened = (await openConnector(s.store, box, s.ws, 'salesforce'))!;
    assert.equal(opened.credentials.refreshToken, ROTATED);
    assert.equal(opened.credentials.accessToken, NEW_TOKEN);
    const stored = (await s.store.getConnector(s.ws, 'salesforce'))!;
    assert.ok(!JSON.stringify(stored).includes(ROTATED));
    assert.equal(stored.lastSync?.status, 'ok');

    const seen = replay.requests.length;
    const keys = await keysOf(s.store, s.ws);
    const again = await s.sync();
    assert.equal(again.status, 'ok', again.message ?? '');
    assert.equal(again.inserted, 0);
    assert.deepEqual(await keysOf(s.store, s.ws), keys);
    const leadQuery = replay.requests.slice(seen).find((r) => fromOf(r) === 'Lead');
    assert.match(soqlOf(leadQuery!), /WHERE SystemModstamp >= \d{4}-/);
    assert.ok(
      !replay.requests.slice(seen).some((r) => r.url.pathname === '/services/oauth2/token'),
      'the stored session is used',
    );
  } finally {
    await s.close();
    await replay.close();
  }
});

test('salesforce sync: a failure on the second leads page resumes at its locator', async () => {
  const tokens = new Set([NEW_TOKEN, OLD_TOKEN]);
  const answer = salesforce(tokens);
  let failed = false;
  const replay = await startReplay((req) => {
    if (req.url.pathname.startsWith(LOCATOR) && !failed) {
      failed = true;
      return json(500, [{ message: 'unexpected', errorCode: 'UNKNOWN_EXCEPTION' }]);
    }
    return answer(req);
  });
  const s = await setup(replay.baseUrl);
  try {
    const broken = await s.sync(0);
    assert.equal(broken.status, 'failed');
    const cursor = (await s.store.getConnector(s.ws, 'salesforce'))!.cursor as {
      stage: string;
      nextRecordsUrl: string;
    };
    assert.equal(cursor.stage, 'Lead');
    assert.equal(cursor.nextRecordsUrl, LOCATOR);
    const seen = replay.requests.length;
    const resumed = await s.sync(0);
    assert.equal(resumed.status, 'ok', resumed.message ?? '');
    const queries = replay.requests
      .slice(seen)
      .map(fromOf)
      .filter((o) => /^[A-Z]|locator/.test(o));
    // the org's stages and statuses, then the locator: the first leads page is not read again
    assert.deepEqual(queries.slice(0, 3), ['OpportunityStage', 'LeadStatus', 'locator']);
    assert.ok(!queries.includes('Lead'));
  } finally {
    await s.close();
    await replay.close();
  }
});
