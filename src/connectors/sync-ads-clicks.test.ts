// The Google Ads sync's clicks on the test engine's store, against the replayed account: each synced
// day's click_view asked once and stored, so auto-tagged sessions (a gclid, no UTMs) match their
// campaign, ad group and keyword in the costs report; days older than Google keeps (90) not asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchedCrmIntake } from '../derive/crm-intake.js';
import { rebuild } from '../derive/derive.js';
import { costs } from '../reports/costs.js';
import { GOOGLE_CUSTOMER, startGoogleAdsAccount } from '../test-helpers/google-ads-account.js';
import { page } from '../test-helpers/events.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { secretBox } from '../util/secret-box.js';
import { createWorkspace } from '../workspaces/create.js';
import { setConnector } from './settings.js';
import { syncConnector, type SyncOptions } from './sync.js';
import type { Store } from '../store/store.js';

const box = secretBox('ad-clicks-test-secret-key-0123456789-0123456789');

const options = (store: Store, ws: string, o: Partial<SyncOptions>): SyncOptions => ({
  intake: batchedCrmIntake(store, ws),
  client: { sleep: async () => undefined, maxRetries: 0 },
  ...o,
});

test('google-ads sync: each day its click_view, stored; auto-tagged sessions then match by gclid', async () => {
  const g = await startGoogleAdsAccount();
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    const { workspace } = await createWorkspace(store, {
      name: 'Ads',
      currency: 'USD',
      timezone: 'UTC',
    });
    const ws = workspace.id;
    await setConnector(store, box, ws, 'google-ads', {
      developerToken: 'DEVTOKEN-clicks',
      clientId: 'clicks.apps.googleusercontent.com',
      refreshToken: '1//clicks-refresh',
      customerId: GOOGLE_CUSTOMER,
      baseUrl: g.baseUrl,
      tokenUrl: g.tokenUrl,
    });
    const period = { from: '2026-11-01', to: '2026-11-03', chunkDays: 2 };
    const r = await syncConnector(
      store,
      box,
      ws,
      'google-ads',
      options(store, ws, { ...period, now: () => new Date('2026-11-04T12:00:00Z') }),
    );
    assert.equal(r.status, 'ok', r.message ?? '');
    assert.deepEqual(g.clickDays, ['2026-11-01', '2026-11-02', '2026-11-03']);
    const truth = g.clicks('2026-11-01', '2026-11-03');
    assert.match(r.message ?? '', new RegExp(`, ${truth.length} clicks$`));

    // sessions with only a gclid (auto-tagging, no UTMs): one of each keyword, one of Performance Max
    const pick = (k: string | null, day: string) =>
      truth.find((c) => c.keyword === k && c.date === day)!;
    const sessions = [
      pick('shoes', '2026-11-01'),
      pick('red shoes', '2026-11-02'),
      pick(null, '2026-11-03'),
    ];
    await store.appendEvents(
      ws,
      sessions.map((c, i) =>
        page(`v${i}`, `${c.date}T10:00:00Z`, `https://acme.io/?gclid=${c.gclid}`),
      ),
      { origin: 'import', receivedAt: new Date() },
    );
    await rebuild(store, ws);
    const report = await costs.run(
      { store, workspaceId: ws },
      costs.params.parse({ from: '2026-11-01', to: '2026-11-03', groupBy: 'campaign,keyword' }),
    );
    assert.deepEqual(
      report.rows
        .filter((x) => x.sessions > 0)
        .map((x) => [x.campaign, x.keyword, x.sessions, x.matchedBy.click_id]),
      [
        ['101', 'red shoes', 1, 1],
        ['101', 'shoes', 1, 1],
        ['102', null, 1, 1],
      ],
    );

    // a re-sync long after: the days Google no longer keeps are not asked, the costs still read
    const late = await syncConnector(
      store,
      box,
      ws,
      'google-ads',
      options(store, ws, { ...period, now: () => new Date('2027-03-01T12:00:00Z') }),
    );
    assert.equal(late.status, 'ok', late.message ?? '');
    assert.equal(g.clickDays.length, 3);
    assert.match(late.message ?? '', /, 0 clicks$/);
  } finally {
    await store.close();
    cleanup();
    await g.close();
  }
});
