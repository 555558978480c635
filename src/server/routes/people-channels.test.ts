// Journeys and channel rules over HTTP: events in through the API, derived in the background,
// read back as a person's journey; a rules change re-derives history and reports exactly what moved.
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

test('new events are derived in the background: the person and their journey are found by email', async () => {
  assert.equal(
    (
      await send([
        page(
          'j1',
          'anon-j',
          '2026-05-01T10:00:00Z',
          'https://acme.io/?utm_source=google&utm_medium=cpc&gclid=G',
          'https://www.google.com/',
        ),
        page('j2', 'anon-j', '2026-05-01T10:02:00Z', 'https://acme.io/pricing', 'https://acme.io/'),
        {
          type: 'track',
          messageId: 'j3',
          anonymousId: 'anon-j',
          event: 'file_download',
          timestamp: '2026-05-01T10:03:00Z',
          properties: { url: 'https://acme.io/wp.pdf' },
        },
        page(
          'j4',
          'anon-j',
          '2026-05-04T08:00:00Z',
          'https://acme.io/demo',
          'https://www.linkedin.com/',
        ),
        {
          type: 'identify',
          messageId: 'j5',
          anonymousId: 'anon-j',
          timestamp: '2026-05-04T08:05:00Z',
          traits: { email: 'Jo@Acme.io' },
        },
      ])
    ).status,
    200,
  );
  await s.app.ingest.settle();
  const found = await api('/api/people?email=JO@acme.io');
  const { people } = (await found.json()) as { people: { personId: string }[] };
  assert.equal(people.length, 1);
  const j = (await (await api(`/api/people/${people[0]!.personId}/journey`)).json()) as {
    identifiers: { kind: string; value: string }[];
    timeline: {
      kind: string;
      session?: { channel: string; pageViews: number };
      pages?: unknown[];
      event?: string;
      milestone?: string;
    }[];
  };
  assert.deepEqual(j.identifiers, [
    { kind: 'anonymous_id', value: 'anon-j' },
    { kind: 'email', value: 'jo@acme.io' },
  ]);
  assert.deepEqual(
    j.timeline.map((i) =>
      i.kind === 'session'
        ? `session:${i.session!.channel}:${i.pages!.length}`
        : i.kind === 'event'
          ? `event:${i.event ?? 'identify'}`
          : `${i.kind}:${i.milestone ?? ''}`,
    ),
    [
      'session:Paid Search:2',
      'event:file_download',
      'session:Organic Social:1',
      'event:identify',
      'milestone:lead',
    ],
  );
  assert.equal((await api('/api/people/p_nope/journey')).status, 404);
  const bad = await api('/api/people?email=not-an-email');
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { error: { field: string } }).error.field, 'email');
  assert.equal((await api('/api/people')).status, 400);
  assert.equal((await fetch(`${s.base}/api/people?email=jo@acme.io`)).status, 401);
});

test('reordering two rules re-derives history and the before/after diff is exact', async () => {
  // email/referral-tagged visits: Referral under the defaults (Referral is tried before Email)
  await send([
    page(
      'r1',
      'anon-r1',
      '2026-06-01T10:00:00Z',
      'https://acme.io/?utm_source=email&utm_medium=referral',
    ),
    page(
      'r2',
      'anon-r2',
      '2026-06-01T11:00:00Z',
      'https://acme.io/?utm_source=email&utm_medium=referral',
    ),
    page(
      'r3',
      'anon-r3',
      '2026-06-01T12:00:00Z',
      'https://acme.io/?utm_source=partner&utm_medium=referral',
    ),
    page(
      'r4',
      'anon-r4',
      '2026-06-01T13:00:00Z',
      'https://acme.io/?utm_source=linkedin&utm_medium=paid_social',
    ),
  ]);
  await s.app.ingest.settle();
  const count = async () =>
    Object.fromEntries(
      (await s.store.sessionsByChannel(s.workspace.id)).map((c) => [c.channel, c.sessions]),
    );
  const before = await count();
  const res = await api('/api/channels/rules', {
    method: 'PUT',
    body: JSON.stringify({
      extends: 'ga4-default',
      before: [
        {
          id: 'linkedin-ads',
          channel: 'LinkedIn Ads',
          when: {
            all: [
              { field: 'medium', op: 'equals', value: 'paid_social' },
              { field: 'source', op: 'equals', value: 'linkedin' },
            ],
          },
        },
      ],
      move: [{ rule: 'email', before: 'referral' }],
    }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const diff = (await res.json()) as {
    moved: number;
    channels: { channel: string; before: number; after: number }[];
    matrix: { from: string; to: string; sessions: number }[];
  };
  const afterCounts = await count();
  for (const c of diff.channels) {
    assert.equal(c.before, before[c.channel] ?? 0, `before ${c.channel}`);
    assert.equal(c.after, afterCounts[c.channel] ?? 0, `after ${c.channel}`);
  }
  assert.deepEqual(diff.matrix, [
    { from: 'Referral', to: 'Email', sessions: 2 },
    { from: 'Paid Social', to: 'LinkedIn Ads', sessions: 1 },
  ]);
  assert.equal(diff.moved, 3);
  // the journey API and explain use the new rules
  const ex = (await (
    await api(
      `/api/channels/explain?url=${encodeURIComponent('https://acme.io/?utm_source=email&utm_medium=referral')}`,
    )
  ).json()) as { channel?: string; result?: { channel: string } };
  assert.equal(ex.channel ?? ex.result?.channel, 'Email');
  // invalid rules: 400 naming the problem, nothing changes
  const bad = await api('/api/channels/rules', {
    method: 'PUT',
    body: JSON.stringify({
      rules: [{ id: 'x', channel: 'X', when: { field: 'medium', op: 'eq', value: 'a' } }],
    }),
  });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: { message: string } }).error.message, /op/);
  assert.deepEqual(await count(), afterCounts);
  // back to the defaults
  const reset = await api('/api/channels/rules', { method: 'PUT', body: 'null' });
  assert.equal(reset.status, 200);
  assert.deepEqual(await count(), before);
});
