// HubSpot's incremental sync against a simulated world's portal on the replay server: a backfill of the
// portal as it stood three weeks before the world's end, then a sync at the end reads, through the CRM
// search API, exactly the contacts and deals modified since the cursor (never one left unchanged), waits
// as a 429's Retry-After says, and leaves the same facts as a whole backfill at the end; a re-run stores
// nothing. A search past its 10,000-result limit moves its window instead of paging on. A pass that
// fails on a page resumes at that page. Where the next pass starts, and which pass a stored cursor runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchedCrmIntake } from '../derive/crm-intake.js';
import { HubSpotSimWriter } from '../sim/hubspot-writer.js';
import { simulate } from '../sim/index.js';
import {
  changedSince,
  changesFrom,
  createHubSpotClient,
  MODIFIED_PROPERTY,
} from '../sources/hubspot/index.js';
import type { Store } from '../store/store.js';
import { withStore } from '../test-helpers/events.js';
import { startHubSpotWorldPortal } from '../test-helpers/hubspot-world-portal.js';
import { json, type ReplayRequest } from '../test-helpers/replay-server.js';
import { secretBox } from '../util/secret-box.js';
import { setConnector } from './settings.js';
import {
  HUBSPOT_SYNC_OVERLAP_MS,
  hubspotStart,
  nextSince,
  type HubSpotPass,
} from './sync-hubspot.js';
import { syncConnector, type SyncClientOptions } from './sync.js';

const TOKEN = 'pat-na1-incr-0a1b2c3d-4e5f-4a6b-8c7d';
const box = secretBox('hubspot-incremental-test-key-0123456789-01234');
const END = '2026-03-31';
const CUT = Date.parse('2026-03-10T00:00:00.000Z');

async function world() {
  const hubspot = new HubSpotSimWriter();
  await simulate({ seed: 9, days: 50, visitorsPerDay: 150, end: END, crm: 'demo' }, [
    hubspot,
    { event() {}, async close() {} },
  ]);
  return hubspot;
}

const modified = (o: Record<string, unknown>) => Date.parse(o.updatedAt as string);
const keysOf = async (store: Store, ws: string) =>
  (await store.crmChanges(ws)).map((c) => c.key).sort();

function sync(store: Store, ws: string, client: SyncClientOptions = {}) {
  return syncConnector(store, box, ws, 'hubspot', {
    intake: batchedCrmIntake(store, ws),
    client: { sleep: async () => {}, ...client },
  });
}

/** Every object id a request of the incremental pass named or was answered with. */
function idsTouched(req: ReplayRequest): string[] {
  const body = req.json as { inputs?: Array<{ id: string }> } | null;
  const one = /^\/crm\/v3\/objects\/\w+\/(\d+)$/.exec(req.url.pathname);
  return [...(body?.inputs ?? []).map((i) => i.id), ...(one ? [one[1]!] : [])];
}

test(
  'hubspot incremental sync: only what changed after the cursor is searched and read, a 429 waits, the facts equal a whole backfill, a re-run stores nothing',
  { timeout: 240_000 },
  async () => {
    const hubspot = await world();
    let throttle = true;
    const portal = await startHubSpotWorldPortal(hubspot, {
      asOf: CUT,
      intercept: (req) => {
        if (throttle && req.url.pathname.endsWith('/search')) {
          throttle = false;
          return json(
            429,
            { category: 'RATE_LIMITS', message: 'secondly' },
            { 'retry-after': '3' },
          );
        }
        return undefined;
      },
    });
    try {
      await withStore(async (store) => {
        await setConnector(store, box, 'w', 'hubspot', { apiKey: TOKEN, baseUrl: portal.baseUrl });
        const first = await sync(store, 'w');
        assert.equal(first.status, 'ok', first.message ?? '');
        const before = [...hubspot.contactsAt(CUT), ...hubspot.dealsAt(CUT)];
        assert.equal(first.rows, before.length);
        const since = Math.max(...before.map(modified));
        const cursor = (await store.getConnector('w', 'hubspot'))!.cursor;
        assert.deepEqual(cursor, { stage: 'done', after: null, since });
        assert.equal(portal.searches.length, 0, 'a first sync lists, it does not search');

        // three weeks on
        portal.at(undefined);
        const seen = portal.requests.length;
        const waits: number[] = [];
        const second = await sync(store, 'w', { sleep: async (ms) => void waits.push(ms) });
        assert.equal(second.status, 'ok', second.message ?? '');
        assert.ok(waits.includes(3000), `Retry-After honoured: ${waits.join(',')}`);
        const requests = portal.requests.slice(seen);
        assert.ok(
          !requests.some(
            (r) =>
              r.method === 'GET' &&
              /^\/crm\/v3\/objects\/\w+$/.test(r.url.pathname) &&
              r.url.searchParams.get('archived') !== 'true',
          ),
          'nothing listed but the archived deals',
        );
        const changed = (list: Array<Record<string, unknown>>) =>
          list
            .filter((o) => modified(o) >= since)
            .map((o) => String(o.id))
            .sort();
        const contacts = changed(hubspot.contactsAt());
        const deals = changed(hubspot.dealsAt());
        assert.ok(contacts.length > 20 && deals.length > 10, `${contacts.length}, ${deals.length}`);
        const searched = (object: string) =>
          portal.searches
            .filter((x) => x.object === object)
            .flatMap((x) => x.ids)
            .sort();
        assert.deepEqual(searched('contacts'), contacts);
        assert.deepEqual(searched('deals'), deals);
        assert.equal(second.rows, contacts.length + deals.length);
        // no object left unchanged is named by any request of the pass
        const unchanged = new Set(
          [...hubspot.contactsAt(), ...hubspot.dealsAt()]
            .filter((o) => modified(o) < since)
            .map((o) => String(o.id)),
        );
        assert.ok(unchanged.size > 20);
        assert.deepEqual(
          requests.flatMap(idsTouched).filter((id) => unchanged.has(id)),
          [],
        );
        const reads = requests.filter((r) => r.url.pathname === '/crm/v3/objects/deals/batch/read');
        assert.deepEqual(reads.flatMap(idsTouched).sort(), deals);
        assert.equal(
          reads[0]!.json &&
            (reads[0]!.json as { propertiesWithHistory: string[] }).propertiesWithHistory[0],
          'dealstage',
        );

        // the same facts as one whole backfill of the portal at the end
        await store.createWorkspace({
          id: 'whole',
          name: 'whole',
          currency: 'USD',
          timezone: 'UTC',
          writeKey: 'k-whole',
          secretKeyHash: 'h-whole',
        });
        await setConnector(store, box, 'whole', 'hubspot', {
          apiKey: TOKEN,
          baseUrl: portal.baseUrl,
        });
        const whole = await sync(store, 'whole');
        assert.equal(whole.status, 'ok', whole.message ?? '');
        const keys = await keysOf(store, 'w');
        assert.deepEqual(keys, await keysOf(store, 'whole'));
        assert.equal(first.inserted + second.inserted, keys.length);

        // again: nothing new, and only the objects at the latest modification are read once more
        const third = await sync(store, 'w');
        assert.equal(third.status, 'ok', third.message ?? '');
        assert.equal(third.inserted, 0);
        const latest = Math.max(...[...hubspot.contactsAt(), ...hubspot.dealsAt()].map(modified));
        const now = (await store.getConnector('w', 'hubspot'))!.cursor as { since: number };
        assert.equal(now.since, latest);
        assert.deepEqual(await keysOf(store, 'w'), keys);
      });
    } finally {
      await portal.close();
    }
  },
);

test('hubspot search past its result limit: the query moves its window to the latest time it reached', async () => {
  const hubspot = await world();
  // HubSpot pages a query through 10,000 results at most; here 7, and the portal refuses more (400)
  const portal = await startHubSpotWorldPortal(hubspot, { resultLimit: 7 });
  try {
    const client = createHubSpotClient({
      accessToken: TOKEN,
      baseUrl: portal.baseUrl,
      maxRetries: 0,
    });
    const since = CUT;
    const ids = { contacts: [] as string[], deals: [] as string[] };
    for await (const page of changedSince(client, changesFrom(since), {
      pageSize: 3,
      resultLimit: 7,
    }))
      ids[page.kind].push(...page.objects.map((o) => o.id));
    for (const [object, list] of [
      ['contacts', hubspot.contactsAt()],
      ['deals', hubspot.dealsAt()],
    ] as const) {
      const want = list.filter((o) => modified(o) >= since).map((o) => String(o.id));
      assert.ok(want.length > 7, `${want.length} ${object} changed`);
      // every changed object, some twice (those at a window's edge), none unchanged
      assert.deepEqual([...new Set(ids[object])].sort(), want.sort());
      const windows = new Set(
        portal.requests
          .filter((r) => r.url.pathname === `/crm/v3/objects/${object}/search`)
          .map((r) => {
            const body = r.json as {
              filterGroups: Array<{ filters: Array<{ propertyName: string; value: string }> }>;
            };
            const f = body.filterGroups[0]!.filters[0]!;
            assert.equal(f.propertyName, MODIFIED_PROPERTY[object]);
            return f.value;
          }),
      );
      assert.ok(
        windows.size >= Math.ceil(want.length / 7),
        `${windows.size} windows for ${want.length}`,
      );
    }
  } finally {
    await portal.close();
  }
});

test('hubspot incremental sync: a failure on a deals search page resumes there; the facts equal an uninterrupted run', async () => {
  const hubspot = await world();
  let fail = false;
  const portal = await startHubSpotWorldPortal(hubspot, {
    asOf: CUT,
    intercept: (req) => {
      if (!fail || req.url.pathname !== '/crm/v3/objects/deals/search') return undefined;
      if ((req.json as { after?: string }).after !== '6') return undefined;
      fail = false;
      return json(500, { message: 'internal error' });
    },
  });
  try {
    await withStore(async (store) => {
      await setConnector(store, box, 'w', 'hubspot', { apiKey: TOKEN, baseUrl: portal.baseUrl });
      const first = await sync(store, 'w');
      assert.equal(first.status, 'ok');
      portal.at(undefined);
      fail = true;
      const broken = await sync(store, 'w', { pageSize: 3, maxRetries: 0 });
      assert.equal(broken.status, 'failed');
      const stopped = (await store.getConnector('w', 'hubspot'))!.cursor as Record<string, unknown>;
      assert.deepEqual([stopped.mode, stopped.stage, stopped.after], ['changes', 'deals', '6']);
      const seen = portal.requests.length;
      const resumed = await sync(store, 'w', { pageSize: 3, maxRetries: 0 });
      assert.equal(resumed.status, 'ok', resumed.message ?? '');
      const searches = portal.requests
        .slice(seen)
        .filter((r) => r.url.pathname.endsWith('/search'))
        .map(
          (r) => `${r.url.pathname.split('/')[4]}:${(r.json as { after?: string }).after ?? ''}`,
        );
      assert.equal(searches[0], 'deals:6', 'no contact searched again; deals from the failed page');

      await store.createWorkspace({
        id: 'whole',
        name: 'whole',
        currency: 'USD',
        timezone: 'UTC',
        writeKey: 'k-whole',
        secretKeyHash: 'h-whole',
      });
      await setConnector(store, box, 'whole', 'hubspot', {
        apiKey: TOKEN,
        baseUrl: portal.baseUrl,
      });
      assert.equal((await sync(store, 'whole')).status, 'ok');
      const keys = await keysOf(store, 'w');
      assert.deepEqual(keys, await keysOf(store, 'whole'));
      // each fact stored once across the three runs
      assert.equal(first.inserted + broken.inserted + resumed.inserted, keys.length);
    });
  } finally {
    await portal.close();
  }
});

test('hubspot passes: where the next one starts, and which pass a stored cursor runs', () => {
  const started = Date.parse('2026-04-01T12:00:00.000Z');
  const pass = (seen: number | null, since?: number): HubSpotPass =>
    since === undefined
      ? { mode: 'backfill', cursor: { stage: 'done', after: null }, started, seen }
      : { mode: 'changes', cursor: { ...changesFrom(since), stage: 'done' }, started, seen };
  // the latest change seen, but never later than the pass's start less the overlap
  assert.equal(nextSince(pass(started - 3_600_000)), started - 3_600_000);
  assert.equal(nextSince(pass(started + 60_000)), started - HUBSPOT_SYNC_OVERLAP_MS);
  assert.equal(nextSince(pass(null)), started - HUBSPOT_SYNC_OVERLAP_MS);
  // a pass that saw nothing keeps its start
  assert.equal(nextSince(pass(null, started - 7_200_000)), started - 7_200_000);

  assert.equal(hubspotStart(undefined, started).mode, 'backfill');
  // a finished pass stored before incremental sync: a whole backfill again
  assert.deepEqual(hubspotStart({ stage: 'done', after: null }, started).cursor, {
    stage: 'contacts',
    after: null,
  });
  const next = hubspotStart({ stage: 'done', after: null, since: 1_700_000_000_000 }, started);
  assert.deepEqual(next, {
    mode: 'changes',
    cursor: changesFrom(1_700_000_000_000),
    started,
    seen: null,
  });
  // a backfill stopped mid-way (also one stored before incremental sync) resumes where it stopped
  assert.deepEqual(hubspotStart({ stage: 'deals', after: '50' }, started).cursor, {
    stage: 'deals',
    after: '50',
  });
  assert.equal(hubspotStart({ stage: 'bogus' }, started).mode, 'backfill');
});
