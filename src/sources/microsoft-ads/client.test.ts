// The Reporting client against a real local server replaying Microsoft Advertising's REST reporting:
// the report request submitted with the developer token and account headers, an expired token
// refreshed (code 109), polled through Pending and a 500, and the zipped CSV downloaded from the signed
// URL (a 503 retried) without our credentials and without showing the URL. Waits are recorded.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { json, startReplay, type ReplayAnswer } from '../../test-helpers/replay-server.js';
import { zipOf } from '../../test-helpers/zip-writer.js';
import { createMicrosoftAdsClient } from './client.js';

const csv = readFileSync(new URL('./fixtures/keyword-performance-report.csv', import.meta.url));
const EXPIRED = {
  Errors: [
    {
      Code: 109,
      ErrorCode: 'AuthenticationTokenExpired',
      Message: 'The OAuth access token has expired',
    },
  ],
};

test('submit, poll, download the zip: keyword rows through 109, 429, 500 and 503', async () => {
  let base = '';
  let polls = 0;
  let submits = 0;
  const server = await startReplay({
    'POST /Reporting/v13/GenerateReport/Submit': (req) => {
      if (req.headers.authorization !== 'Bearer fresh') return json(401, EXPIRED);
      return ++submits === 1
        ? json(
            429,
            { Errors: [{ Code: 117, ErrorCode: 'CallRateExceeded', Message: 'slow' }] },
            { 'retry-after': '9' },
          )
        : json(200, { ReportRequestId: '30000001_abc' });
    },
    'POST /Reporting/v13/GenerateReport/Poll': () =>
      (<ReplayAnswer[]>[
        json(200, { ReportRequestStatus: { Status: 'Pending', ReportDownloadUrl: null } }),
        json(500, {
          Errors: [{ Code: 0, ErrorCode: 'InternalError', Message: 'An internal error' }],
        }),
        json(200, {
          ReportRequestStatus: {
            Status: 'Success',
            ReportDownloadUrl: `${base}/blob/r.zip?sig=SIGNED-SECRET`,
          },
        }),
      ])[Math.min(polls++, 2)],
    'GET /blob/r.zip': [
      { status: 503, body: 'busy' },
      {
        status: 200,
        headers: { 'content-type': 'application/x-zip-compressed' },
        body: zipOf('r.csv', csv),
      },
    ],
  });
  base = server.baseUrl;
  try {
    const sleeps: number[] = [];
    const client = createMicrosoftAdsClient({
      baseUrl: server.baseUrl,
      developerToken: 'DEV-TOKEN-1234',
      customerId: '150001',
      oauth: { accessToken: 'stale', refresh: async () => 'fresh' },
      pollMs: 2000,
      random: () => 0,
      sleep: async (ms) => void sleeps.push(ms),
    });
    const r = await client.costs('180001', 'Keyword', '2024-05-01', '2024-05-01');
    assert.deepEqual(
      r.rows.map((x) => [x.date, x.campaignId, x.adGroupId, x.keyword, x.matchType, x.costMicros]),
      [
        ['2024-05-01', '7001', '8001', 'closedloop', 'Exact', 55_200_000],
        ['2024-05-01', '7001', '8001', 'closed loop attribution', 'Phrase', 3_100_000],
      ],
    );
    // Retry-After of the 429, the poll interval, the 500's and the 503's backoff
    assert.deepEqual(sleeps, [9000, 2000, 250, 250]);
    const submit = server.requests.filter((q) => q.url.pathname.endsWith('/Submit')).at(-1)!;
    assert.equal(submit.headers.developertoken, 'DEV-TOKEN-1234');
    assert.equal(submit.headers.customerid, '150001');
    assert.equal(submit.headers.customeraccountid, '180001');
    const body = submit.json as { ReportRequest: Record<string, unknown> };
    assert.equal(body.ReportRequest.Type, 'KeywordPerformanceReportRequest');
    assert.equal(body.ReportRequest.Aggregation, 'Daily');
    assert.deepEqual(body.ReportRequest.Time, {
      CustomDateRangeStart: { Year: 2024, Month: 5, Day: 1 },
      CustomDateRangeEnd: { Year: 2024, Month: 5, Day: 1 },
    });
    const download = server.requests.find((q) => q.url.pathname === '/blob/r.zip')!;
    assert.equal(download.headers.authorization, undefined);
    assert.equal(download.headers.developertoken, undefined);
  } finally {
    await server.close();
  }
});

test('a failed report, and a download that keeps failing, are errors without the signed URL', async () => {
  let base = '';
  const server = await startReplay({
    'POST /Reporting/v13/GenerateReport/Submit': json(200, { ReportRequestId: 'r1' }),
    'POST /Reporting/v13/GenerateReport/Poll': (req) =>
      (req.json as { ReportRequestId: string }).ReportRequestId === 'r1'
        ? json(200, {
            ReportRequestStatus: {
              Status: 'Success',
              ReportDownloadUrl: `${base}/blob/gone?sig=SIGNED-SECRET`,
            },
          })
        : json(200, { ReportRequestStatus: { Status: 'Error' } }),
    'GET /blob/gone': { status: 403, body: 'AuthenticationFailed' },
  });
  base = server.baseUrl;
  try {
    const client = createMicrosoftAdsClient({
      baseUrl: server.baseUrl,
      developerToken: 'DEV-TOKEN-1234',
      customerId: '1',
      oauth: { accessToken: 't', refresh: async () => 't' },
      sleep: async () => {},
    });
    await assert.rejects(
      client.costs('180001', 'Campaign', '2024-05-01', '2024-05-02'),
      (e: Error) => /download answered 403/.test(e.message) && !e.message.includes('SIGNED-SECRET'),
    );
  } finally {
    await server.close();
  }
  const failed = await startReplay({
    'POST /Reporting/v13/GenerateReport/Submit': json(200, { ReportRequestId: 'r2' }),
    'POST /Reporting/v13/GenerateReport/Poll': json(200, {
      ReportRequestStatus: { Status: 'Error' },
    }),
  });
  try {
    const client = createMicrosoftAdsClient({
      baseUrl: failed.baseUrl,
      developerToken: 'DEV-TOKEN-1234',
      customerId: '1',
      oauth: { accessToken: 't', refresh: async () => 't' },
    });
    await assert.rejects(
      client.costs('180001', 'Campaign', '2024-05-01', '2024-05-02'),
      /report r2 failed/,
    );
  } finally {
    await failed.close();
  }
});
