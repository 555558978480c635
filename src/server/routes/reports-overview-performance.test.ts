// The overview and performance reports over HTTP (a real listening server): events in through the API,
// counted and credited in the background, read back; bad parameters refused with a 400 naming each one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  clientFor,
  pageCall,
  startTestServer,
  type TestServer,
} from '../../test-helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ ingestRateLimit: 0 });
});
after(async () => s.close());

const api = (path: string) => clientFor(s).api(path);

test('overview and performance answer over HTTP; bad parameters get a 400 naming the parameter', async () => {
  const sent = await clientFor(s).send([
    pageCall(
      'p1',
      'anon-a',
      '2026-05-01T10:00:00Z',
      'https://acme.io/?utm_source=google&utm_medium=cpc&utm_campaign=brand',
    ),
    {
      type: 'identify',
      messageId: 'p2',
      anonymousId: 'anon-a',
      timestamp: '2026-05-01T10:05:00Z',
      traits: { email: 'a@acme.io' },
    },
    pageCall('p3', 'anon-b', '2026-05-02T10:00:00Z', 'https://acme.io/', 'https://www.bing.com/'),
  ]);
  assert.equal(sent.status, 200);
  await s.app.ingest.settle();

  const o = await api('/api/reports/overview?from=2026-05-01&to=2026-05-02');
  assert.equal(o.status, 200);
  const ov = (await o.json()) as { totals: Record<string, number>; daily: { day: string }[] };
  assert.deepEqual([ov.totals.visitors, ov.totals.sessions, ov.totals.leads], [2, 2, 1]);
  assert.deepEqual(
    ov.daily.map((d) => d.day),
    ['2026-05-01', '2026-05-02'],
  );

  const p = await api(
    '/api/reports/performance?from=2026-05-01&to=2026-05-02&model=first_touch&groupBy=channel,campaign',
  );
  assert.equal(p.status, 200);
  const perf = (await p.json()) as {
    rows: { channel: string; campaign: string | null; sessions: number; leads: number }[];
  };
  assert.deepEqual(
    perf.rows.map((r) => [r.channel, r.campaign, r.sessions, r.leads]),
    [
      ['Organic Search', null, 1, 0],
      ['Paid Search', 'brand', 1, 1],
    ],
  );

  for (const [path, field] of [
    ['/api/reports/performance?groupBy=colour', 'groupBy'],
    ['/api/reports/performance?filter=colour:red', 'filter'],
    ['/api/reports/performance?filter=channel', 'filter'],
    ['/api/reports/performance?model=magic', 'model'],
    ['/api/reports/performance?from=2026-06-01&to=2026-05-01', 'to'],
    ['/api/reports/performance?from=yesterday', 'from'],
    ['/api/reports/performance?to=2026-02-30', 'to'],
    ['/api/reports/performance?colour=red', 'query'],
    ['/api/reports/overview?from=2026-06-01&to=2026-05-01', 'to'],
    ['/api/reports/overview?compare=last-year', 'compare'],
    ['/api/reports/overview?compare=2026-05-10..2026-05-01', 'compare'],
    ['/api/reports/overview?model=linear', 'query'],
  ] as const) {
    const r = await api(path);
    const body = (await r.json()) as { error: { field: string } };
    assert.equal(r.status, 400, path);
    assert.equal(body.error.field, field, `${path}: ${JSON.stringify(body)}`);
  }
  assert.equal((await fetch(`${s.base}/api/reports/performance`)).status, 401);
});
