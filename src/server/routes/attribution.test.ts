// Attribution over HTTP: events in through the API, credited in the background, reported by any touch
// dimension; settings changes re-credit and bad input is refused naming the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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

const send = (batch: unknown[]) => clientFor(s).send(batch);
const api = (path: string, init?: RequestInit) => clientFor(s).api(path, init);
const page = pageCall;

interface Report {
  model: string;
  stored: boolean;
  totals: { conversions: number };
  rows: { key: Record<string, string | null>; conversions: number; touchedConversions: number }[];
}

test('credits follow new events in the background and are reported by channel and by campaign', async () => {
  assert.equal(
    (
      await send([
        page(
          'a1',
          'anon-a',
          '2026-05-01T10:00:00Z',
          'https://acme.io/?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=G',
          'https://www.google.com/',
        ),
        page(
          'a2',
          'anon-a',
          '2026-05-03T10:00:00Z',
          'https://acme.io/blog?utm_source=newsletter&utm_medium=email&utm_campaign=may',
        ),
        {
          type: 'identify',
          messageId: 'a3',
          anonymousId: 'anon-a',
          timestamp: '2026-05-03T10:05:00Z',
          traits: { email: 'a@acme.io' },
        },
        page(
          'b1',
          'anon-b',
          '2026-05-02T10:00:00Z',
          'https://acme.io/?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=H',
          'https://www.google.com/',
        ),
        {
          type: 'identify',
          messageId: 'b2',
          anonymousId: 'anon-b',
          timestamp: '2026-05-02T10:01:00Z',
          traits: { email: 'b@acme.io' },
        },
        page('c1', 'anon-c', '2026-05-02T12:00:00Z', 'https://acme.io/', 'https://www.bing.com/'),
      ])
    ).status,
    200,
  );
  await s.app.ingest.settle();

  const linear = (await (
    await api('/api/reports/attribution?model=linear&groupBy=channel,campaign')
  ).json()) as Report;
  assert.equal(linear.stored, true);
  assert.deepEqual(
    linear.rows.map((r) => [r.key.channel, r.key.campaign, r.conversions, r.touchedConversions]),
    [
      ['Paid Search', 'brand', 1.5, 2],
      ['Email', 'may', 0.5, 1],
    ],
  );
  const first = (await (await api('/api/reports/attribution?model=first_touch')).json()) as Report;
  assert.deepEqual(
    first.rows.map((r) => [r.key.channel, r.conversions]),
    [['Paid Search', 2]],
  );

  const cmp = (await (await api('/api/reports/model-comparison?groupBy=channel')).json()) as {
    models: Record<string, Report['rows']>;
  };
  for (const [model, rows] of Object.entries(cmp.models)) {
    const total = rows.reduce((sum, r) => sum + r.conversions, 0);
    assert.ok(Math.abs(total - 2) < 1e-9, `${model} conserves the two leads (${total})`);
  }
  assert.ok(cmp.models.markov && cmp.models.shapley_simplified && cmp.models.w_shaped);

  // per query: last touch excluding Email, computed for this request only
  const q = (await (
    await api('/api/reports/attribution?model=last_touch&excludeChannels=Email')
  ).json()) as Report;
  assert.equal(q.stored, false);
  assert.deepEqual(
    q.rows.map((r) => [r.key.channel, r.conversions]),
    [['Paid Search', 2]],
  );

  const fits = (await (await api('/api/reports/attribution-fits')).json()) as {
    fits: { model: string; channel: string; score: number }[];
  };
  assert.ok(
    fits.fits.some((f) => f.model === 'markov' && f.channel === 'Paid Search' && f.score > 0),
  );
});

test('settings: saved and re-credited in full; invalid settings and queries are refused naming the field', async () => {
  const put = await api('/api/attribution/settings', {
    method: 'PUT',
    body: JSON.stringify({ lookbackDays: 1 }),
  });
  assert.equal(put.status, 200);
  const body = (await put.json()) as {
    settings: { lookbackDays: number };
    credits: { conversions: number };
  };
  assert.equal(body.settings.lookbackDays, 1);
  // a's paid search visit is two days before the lead: outside a one-day window
  const last = (await (await api('/api/reports/attribution?model=first_touch')).json()) as Report;
  assert.deepEqual(
    last.rows.map((r) => [r.key.channel, r.conversions]),
    [
      ['Email', 1],
      ['Paid Search', 1],
    ],
  );

  const bad = await api('/api/attribution/settings', {
    method: 'PUT',
    body: JSON.stringify({ lookbackDays: -3 }),
  });
  assert.equal(bad.status, 400);
  assert.deepEqual(
    ((await bad.json()) as { error: { code: string; field: string } }).error.field,
    'lookbackDays',
  );
  const got = (await (await api('/api/attribution/settings')).json()) as {
    settings: { lookbackDays: number };
  };
  assert.equal(got.settings.lookbackDays, 1);

  for (const [path, field] of [
    ['/api/reports/attribution?model=magic', 'model'],
    ['/api/reports/attribution?groupBy=colour', 'groupBy'],
    ['/api/reports/attribution?from=yesterday', 'from'],
    ['/api/reports/attribution?from=2026-06-01&to=2026-05-01', 'to'],
    ['/api/reports/model-comparison?groupBy=colour', 'groupBy'],
    ['/api/reports/attribution?model=custom', 'model'],
    ['/api/reports/attribution?lookbackDays=30&groupBy=campaign', 'groupBy'],
    ['/api/reports/attribution?transforms=shuffle', 'transforms.0'],
  ] as const) {
    const r = await api(path);
    assert.equal(r.status, 400, path);
    assert.equal(((await r.json()) as { error: { field: string } }).error.field, field, path);
  }
  assert.equal((await fetch(`${s.base}/api/reports/attribution`)).status, 401);
});

test('a lead from a server-side identify (userId only, no visit) is credited to "(no touchpoint)" in the background', async () => {
  assert.equal(
    (
      await send([
        {
          type: 'identify',
          messageId: 'crm-1',
          userId: 'crm-42',
          timestamp: '2026-05-05T09:00:00Z',
          traits: { email: 'crm@acme.io' },
        },
      ])
    ).status,
    200,
  );
  await s.app.ingest.settle();
  const r = (await (await api('/api/reports/attribution?model=linear')).json()) as Report;
  assert.deepEqual(r.rows.find((x) => x.key.channel === '(no touchpoint)')?.conversions, 1);
});
