// The searchStream client against a real local server replaying the Google Ads API: the developer
// token and login-customer-id on every request, the GAQL of the level in the body, UNAUTHENTICATED
// refreshing the token once, RESOURCE_EXHAUSTED waited out by its RetryInfo delay, a 500 retried, and
// a partial row the schema refuses named by batch, result and field. Waits are recorded, not waited.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { json, startReplay } from '../../test-helpers/replay-server.js';
import { createGoogleAdsClient } from './client.js';

const stream = JSON.parse(
  readFileSync(new URL('./fixtures/search-stream-campaign.json', import.meta.url), 'utf8'),
) as unknown;
const PATH = 'POST /v19/customers/1234567890/googleAds:searchStream';
const unauthenticated = [
  {
    error: {
      code: 401,
      message: 'Request had invalid authentication credentials.',
      status: 'UNAUTHENTICATED',
    },
  },
];
const quota = {
  error: {
    code: 429,
    message: 'Resource has been exhausted (e.g. check quota).',
    status: 'RESOURCE_EXHAUSTED',
    details: [
      { '@type': 'type.googleapis.com/google.ads.googleads.v19.errors.GoogleAdsFailure' },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' },
    ],
  },
};

test('searchStream: headers, the level query, token refresh, quota waits and a 500 retried', async () => {
  let n = 0;
  const server = await startReplay({
    [PATH]: (req) => {
      if (req.headers.authorization !== 'Bearer ya29.fresh') return json(401, unauthenticated);
      n++;
      if (n === 1) return json(429, quota);
      if (n === 2)
        return json(500, { error: { code: 500, message: 'Internal error', status: 'INTERNAL' } });
      if (n === 3)
        return json(
          429,
          { error: { code: 429, message: 'slow', status: 'RESOURCE_EXHAUSTED' } },
          { 'retry-after': '4' },
        );
      return json(200, stream);
    },
  });
  try {
    const sleeps: number[] = [];
    const refreshed: string[] = [];
    const client = createGoogleAdsClient({
      baseUrl: server.baseUrl,
      developerToken: 'DEVTOKEN-abcdef123456',
      loginCustomerId: '987-654-3210',
      oauth: { accessToken: 'ya29.stale', refresh: async (r) => (refreshed.push(r), 'ya29.fresh') },
      random: () => 0,
      sleep: async (ms) => void sleeps.push(ms),
    });
    const rows = await client.costs('123-456-7890', 'campaign', '2024-05-01', '2024-05-01');
    assert.deepEqual(
      rows.map((r) => [r.date, r.campaignId, r.campaignName, r.currency, r.costMicros, r.clicks]),
      [
        ['2024-05-01', '111', 'Brand', 'USD', 18_450_000, 120],
        ['2024-05-01', '112', 'Generic', 'USD', 7_100_000, 15],
      ],
    );
    assert.equal(refreshed.length, 1);
    // RetryInfo, the 500's backoff (second attempt), then a Retry-After header
    assert.deepEqual(sleeps, [12_000, 500, 4000]);
    const last = server.requests.at(-1)!;
    assert.equal(last.headers['developer-token'], 'DEVTOKEN-abcdef123456');
    assert.equal(last.headers['login-customer-id'], '9876543210');
    assert.match(
      (last.json as { query: string }).query,
      /FROM campaign WHERE segments\.date BETWEEN '2024-05-01' AND '2024-05-01'$/,
    );
  } finally {
    await server.close();
  }
});

test('a refused row names batch, result and field; an API error shows no developer token', async () => {
  const bad = structuredClone(stream) as { results: { metrics: Record<string, unknown> }[] }[];
  bad[0]!.results[1]!.metrics.costMicros = '7.1';
  const server = await startReplay({
    [PATH]: [
      json(200, bad),
      json(400, {
        error: {
          code: 400,
          message: 'Developer token DEVTOKEN-abcdef123456 is not approved',
          status: 'PERMISSION_DENIED',
        },
      }),
    ],
  });
  try {
    const client = createGoogleAdsClient({
      baseUrl: server.baseUrl,
      developerToken: 'DEVTOKEN-abcdef123456',
      oauth: { accessToken: 'ya29.x', refresh: async () => 'ya29.y' },
    });
    await assert.rejects(
      client.costs('1234567890', 'campaign', '2024-05-01', '2024-05-01'),
      /batch 0, result 1, metrics\.costMicros/,
    );
    await assert.rejects(
      client.costs('1234567890', 'campaign', '2024-05-01', '2024-05-01'),
      (e: Error) => /PERMISSION_DENIED/.test(e.message) && !e.message.includes('DEVTOKEN-abcdef'),
    );
    assert.equal(server.requests[0]!.headers['login-customer-id'], undefined);
  } finally {
    await server.close();
  }
});
