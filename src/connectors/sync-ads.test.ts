// The ad platforms' sync on the test engine's store, against local replays of the platforms' APIs:
// Google Ads' three levels stored at the finest grain with the account's whole spend (checked by
// total against the replayed account); a failure mid-period, then a re-run that resumes at the chunk
// it stopped on and gives exactly the totals of a clean sync; the OAuth refresh (a rotated refresh
// token stored sealed, an expired access token refreshed mid-run); Meta's throttling waited out and
// its expired token named; the status and cursor each run leaves; a re-sync replacing, never doubling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { batchedCrmIntake } from '../derive/crm-intake.js';
import { costRecordsOfInsights } from '../sources/meta-ads/insights.js';
import { GOOGLE_CUSTOMER, startGoogleAdsAccount } from '../test-helpers/google-ads-account.js';
import { json, startReplay } from '../test-helpers/replay-server.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import type { Store } from '../store/store.js';
import { secretBox } from '../util/secret-box.js';
import { createWorkspace } from '../workspaces/create.js';
import { listConnectors, openConnector, setConnector } from './settings.js';
import { adSyncPeriod } from './sync-ads.js';
import { syncConnector, type SyncOptions } from './sync.js';

const box = secretBox('ad-sync-test-secret-key-0123456789-0123456789');
const SECRETS = {
  developerToken: 'DEVTOKEN-adsync-5f4e3d2c1b',
  clientSecret: 'GOCSPX-adsync-client-secret',
  refreshToken: '1//adsync-refresh-token-0a9b8c',
};

async function withStore(run: (store: Store, ws: string) => Promise<void>) {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    const { workspace } = await createWorkspace(store, {
      name: 'Ads',
      currency: 'USD',
      timezone: 'UTC',
    });
    await run(store, workspace.id);
  } finally {
    await store.close();
    cleanup();
  }
}

const noWait = { sleep: async () => undefined, maxRetries: 0 };
const options = (store: Store, ws: string, o: Partial<SyncOptions> = {}): SyncOptions => ({
  intake: batchedCrmIntake(store, ws),
  client: noWait,
  ...o,
});

async function googleConnector(store: Store, ws: string, baseUrl: string, tokenUrl: string) {
  await setConnector(store, box, ws, 'google-ads', {
    ...SECRETS,
    clientId: 'adsync.apps.googleusercontent.com',
    customerId: '123-456-7890',
    loginCustomerId: '111-222-3333',
    baseUrl,
    tokenUrl,
  });
}

const total = async (store: Store, ws: string, from: string, to: string) =>
  (await store.adCosts(ws, { from, to })).reduce((s, r) => s + r.costMicros, 0);

test('google-ads sync: keyword rows with the ad group and campaign remainders, the whole spend stored', async () => {
  const g = await startGoogleAdsAccount();
  try {
    await withStore(async (store, ws) => {
      await googleConnector(store, ws, g.baseUrl, g.tokenUrl);
      const r = await syncConnector(
        store,
        box,
        ws,
        'google-ads',
        options(store, ws, { from: '2026-11-01', to: '2026-11-09', chunkDays: 3 }),
      );
      assert.equal(r.status, 'ok', r.message ?? '');
      const rows = await store.adCosts(ws, { from: '2026-11-01', to: '2026-11-09' });
      // per day: two keywords, the ad group's own spend, the PMax campaign
      assert.equal(rows.length, 9 * 4);
      assert.equal(r.rows, rows.length);
      assert.equal(
        await total(store, ws, '2026-11-01', '2026-11-09'),
        g.spend('2026-11-01', '2026-11-09'),
      );
      const day = rows.filter((x) => x.date === '2026-11-02');
      assert.deepEqual(day.map((x) => [x.campaignId, x.adGroupId, x.keyword, x.matchType]).sort(), [
        ['101', '201', null, null],
        ['101', '201', 'red shoes', 'PHRASE'],
        ['101', '201', 'shoes', 'EXACT'],
        ['102', null, null, null],
      ]);
      assert.ok(rows.every((x) => x.platform === 'google' && x.accountId === GOOGLE_CUSTOMER));
      // one import per chunk, each of its own days
      const imports = await store.adCostImports(ws);
      assert.deepEqual(imports.map((i) => `${i.from}..${i.to} ${i.source}`).sort(), [
        '2026-11-01..2026-11-03 api',
        '2026-11-04..2026-11-06 api',
        '2026-11-07..2026-11-09 api',
      ]);
      // the manager account and developer token went with every request
      const stream = g.requests.filter((q) => q.url.pathname.endsWith(':searchStream'));
      assert.ok(stream.every((q) => q.headers['login-customer-id'] === '1112223333'));
      assert.ok(stream.every((q) => q.headers['developer-token'] === SECRETS.developerToken));

      // the status, and a re-sync of part of the period: replaced, never doubled; history kept
      const c = await store.getConnector(ws, 'google-ads');
      assert.equal(c?.lastSync?.status, 'ok');
      assert.equal(c?.lastSync?.rows, 36);
      assert.match(c?.lastSync?.message ?? '', /36 cost rows over 9 days/);
      const again = await syncConnector(
        store,
        box,
        ws,
        'google-ads',
        options(store, ws, { from: '2026-11-03', to: '2026-11-05' }),
      );
      assert.equal(again.status, 'ok');
      assert.equal(
        await total(store, ws, '2026-11-01', '2026-11-09'),
        g.spend('2026-11-01', '2026-11-09'),
      );
      assert.equal((await store.adCostImports(ws)).length, 4);
    });
  } finally {
    await g.close();
  }
});

test('a failure mid-period is resumed by the next run at the chunk it stopped on, with the totals of a clean sync', async () => {
  let failing = true;
  const g = await startGoogleAdsAccount({
    failOn: ({ from }) =>
      failing && from === '2026-10-07'
        ? json(500, [{ error: { code: 500, message: 'Internal error', status: 'INTERNAL' } }])
        : undefined,
  });
  const clean = await startGoogleAdsAccount();
  try {
    await withStore(async (store, ws) => {
      await googleConnector(store, ws, g.baseUrl, g.tokenUrl);
      const period = { from: '2026-10-01', to: '2026-10-12', chunkDays: 3 };
      const first = await syncConnector(store, box, ws, 'google-ads', options(store, ws, period));
      assert.equal(first.status, 'failed');
      assert.match(first.message ?? '', /500/);
      assert.ok(!(first.message ?? '').includes(SECRETS.developerToken));
      const stopped = await store.getConnector(ws, 'google-ads');
      assert.equal(stopped?.lastSync?.status, 'failed');
      assert.equal(stopped?.lastSync?.errors, 1);
      assert.deepEqual(stopped?.cursor, {
        accounts: {
          [GOOGLE_CUSTOMER]: {
            lastDay: '2026-10-06',
            pending: { from: '2026-10-01', to: '2026-10-12', done: '2026-10-06' },
          },
        },
      });
      const resumable = async () =>
        (await listConnectors(store, box, ws)).find((c) => c.name === 'google-ads')?.resumable;
      assert.equal(await resumable(), true);
      // what was stored before the failure is in effect
      assert.equal(
        await total(store, ws, '2026-10-01', '2026-10-12'),
        g.spend('2026-10-01', '2026-10-06'),
      );

      failing = false;
      const before = g.queries.length;
      const resumed = await syncConnector(store, box, ws, 'google-ads', options(store, ws, period));
      assert.equal(resumed.status, 'ok', resumed.message ?? '');
      // nothing before the failed chunk read again
      assert.ok(
        g.queries
          .slice(before)
          .every(
            (q) => q.endsWith('2026-10-07..2026-10-09') || q.endsWith('2026-10-10..2026-10-12'),
          ),
      );
      assert.equal(resumed.rows, 6 * 4);
      assert.equal(await resumable(), false);

      // a clean sync of the same period in another workspace: the same totals, row for row
      const other = (
        await createWorkspace(store, { name: 'Clean', currency: 'USD', timezone: 'UTC' })
      ).workspace.id;
      await googleConnector(store, other, clean.baseUrl, clean.tokenUrl);
      assert.equal(
        (await syncConnector(store, box, other, 'google-ads', options(store, other, period)))
          .status,
        'ok',
      );
      const sums = async (w: string) =>
        (
          await store.adCostTotals(w, {
            from: '2026-10-01',
            to: '2026-10-12',
            groupBy: ['campaign', 'date'],
            currency: 'USD',
          })
        ).rows
          .map((x) => `${x.group.date} ${x.group.campaign} ${x.cost} ${x.clicks} ${x.impressions}`)
          .sort();
      assert.deepEqual(await sums(ws), await sums(other));
      assert.equal(
        await total(store, ws, '2026-10-01', '2026-10-12'),
        g.spend('2026-10-01', '2026-10-12'),
      );
      assert.equal(
        (await store.getConnector(ws, 'google-ads'))?.cursor &&
          JSON.stringify((await store.getConnector(ws, 'google-ads'))!.cursor),
        JSON.stringify({
          accounts: { [GOOGLE_CUSTOMER]: { lastDay: '2026-10-12', pending: null } },
        }),
      );
    });
  } finally {
    await g.close();
    await clean.close();
  }
});

test('the OAuth refresh: a token got before the first request, a rotated refresh token stored sealed, an expired token refreshed mid-run', async () => {
  const g = await startGoogleAdsAccount({ tokenLife: 4 });
  try {
    await withStore(async (store, ws) => {
      await googleConnector(store, ws, g.baseUrl, g.tokenUrl);
      const r = await syncConnector(
        store,
        box,
        ws,
        'google-ads',
        options(store, ws, { from: '2026-09-01', to: '2026-09-06', chunkDays: 2 }),
      );
      assert.equal(r.status, 'ok', r.message ?? '');
      // 9 searchStream answers, 4 a token: 3 grants
      assert.equal(g.grants, 3);
      assert.equal(
        await total(store, ws, '2026-09-01', '2026-09-06'),
        g.spend('2026-09-01', '2026-09-06'),
      );
      const grant = new URLSearchParams(g.requests.find((q) => q.url.pathname === '/token')!.body);
      assert.deepEqual(
        [grant.get('grant_type'), grant.get('refresh_token'), grant.get('client_secret')],
        ['refresh_token', SECRETS.refreshToken, SECRETS.clientSecret],
      );
      const opened = await openConnector(store, box, ws, 'google-ads');
      assert.equal(opened?.credentials.refreshToken, `${SECRETS.refreshToken}-rotated`);
      const stored = JSON.stringify(await store.getConnector(ws, 'google-ads'));
      assert.ok(!stored.includes('-rotated') && !stored.includes(SECRETS.refreshToken));

      // a revoked refresh token: failed, saying so, no secret in the words
      await setConnector(store, box, ws, 'google-ads', { refreshToken: 'revoked' });
      const failed = await syncConnector(store, box, ws, 'google-ads', options(store, ws));
      assert.equal(failed.status, 'failed');
      assert.match(failed.message ?? '', /invalid_grant|400/);
      for (const s of Object.values(SECRETS)) assert.ok(!(failed.message ?? '').includes(s));
    });
  } finally {
    await g.close();
  }
});

const metaPage = (n: 1 | 2) =>
  JSON.parse(
    readFileSync(
      new URL(`../sources/meta-ads/fixtures/insights-ad-page${n}.json`, import.meta.url),
      'utf8',
    ),
  ) as { data: unknown[] };

test('meta sync: throttling (code 17, x-business-use-case-usage) waited out, pages followed, an expired token named', async () => {
  let throttled = false;
  let expired = false;
  const meta = await startReplay({
    'GET /v21.0/act_1234567890/insights': (req) => {
      if (req.headers.authorization !== 'Bearer EAAB-meta-sync-token-123') return json(401, {});
      if (expired)
        return json(400, {
          error: { message: 'Error validating access token', type: 'OAuthException', code: 190 },
        });
      if (!throttled) {
        throttled = true;
        return json(
          400,
          { error: { message: 'User request limit reached', type: 'OAuthException', code: 17 } },
          {
            'x-business-use-case-usage': JSON.stringify({
              '1234567890': [{ type: 'ads_insights', estimated_time_to_regain_access: 2 }],
            }),
          },
        );
      }
      return json(200, metaPage(req.url.searchParams.get('after') ? 2 : 1));
    },
  });
  try {
    await withStore(async (store, ws) => {
      await setConnector(store, box, ws, 'meta', {
        accessToken: 'EAAB-meta-sync-token-123',
        adAccountId: 'act_1234567890',
        baseUrl: meta.baseUrl,
      });
      const waits: number[] = [];
      const r = await syncConnector(store, box, ws, 'meta', {
        ...options(store, ws, { from: '2024-05-01', to: '2024-05-02' }),
        client: { sleep: async (ms) => void waits.push(ms), maxRetries: 2 },
      });
      assert.equal(r.status, 'ok', r.message ?? '');
      assert.deepEqual(waits, [2 * 60_000]);
      const expected = [...metaPage(1).data, ...metaPage(2).data];
      const want = costRecordsOfInsights(expected, {}, 'data').reduce(
        (s, x) => s + x.costMicros,
        0,
      );
      assert.equal(await total(store, ws, '2024-05-01', '2024-05-02'), want);
      assert.equal(r.rows, expected.length);
      const rows = await store.adCosts(ws, { from: '2024-05-01', to: '2024-05-02' });
      assert.ok(rows.every((x) => x.platform === 'meta' && x.accountId === '1234567890' && x.adId));

      expired = true;
      const failed = await syncConnector(store, box, ws, 'meta', options(store, ws));
      assert.equal(failed.status, 'failed');
      assert.match(failed.message ?? '', /no refreshToken.*accessToken/);
      assert.ok(!(failed.message ?? '').includes('EAAB-meta-sync-token-123'));
    });
  } finally {
    await meta.close();
  }
});

test("missing settings are a 400 naming the setting; from/to are the ad platforms' alone", async () => {
  await withStore(async (store, ws) => {
    await setConnector(store, box, ws, 'microsoft-ads', {
      accountId: '123',
      refreshToken: 'r-token-1',
    });
    await assert.rejects(
      syncConnector(store, box, ws, 'microsoft-ads', options(store, ws)),
      (e: Error & { status?: number; field?: string }) =>
        e.status === 400 &&
        /developerToken; customerId; accessToken, or refreshToken with clientId/.test(e.message),
    );
    await setConnector(store, box, ws, 'hubspot', { apiKey: 'pat-na1-x' });
    await assert.rejects(
      syncConnector(
        store,
        box,
        ws,
        'hubspot',
        options(store, ws, { from: '2026-01-01', to: '2026-01-02' }),
      ),
      /from and to are for the ad platforms/,
    );
    await setConnector(store, box, ws, 'meta', { accessToken: 'EAAB-x', adAccountId: '99' });
    await assert.rejects(
      syncConnector(
        store,
        box,
        ws,
        'meta',
        options(store, ws, { from: '2026-01-05', to: '2026-01-02' }),
      ),
      /after/,
    );
    await assert.rejects(
      syncConnector(store, box, ws, 'meta', options(store, ws, { from: '2026-01-05' })),
      /both from and to/,
    );
  });
});

test('the default period: the last 30 days first, then from a few days before the last complete day; a failed run carried on', () => {
  const y = '2026-12-06';
  assert.deepEqual(adSyncPeriod(undefined, {}, y), {
    from: '2026-11-07',
    to: y,
    start: '2026-11-07',
  });
  assert.deepEqual(adSyncPeriod({ lastDay: '2026-12-01', pending: null }, {}, y), {
    from: '2026-11-28',
    to: y,
    start: '2026-11-28',
  });
  const failed = {
    lastDay: '2026-11-20',
    pending: { from: '2026-11-01', to: '2026-12-05', done: '2026-11-20' },
  };
  assert.deepEqual(adSyncPeriod(failed, {}, y), { from: '2026-11-01', to: y, start: '2026-11-21' });
  assert.deepEqual(adSyncPeriod(failed, { from: '2026-11-01', to: '2026-12-05' }, y), {
    from: '2026-11-01',
    to: '2026-12-05',
    start: '2026-11-21',
  });
  // another period asked: read whole
  assert.deepEqual(adSyncPeriod(failed, { from: '2026-01-01', to: '2026-01-31' }, y), {
    from: '2026-01-01',
    to: '2026-01-31',
    start: '2026-01-01',
  });
});

test('an answer the reader refuses fails the sync naming the row and field, nothing of its chunk stored', async () => {
  const g = await startGoogleAdsAccount({
    failOn: ({ level, from }) =>
      level === 'campaign' && from === '2026-08-04'
        ? json(200, [
            {
              results: [
                {
                  customer: { currencyCode: 'USD' },
                  segments: { date: from },
                  campaign: { id: '101', name: 'x' },
                  metrics: { costMicros: '7.1' },
                },
              ],
            },
          ])
        : undefined,
  });
  try {
    await withStore(async (store, ws) => {
      await googleConnector(store, ws, g.baseUrl, g.tokenUrl);
      const r = await syncConnector(
        store,
        box,
        ws,
        'google-ads',
        options(store, ws, { from: '2026-08-01', to: '2026-08-06', chunkDays: 3 }),
      );
      assert.equal(r.status, 'failed');
      assert.match(r.message ?? '', /could not be read: batch 0, result 0, metrics\.costMicros/);
      assert.equal(
        await total(store, ws, '2026-08-01', '2026-08-06'),
        g.spend('2026-08-01', '2026-08-03'),
      );
    });
  } finally {
    await g.close();
  }
});
