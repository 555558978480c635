// Pipedrive's sync against the replayed fixtures (v2 cursors, v1 changelogs), on the test engine's
// store: a 429 with Retry-After waited out, a failure on the second deals page resumed there (the
// pipelines and stages read again, persons not), and a re-run that adds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchedCrmIntake } from '../derive/crm-intake.js';
import { pipedriveFixture, type PipedriveFixture } from '../test-helpers/pipedrive-fixtures.js';
import { json, startReplay, type ReplayRequest } from '../test-helpers/replay-server.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { secretBox } from '../util/secret-box.js';
import { createWorkspace } from '../workspaces/create.js';
import { setConnector } from './settings.js';
import { syncConnector } from './sync.js';

const TOKEN = '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b';
const box = secretBox('sync-test-secret-key-0123456789-0123456789');

const PAGES: Record<string, PipedriveFixture> = {
  '/api/v2/pipelines?': 'api.v2.pipelines',
  '/api/v2/stages?': 'api.v2.stages.page1',
  '/api/v2/stages?eyJpZCI6NX0': 'api.v2.stages.page2',
  '/api/v2/persons?': 'api.v2.persons.page1',
  '/api/v2/persons?eyJpZCI6MTAyfQ': 'api.v2.persons.page2',
  '/api/v2/deals?': 'api.v2.deals.page1',
  '/api/v2/deals?eyJpZCI6NDUwMX0': 'api.v2.deals.page2',
  '/v1/deals/4500/changelog?': 'api.v1.changelog.4500.page1',
  '/v1/deals/4500/changelog?Y2w6NDUwMDoy': 'api.v1.changelog.4500.page2',
  '/v1/deals/4501/changelog?': 'api.v1.changelog.4501',
  '/v1/deals/4502/changelog?': 'api.v1.changelog.4502',
};
const pageOf = (r: ReplayRequest) => `${r.url.pathname}?${r.url.searchParams.get('cursor') ?? ''}`;

test('pipedrive sync: pages, a 429 waited out, a failure on deals page 2 resumed there, a re-run adds nothing', async () => {
  const once = new Set<string>();
  const replay = await startReplay((req) => {
    const page = pageOf(req);
    if (req.headers['x-api-token'] !== TOKEN) return json(401, { success: false, error: 'token' });
    if (page === '/api/v2/persons?eyJpZCI6MTAyfQ' && !once.has(page)) {
      once.add(page);
      return json(429, { success: false, error: 'Too many requests' }, { 'retry-after': '3' });
    }
    if (page === '/api/v2/deals?eyJpZCI6NDUwMX0' && !once.has(page)) {
      once.add(page);
      return json(500, { success: false, error: 'internal' });
    }
    const name = PAGES[page];
    return name ? json(200, pipedriveFixture(name)) : json(404, { success: false, error: 'none' });
  });
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    const { workspace } = await createWorkspace(store, {
      name: 'PD',
      currency: 'USD',
      timezone: 'UTC',
    });
    const ws = workspace.id;
    await setConnector(store, box, ws, 'pipedrive', { apiKey: TOKEN, baseUrl: replay.baseUrl });
    const waits: number[] = [];
    let stored: { stage: string; cursor: string | null; updatedSince: string | null } | undefined;
    const where = () => [stored!.stage, stored!.cursor, stored!.updatedSince];
    const read = async () => {
      stored = (await store.getConnector(ws, 'pipedrive'))!.cursor as typeof stored;
    };
    const sync = () =>
      syncConnector(store, box, ws, 'pipedrive', {
        intake: batchedCrmIntake(store, ws),
        client: { maxRetries: 1, sleep: async (ms) => void waits.push(ms) },
      });
    // with no retries, the 429 on persons page 2 stops the first run and the 500 on deals page 2 the second
    const broken = await syncConnector(store, box, ws, 'pipedrive', {
      intake: batchedCrmIntake(store, ws),
      client: { maxRetries: 0, sleep: async (ms) => void waits.push(ms) },
    });
    assert.equal(broken.status, 'failed', 'the 429 is not retried with no retries left');
    await read();
    assert.deepEqual(where(), ['persons', 'eyJpZCI6MTAyfQ', null]);
    const seen = replay.requests.length;
    const resumed = await syncConnector(store, box, ws, 'pipedrive', {
      intake: batchedCrmIntake(store, ws),
      client: { maxRetries: 0, sleep: async (ms) => void waits.push(ms) },
    });
    assert.equal(resumed.status, 'failed', 'deals page 2 fails once');
    await read();
    assert.deepEqual(where(), ['deals', 'eyJpZCI6NDUwMX0', null]);
    const lists = replay.requests
      .slice(seen)
      .map(pageOf)
      .filter((p) => p.startsWith('/api/v2/'));
    assert.deepEqual(lists, [
      '/api/v2/pipelines?',
      '/api/v2/stages?',
      '/api/v2/stages?eyJpZCI6NX0',
      '/api/v2/persons?eyJpZCI6MTAyfQ',
      '/api/v2/deals?',
      '/api/v2/deals?eyJpZCI6NDUwMX0',
    ]);
    const seen2 = replay.requests.length;
    const done = await sync();
    assert.equal(done.status, 'ok', done.message ?? '');
    assert.ok(done.inserted > 0);
    assert.equal(
      replay.requests
        .slice(seen2)
        .map(pageOf)
        .filter((p) => p.startsWith('/api/v2/persons')).length,
      0,
      'persons are not read again',
    );
    const keys = (await store.crmChanges(ws)).map((c) => c.key).sort();
    assert.ok(keys.some((k) => k.startsWith('pipedrive:contact:')));
    assert.ok(keys.some((k) => k.startsWith('pipedrive:deal:')));

    const finished = (await store.getConnector(ws, 'pipedrive'))!.cursor as {
      stage: string;
      passStartedAt: string;
    };
    assert.equal(finished.stage, 'done');

    // the next pass is incremental: persons and deals updated since the last pass began; and a 429
    // with retries left waits as Retry-After says
    once.delete('/api/v2/persons?eyJpZCI6MTAyfQ');
    const seen3 = replay.requests.length;
    const again = await sync();
    const since = (path: string) =>
      replay.requests
        .slice(seen3)
        .filter((r) => r.url.pathname === path)
        .map((r) => r.url.searchParams.get('updated_since'));
    assert.deepEqual(since('/api/v2/pipelines'), [null]);
    assert.ok(since('/api/v2/deals').length === 2);
    for (const path of ['/api/v2/persons', '/api/v2/deals'])
      for (const s of since(path)) assert.equal(s, finished.passStartedAt);
    assert.match(finished.passStartedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(again.status, 'ok', again.message ?? '');
    assert.ok(waits.includes(3000), `waits: ${waits.join(',')}`);
    assert.equal(again.inserted, 0);
    assert.deepEqual((await store.crmChanges(ws)).map((c) => c.key).sort(), keys);
  } finally {
    await store.close();
    cleanup();
    await replay.close();
  }
});
