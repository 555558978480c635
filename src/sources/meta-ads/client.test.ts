// The Insights client against a real local server replaying Meta's pages, throttling and token
// expiry: `paging.next` followed on our base URL without the token Meta writes into it, 429 with
// Retry-After, a 500 retried, code 17 waited out by the usage header, code 190 refreshing the token,
// and an async report run polled to completion. Waits are recorded, not waited.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { json, startReplay, type ReplayRequest } from '../../test-helpers/replay-server.js';
import { createMetaAdsClient } from './client.js';

const page = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as unknown;
const ACT = '/v21.0/act_1234567890/insights';

function setup(baseUrl: string, token = 'EAAB-old-token') {
  const sleeps: number[] = [];
  const refreshed: string[] = [];
  const client = createMetaAdsClient({
    baseUrl,
    oauth: {
      accessToken: token,
      refresh: async (reason) => {
        refreshed.push(reason);
        return 'EAAB-new-token';
      },
    },
    pageSize: 2,
    pollMs: 1000,
    random: () => 0,
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { client, sleeps, refreshed };
}

test('pages by paging.next on our base URL through 429, 500 and an expired token', async () => {
  const seen = new Map<string, number>();
  const server = await startReplay({
    [`GET ${ACT}`]: (req: ReplayRequest) => {
      const key = req.url.searchParams.get('after') ?? 'first';
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (req.headers.authorization !== 'Bearer EAAB-new-token')
        return json(400, {
          error: { message: 'Error validating access token', type: 'OAuthException', code: 190 },
        });
      if (key === 'first' && n === 2)
        return json(429, { error: { message: 'slow down' } }, { 'retry-after': '3' });
      if (key === 'MQZDZD' && n === 1)
        return json(500, { error: { message: 'unknown error', code: 1 } });
      return json(200, page(key === 'first' ? 'insights-ad-page1.json' : 'insights-ad-page2.json'));
    },
  });
  try {
    const { client, sleeps, refreshed } = setup(server.baseUrl);
    const rows = await client.insights('1234567890', 'ad', '2024-05-01', '2024-05-02');
    assert.deepEqual(
      rows.map((r) => [r.date, r.campaignId, r.adId, r.costMicros]),
      [
        ['2024-05-01', '120200111', '120200333', 742_350_000],
        ['2024-05-02', '120200111', '120200333', 500_000],
        ['2024-05-02', '120200444', '120200666', 1_184_500_000],
      ],
    );
    assert.equal(refreshed.length, 1);
    assert.match(refreshed[0]!, /190/);
    assert.deepEqual(sleeps, [3000, 250]); // Retry-After, then the first backoff step (no jitter)
    const first = server.requests[0]!.url.searchParams;
    assert.deepEqual(
      [
        first.get('level'),
        first.get('time_increment'),
        first.get('time_range'),
        first.get('limit'),
      ],
      ['ad', '1', '{"since":"2024-05-01","until":"2024-05-02"}', '2'],
    );
    assert.match(
      first.get('fields')!,
      /campaign_id,campaign_name,adset_id,adset_name,ad_id,ad_name,spend/,
    );
    const last = server.requests.at(-1)!;
    assert.equal(last.url.searchParams.get('after'), 'MQZDZD');
    // the token Meta wrote into `next` is not sent back in the URL
    assert.equal(last.url.searchParams.get('access_token'), null);
  } finally {
    await server.close();
  }
});

test('throttling (code 17, status 400) waits as long as the usage header says', async () => {
  const usage = JSON.stringify({
    '1234567890': [{ type: 'ads_insights', call_count: 100, estimated_time_to_regain_access: 2 }],
  });
  const server = await startReplay({
    [`GET ${ACT}`]: [
      json(
        400,
        { error: { message: 'User request limit reached', code: 17 } },
        { 'x-business-use-case-usage': usage },
      ),
      json(200, page('insights-ad-page2.json')),
    ],
  });
  try {
    const { client, sleeps } = setup(server.baseUrl);
    const rows = await client.insights('act_1234567890', 'campaign', '2024-05-02', '2024-05-02');
    assert.equal(rows.length, 1);
    assert.deepEqual(sleeps, [120_000]);
    assert.equal(server.requests[0]!.url.searchParams.get('fields')!.includes('adset_id'), false);
  } finally {
    await server.close();
  }
});

test('an async report run: submitted, polled to completion, its insights paged', async () => {
  const server = await startReplay({
    [`POST ${ACT}`]: json(200, { report_run_id: '6000001' }),
    'GET /v21.0/6000001': [
      json(200, { id: '6000001', async_status: 'Job Running', async_percent_completion: 40 }),
      json(200, { id: '6000001', async_status: 'Job Completed', async_percent_completion: 100 }),
    ],
    'GET /v21.0/6000001/insights': json(200, page('insights-ad-page2.json')),
  });
  try {
    const { client, sleeps } = setup(server.baseUrl, 'EAAB-new-token');
    const rows = await client.insightsAsync('1234567890', 'ad', '2024-01-01', '2024-12-31');
    assert.deepEqual(
      rows.map((r) => r.costMicros),
      [1_184_500_000],
    );
    assert.deepEqual(sleeps, [1000]);
    const submit = new URLSearchParams(server.requests[0]!.body);
    assert.equal(submit.get('time_increment'), '1');
    assert.equal(submit.get('level'), 'ad');
  } finally {
    await server.close();
  }
});

test('a failed report run and a bad row are errors naming what failed, with no token shown', async () => {
  const bad = page('insights-ad-page2.json') as { data: Record<string, unknown>[] };
  bad.data[0]!.impressions = 'lots';
  const server = await startReplay({
    [`POST ${ACT}`]: json(200, { report_run_id: '6000002' }),
    'GET /v21.0/6000002': json(200, { async_status: 'Job Failed' }),
    [`GET ${ACT}`]: json(200, bad),
  });
  try {
    const { client } = setup(server.baseUrl, 'EAAB-secret-token');
    await assert.rejects(
      client.insightsAsync('1234567890', 'ad', '2024-01-01', '2024-01-02'),
      /Job Failed/,
    );
    await assert.rejects(
      client.insights('1234567890', 'ad', '2024-05-02', '2024-05-02'),
      (e: Error) =>
        /page 1 data\[0\]\.impressions/.test(e.message) && !e.message.includes('EAAB-secret'),
    );
    await assert.rejects(client.insights('1234567890', 'ad', '2024-05-03', '2024-05-02'), /period/);
  } finally {
    await server.close();
  }
});
