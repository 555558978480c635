// LinkedIn's and Microsoft Advertising's connectors through the sync, against local replays of their
// APIs, on the test engine's store: LinkedIn's creatives by day with the account's currency, a token got
// from the refresh token and the rotated one stored; Microsoft's Keyword, AdGroup and Campaign reports
// (submitted with the developer token and account headers, polled, downloaded) stored as the keyword
// rows plus each coarser level's remainder, whose total is the campaigns' (checked by total).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchedCrmIntake } from '../derive/crm-intake.js';
import { json, startReplay, type ReplayRequest } from '../test-helpers/replay-server.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import type { Store } from '../store/store.js';
import { secretBox } from '../util/secret-box.js';
import { createWorkspace } from '../workspaces/create.js';
import { openConnector, setConnector } from './settings.js';
import { syncConnector } from './sync.js';

const box = secretBox('ad-platforms-test-secret-key-0123456789-0123');

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

const DAY_MS = 86_400_000;
const daysOf = (from: string, to: string) => {
  const out: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += DAY_MS)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};
const n = (day: string) => Math.floor(Date.parse(day) / DAY_MS);

/** adAnalytics' dateRange parameter as its first and last day. */
function rangeOf(req: ReplayRequest): [string, string] {
  const m =
    /start:\(year:(\d+),month:(\d+),day:(\d+)\),end:\(year:(\d+),month:(\d+),day:(\d+)\)/.exec(
      req.url.searchParams.get('dateRange') ?? '',
    )!;
  const iso = (y: string, mo: string, d: string) =>
    `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return [iso(m[1]!, m[2]!, m[3]!), iso(m[4]!, m[5]!, m[6]!)];
}

test('linkedin sync: creatives by day in the account currency, a token from the refresh grant, the rotated refresh token stored', async () => {
  // two creatives of one campaign; cents that add up exactly only if each day is kept
  const cost = (day: string, creative: number) =>
    `${10 + (n(day) % 5)}.${String(creative % 97).padStart(2, '0')}`;
  let token = '';
  const li = await startReplay({
    'POST /oauth/v2/accessToken': (req) => {
      const form = new URLSearchParams(req.body);
      if (form.get('refresh_token') !== 'AQX-li-refresh-1')
        return json(400, { error: 'invalid_grant' });
      token = 'AQV-li-access-2';
      return json(200, {
        access_token: token,
        expires_in: 5183999,
        refresh_token: 'AQX-li-refresh-2',
      });
    },
    'GET /rest/adAccounts/507404993': (req) =>
      req.headers.authorization === `Bearer ${token}`
        ? json(200, { id: 507404993, currency: 'EUR' })
        : json(401, {}),
    'GET /rest/adAccounts/507404993/adCampaigns': () =>
      json(200, { elements: [{ id: 123456, name: 'Lead gen - CFOs' }], metadata: {} }),
    'GET /rest/adAnalytics': (req) => {
      assert.equal(req.headers['linkedin-version'], '202411');
      const [from, to] = rangeOf(req);
      return json(200, {
        elements: daysOf(from, to).flatMap((day) => {
          const [year, month, d] = day.split('-').map(Number);
          return [7001, 7002].map((creative) => ({
            dateRange: { start: { year, month, day: d }, end: { year, month, day: d } },
            pivotValues: [
              'urn:li:sponsoredCampaign:123456',
              `urn:li:sponsoredCreative:${creative}`,
            ],
            impressions: 200,
            clicks: 4,
            costInLocalCurrency: cost(day, creative),
          }));
        }),
      });
    },
  });
  try {
    await withStore(async (store, ws) => {
      await setConnector(store, box, ws, 'linkedin', {
        refreshToken: 'AQX-li-refresh-1',
        clientId: 'li-app',
        clientSecret: 'li-app-secret-123',
        adAccountId: 'urn:li:sponsoredAccount:507404993',
        baseUrl: li.baseUrl,
        tokenUrl: `${li.baseUrl}/oauth/v2/accessToken`,
      });
      const r = await syncConnector(store, box, ws, 'linkedin', {
        intake: batchedCrmIntake(store, ws),
        client: { sleep: async () => undefined, maxRetries: 0 },
        from: '2026-10-25',
        to: '2026-11-05',
        chunkDays: 5,
      });
      assert.equal(r.status, 'ok', r.message ?? '');
      const rows = await store.adCosts(ws, { from: '2026-10-25', to: '2026-11-05' });
      assert.equal(rows.length, 12 * 2);
      let want = 0;
      for (const day of daysOf('2026-10-25', '2026-11-05'))
        for (const c of [7001, 7002]) want += Math.round(Number(cost(day, c)) * 100) * 10_000;
      assert.equal(
        rows.reduce((s, x) => s + x.costMicros, 0),
        want,
      );
      assert.ok(rows.every((x) => x.platform === 'linkedin' && x.accountId === '507404993'));
      assert.ok(rows.every((x) => x.currency === 'EUR' && x.campaignName === 'Lead gen - CFOs'));
      assert.deepEqual([...new Set(rows.map((x) => x.adId))].sort(), ['7001', '7002']);
      assert.equal(
        (await openConnector(store, box, ws, 'linkedin'))?.credentials.refreshToken,
        'AQX-li-refresh-2',
      );
    });
  } finally {
    await li.close();
  }
});

/** A report CSV as the Reporting service's download gives it: preamble, header, rows, footer. */
function reportCsv(header: string[], rows: string[][]): string {
  const q = (cells: string[]) => cells.map((c) => `"${c}"`).join(',');
  return [
    '"Report Name: closedloop"',
    '"Report Aggregation: Daily"',
    '',
    q(header),
    ...rows.map(q),
    '',
    '"©2026 Microsoft Corporation. All rights reserved. "',
    '',
  ].join('\r\n');
}

test("microsoft-ads sync: keyword rows and the ad group and campaign remainders, the campaigns' total, the account headers", async () => {
  const kw = (day: string, k: number) =>
    ((k === 9001 ? 40 : 3) + (n(day) % 3)) * 1_000_000 + ((10_000 * k) % 900_000);
  const adGroup = (day: string) => kw(day, 9001) + kw(day, 9002) + 2_340_000;
  const audience = (day: string) => 7_770_000 + (n(day) % 4) * 10_000;
  const money = (micros: number) => (micros / 1e6).toFixed(2);
  const reports = new Map<string, { type: string; from: string; to: string }>();
  let base = '';
  const ms = await startReplay(
    {
      'POST /Reporting/v13/GenerateReport/Submit': (req) => {
        if (req.headers.authorization !== 'Bearer ms-access-1')
          return json(401, {
            Errors: [{ Code: 109, ErrorCode: 'AuthenticationTokenExpired', Message: 'expired' }],
          });
        assert.equal(req.headers.customerid, '251234567');
        assert.equal(req.headers.customeraccountid, '149012345');
        assert.equal(req.headers.developertoken, 'MSDEV-token-1');
        const r = (
          req.json as {
            ReportRequest: {
              Type: string;
              Time: {
                CustomDateRangeStart: Record<string, number>;
                CustomDateRangeEnd: Record<string, number>;
              };
            };
          }
        ).ReportRequest;
        const day = (d: Record<string, number>) =>
          `${d.Year}-${String(d.Month).padStart(2, '0')}-${String(d.Day).padStart(2, '0')}`;
        const id = `r${reports.size + 1}`;
        reports.set(id, {
          type: r.Type,
          from: day(r.Time.CustomDateRangeStart),
          to: day(r.Time.CustomDateRangeEnd),
        });
        return json(200, { ReportRequestId: id });
      },
      'POST /Reporting/v13/GenerateReport/Poll': (req) => {
        const id = (req.json as { ReportRequestId: string }).ReportRequestId;
        return json(200, {
          ReportRequestStatus: {
            Status: 'Success',
            ReportDownloadUrl: `${base}/blob/${id}.csv?sig=x`,
          },
        });
      },
      'GET /token': () => json(405, {}),
      'POST /token': (req) =>
        new URLSearchParams(req.body).get('scope')?.includes('msads.manage')
          ? json(200, { access_token: 'ms-access-1', refresh_token: 'M.R3-next' })
          : json(400, { error: 'invalid_scope' }),
    },
    (req) => {
      const m = /^\/blob\/(r\d+)\.csv$/.exec(req.url.pathname);
      const r = m ? reports.get(m[1]!) : undefined;
      if (!r) return undefined;
      const days = daysOf(r.from, r.to);
      const camp = (day: string) => [day, '149012345', '7001', 'Search - Brand'];
      let body: string;
      if (r.type === 'KeywordPerformanceReportRequest')
        body = reportCsv(
          [
            'TimePeriod',
            'AccountId',
            'CampaignId',
            'CampaignName',
            'AdGroupId',
            'AdGroupName',
            'KeywordId',
            'Keyword',
            'DeliveredMatchType',
            'CurrencyCode',
            'Impressions',
            'Clicks',
            'Spend',
            'Conversions',
            'Revenue',
          ],
          days.flatMap((day) =>
            [9001, 9002].map((k) => [
              ...camp(day),
              '8001',
              'Brand',
              String(k),
              `kw ${k}`,
              'Exact',
              'USD',
              '100',
              '5',
              money(kw(day, k)),
              '1',
              '10.00',
            ]),
          ),
        );
      else if (r.type === 'AdGroupPerformanceReportRequest')
        body = reportCsv(
          [
            'TimePeriod',
            'AccountId',
            'CampaignId',
            'CampaignName',
            'AdGroupId',
            'AdGroupName',
            'CurrencyCode',
            'Impressions',
            'Clicks',
            'Spend',
            'Conversions',
            'Revenue',
          ],
          days.map((day) => [
            ...camp(day),
            '8001',
            'Brand',
            'USD',
            '230',
            '11',
            money(adGroup(day)),
            '2',
            '20.00',
          ]),
        );
      else
        body = reportCsv(
          [
            'TimePeriod',
            'AccountId',
            'CampaignId',
            'CampaignName',
            'CurrencyCode',
            'Impressions',
            'Clicks',
            'Spend',
            'Conversions',
            'Revenue',
          ],
          days.flatMap((day) => [
            [...camp(day), 'USD', '230', '11', money(adGroup(day)), '2', '20.00'],
            [
              day,
              '149012345',
              '7002',
              'Audience',
              'USD',
              '5000',
              '20',
              money(audience(day)),
              '0',
              '0.00',
            ],
          ]),
        );
      return { status: 200, headers: { 'content-type': 'text/csv' }, body };
    },
  );
  base = ms.baseUrl;
  try {
    await withStore(async (store, ws) => {
      await setConnector(store, box, ws, 'microsoft-ads', {
        developerToken: 'MSDEV-token-1',
        clientId: 'ms-app-id',
        refreshToken: 'M.R3-first',
        accountId: '149012345',
        customerId: '251234567',
        baseUrl: ms.baseUrl,
        tokenUrl: `${ms.baseUrl}/token`,
      });
      const r = await syncConnector(store, box, ws, 'microsoft-ads', {
        intake: batchedCrmIntake(store, ws),
        client: { sleep: async () => undefined, maxRetries: 0 },
        from: '2026-11-01',
        to: '2026-11-04',
      });
      assert.equal(r.status, 'ok', r.message ?? '');
      const rows = await store.adCosts(ws, { from: '2026-11-01', to: '2026-11-04' });
      // per day: two keywords, the ad group's own spend, the audience campaign
      assert.equal(rows.length, 4 * 4);
      const days = daysOf('2026-11-01', '2026-11-04');
      assert.equal(
        rows.reduce((s, x) => s + x.costMicros, 0),
        days.reduce((s, d) => s + adGroup(d) + audience(d), 0),
      );
      const rest = rows.filter((x) => x.campaignId === '7001' && x.keyword === null);
      assert.deepEqual(
        rest.map((x) => [x.adGroupId, x.costMicros]),
        days.map(() => ['8001', 2_340_000]),
      );
      assert.deepEqual([...new Set([...reports.values()].map((x) => x.type))].sort(), [
        'AdGroupPerformanceReportRequest',
        'CampaignPerformanceReportRequest',
        'KeywordPerformanceReportRequest',
      ]);
      assert.equal(
        (await openConnector(store, box, ws, 'microsoft-ads'))?.credentials.refreshToken,
        'M.R3-next',
      );
    });
  } finally {
    await ms.close();
  }
});
