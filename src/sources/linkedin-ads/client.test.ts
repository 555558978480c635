// The LinkedIn client against a real local server replaying the Marketing API: the account's currency,
// campaign names over two pages (a 429 with Retry-After between them), adAnalytics by day with the
// version headers, an expired token refreshed once, a 503 retried, and a slice that comes back at the
// silent row cap asked again in halves until every day is there. Waits are recorded, not waited.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { json, startReplay, type ReplayRequest } from '../../test-helpers/replay-server.js';
import { createLinkedInAdsClient } from './client.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as unknown;

const EXPIRED = {
  status: 401,
  serviceErrorCode: 65601,
  code: 'EXPIRED_ACCESS_TOKEN',
  message: 'The token used in the request has expired',
};

/** The days of adAnalytics' dateRange parameter. */
function daysOf(req: ReplayRequest): string[] {
  const m =
    /start:\(year:(\d+),month:(\d+),day:(\d+)\),end:\(year:(\d+),month:(\d+),day:(\d+)\)/.exec(
      req.url.searchParams.get('dateRange') ?? '',
    )!;
  const iso = (y: string, mo: string, d: string) =>
    `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const out: string[] = [];
  for (
    let t = Date.parse(iso(m[1]!, m[2]!, m[3]!));
    t <= Date.parse(iso(m[4]!, m[5]!, m[6]!));
    t += 86_400_000
  )
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

const element = (day: string) => {
  const [year, month, d] = day.split('-').map(Number);
  return {
    dateRange: { start: { year, month, day: d }, end: { year, month, day: d } },
    pivotValues: ['urn:li:sponsoredCampaign:123456'],
    impressions: 100,
    clicks: 3,
    costInLocalCurrency: '10.01',
  };
};

test('currency, paged campaign names and daily adAnalytics, through 401, 429 and 503', async () => {
  let analytics = 0;
  const server = await startReplay({
    'GET /rest/adAccounts/5123': (req) =>
      req.headers.authorization === 'Bearer fresh'
        ? json(200, fixture('ad-account.json'))
        : json(401, EXPIRED),
    'GET /rest/adAccounts/5123/adCampaigns': (req) => {
      const token = req.url.searchParams.get('pageToken');
      if (token === null) return json(200, fixture('ad-campaigns-page1.json'));
      return token === 'DgEWG5C'
        ? json(200, fixture('ad-campaigns-page2.json'))
        : json(400, { message: 'bad token' });
    },
    'GET /rest/adAnalytics': () =>
      ++analytics === 1
        ? json(503, { message: 'try later' })
        : json(200, fixture('ad-analytics-campaign-daily.json')),
  });
  try {
    const sleeps: number[] = [];
    const refreshed: string[] = [];
    const client = createLinkedInAdsClient({
      baseUrl: server.baseUrl,
      oauth: { accessToken: 'stale', refresh: async (r) => (refreshed.push(r), 'fresh') },
      random: () => 0,
      sleep: async (ms) => void sleeps.push(ms),
    });
    const rows = await client.costs('urn:li:sponsoredAccount:5123', '2024-05-01', '2024-05-02');
    assert.deepEqual(
      rows.map((r) => [r.date, r.campaignId, r.campaignName, r.currency, r.costMicros]),
      [
        ['2024-05-01', '123456', 'ABM tier 1 — Sponsored content', 'USD', 312_804_600],
        ['2024-05-02', '123457', 'Webinar retargeting', 'USD', 12_500_000],
      ],
    );
    assert.equal(refreshed.length, 1);
    assert.deepEqual(sleeps, [250]); // the 503's first backoff step
    const a = server.requests.find((r) => r.url.pathname === '/rest/adAnalytics')!;
    assert.equal(a.headers['linkedin-version'], '202411');
    assert.equal(a.headers['x-restli-protocol-version'], '2.0.0');
    assert.equal(a.url.searchParams.get('q'), 'analytics');
    assert.equal(a.url.searchParams.get('pivot'), 'CAMPAIGN');
    assert.equal(a.url.searchParams.get('timeGranularity'), 'DAILY');
    assert.equal(
      a.url.searchParams.get('dateRange'),
      '(start:(year:2024,month:5,day:1),end:(year:2024,month:5,day:2))',
    );
    assert.equal(a.url.searchParams.get('accounts'), 'List(urn:li:sponsoredAccount:5123)');
    assert.match(a.url.searchParams.get('fields')!, /costInLocalCurrency/);
  } finally {
    await server.close();
  }
});

test('a rate limit on the campaign pages is waited out as Retry-After says', async () => {
  const server = await startReplay({
    'GET /rest/adAccounts/5123/adCampaigns': [
      json(200, fixture('ad-campaigns-page1.json')),
      json(429, { message: 'Resource level throttle limit' }, { 'retry-after': '7' }),
      json(200, fixture('ad-campaigns-page2.json')),
    ],
  });
  try {
    const sleeps: number[] = [];
    const client = createLinkedInAdsClient({
      baseUrl: server.baseUrl,
      oauth: { accessToken: 't', refresh: async () => 't2' },
      sleep: async (ms) => void sleeps.push(ms),
    });
    const names = await client.campaignNames('5123');
    assert.deepEqual([...names.keys()], ['123456', '123457']);
    assert.deepEqual(sleeps, [7000]);
  } finally {
    await server.close();
  }
});

test('slices that reach the silent row cap are asked again in halves; every day comes once', async () => {
  const cap = 3;
  const server = await startReplay({
    'GET /rest/adAccounts/5123': json(200, fixture('ad-account.json')),
    'GET /rest/adAccounts/5123/adCampaigns': json(200, { elements: [], metadata: {} }),
    // LinkedIn answers at most `cap` rows, without saying it cut the rest
    'GET /rest/adAnalytics': (req) =>
      json(200, { elements: daysOf(req).slice(0, cap).map(element) }),
  });
  try {
    const client = createLinkedInAdsClient({
      baseUrl: server.baseUrl,
      oauth: { accessToken: 't', refresh: async () => 't2' },
      rowCap: cap,
      sliceDays: 31,
    });
    const rows = await client.costs('5123', '2024-05-01', '2024-05-05');
    assert.deepEqual(
      rows.map((r) => r.date),
      ['2024-05-01', '2024-05-02', '2024-05-03', '2024-05-04', '2024-05-05'],
    );
    assert.equal(
      rows.reduce((s, r) => s + r.costMicros, 0),
      5 * 10_010_000,
    );
  } finally {
    await server.close();
  }
});
