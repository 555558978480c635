// The channel rules preview over HTTP (on the test engine: DuckDB, or ClickHouse with
// CLOSEDLOOP_TEST_ENGINES=clickhouse): the proposed rules' moves, computed over the stored sessions
// without writing anything, are exactly what saving the same rules then reports; the current rules move
// nothing; a bounded read says it is a sample; invalid rules are a 400; an analyst may preview, a viewer
// may not (nor may an analyst save).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { previewChannelRules } from '../../derive/channel-rules-preview.js';
import {
  clientFor,
  pageCall as page,
  startTestServer,
  type TestServer,
} from '../../test-helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ ingestRateLimit: 0 });
  const res = await clientFor(s).send([
    page(
      'p1',
      'anon-1',
      '2026-06-01T10:00:00Z',
      'https://acme.io/a?utm_source=email&utm_medium=referral',
    ),
    page(
      'p2',
      'anon-2',
      '2026-06-01T11:00:00Z',
      'https://acme.io/b?utm_source=email&utm_medium=referral',
    ),
    page(
      'p3',
      'anon-3',
      '2026-06-01T12:00:00Z',
      'https://acme.io/?utm_source=partner&utm_medium=referral',
    ),
    page(
      'p4',
      'anon-4',
      '2026-06-01T13:00:00Z',
      'https://acme.io/?utm_source=linkedin&utm_medium=paid_social',
    ),
    page(
      'p5',
      'anon-5',
      '2026-06-01T14:00:00Z',
      'https://acme.io/?gclid=ABC',
      'https://www.google.com/',
    ),
    page(
      'p6',
      'anon-6',
      '2026-06-01T15:00:00Z',
      'https://acme.io/?gclid=DEF',
      'https://www.google.com/',
    ),
    page('p7', 'anon-7', '2026-06-01T16:00:00Z', 'https://acme.io/', 'https://www.google.com/'),
  ]);
  assert.equal(res.status, 200);
  await s.app.ingest.settle();
});
after(async () => s.close());

const api = (path: string, init?: RequestInit) => clientFor(s).api(path, init);

interface Preview {
  sessions: number;
  totalSessions: number;
  sampled: boolean;
  moved: number;
  moves: { from: string; to: string; sessions: number; examples: string[] }[];
  channels: { channel: string; before: number; after: number }[];
  examples: { from: string; to: string; landingUrl: string }[];
}

const PROPOSED = {
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
    // a click id rule: the gclid sessions (their values differ) move together
    { id: 'gclid', channel: 'Google Ads', when: { field: 'click_id.gclid', op: 'exists' } },
  ],
  move: [{ rule: 'email', before: 'referral' }],
};

const preview = async (body: unknown): Promise<Preview> => {
  const res = await api('/api/channels/rules/preview', {
    method: 'POST',
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as Preview;
};

const counts = async () =>
  Object.fromEntries(
    (await s.store.sessionsByChannel(s.workspace.id)).map((c) => [c.channel, c.sessions]),
  );

test('the current rules move nothing; proposed rules move what saving them then moves', async () => {
  const stored = await counts();
  const same = await preview(null);
  assert.equal(same.totalSessions, 7);
  assert.equal(same.sessions, 7);
  assert.equal(same.sampled, false);
  assert.equal(same.moved, 0);
  assert.deepEqual(same.moves, []);
  for (const c of same.channels) assert.equal(c.before, stored[c.channel], c.channel);

  const p = await preview(PROPOSED);
  assert.deepEqual(
    p.moves.map(({ from, to, sessions }) => ({ from, to, sessions })),
    [
      { from: 'Paid Search', to: 'Google Ads', sessions: 2 },
      { from: 'Referral', to: 'Email', sessions: 2 },
      { from: 'Paid Social', to: 'LinkedIn Ads', sessions: 1 },
    ],
  );
  assert.equal(p.moved, 5);
  // one landing URL per group of sessions that read alike: the first of the two email/referral ones
  assert.deepEqual(p.moves[1]!.examples, [
    'https://acme.io/a?utm_source=email&utm_medium=referral',
  ]);
  assert.ok(p.examples.length >= 3);
  for (const e of p.examples)
    assert.ok(
      p.moves.some((m) => m.from === e.from && m.to === e.to && m.examples.includes(e.landingUrl)),
    );
  // nothing was written
  assert.deepEqual(await counts(), stored);
  const rules = (await (await api('/api/channels/rules')).json()) as { custom: unknown };
  assert.equal(rules.custom, null);

  // saving the same rules moves exactly what the preview said
  const saved = await api('/api/channels/rules', { method: 'PUT', body: JSON.stringify(PROPOSED) });
  assert.equal(saved.status, 200);
  const diff = (await saved.json()) as { moved: number; matrix: Preview['moves'] };
  assert.deepEqual(
    diff.matrix,
    p.moves.map(({ from, to, sessions }) => ({ from, to, sessions })),
  );
  assert.equal(diff.moved, p.moved);
  // and now the saved rules preview as no change, the defaults as the way back
  assert.equal((await preview(PROPOSED)).moved, 0);
  const back = await preview(null);
  assert.deepEqual(
    back.moves.map(({ from, to, sessions }) => ({ from, to, sessions })),
    [
      { from: 'Email', to: 'Referral', sessions: 2 },
      { from: 'Google Ads', to: 'Paid Search', sessions: 2 },
      { from: 'LinkedIn Ads', to: 'Paid Social', sessions: 1 },
    ],
  );
  assert.equal((await api('/api/channels/rules', { method: 'PUT', body: 'null' })).status, 200);
  assert.deepEqual(await counts(), stored);
});

test('a bounded read is a sample, and says so', async () => {
  const p = await previewChannelRules(s.store, s.workspace.id, PROPOSED, 2);
  assert.equal(p.sampled, true);
  assert.equal(p.totalSessions, 7);
  // the two largest groups: the two email/referral sessions, and the two gclid sessions (their click
  // ids' values differ, but the rules see them blinded: one group)
  assert.equal(p.sessions, 4);
});

test('invalid rules are a 400 naming the problem; analysts may preview, viewers may not', async () => {
  const bad = await api('/api/channels/rules/preview', {
    method: 'POST',
    body: JSON.stringify({
      rules: [{ id: 'x', channel: 'X', when: { field: 'medium', op: 'eq', value: 'a' } }],
    }),
  });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: { message: string } }).error.message, /op/);

  const keyOf = async (role: string) => {
    const res = await api('/api/keys', {
      method: 'POST',
      body: JSON.stringify({ name: role, role }),
    });
    assert.equal(res.status, 201);
    return ((await res.json()) as { secretKey: string }).secretKey;
  };
  const as = (key: string, path: string, method: string, body: unknown) =>
    fetch(`${s.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const analyst = await keyOf('analyst');
  const viewer = await keyOf('viewer');
  assert.equal((await as(analyst, '/api/channels/rules/preview', 'POST', PROPOSED)).status, 200);
  assert.equal((await as(viewer, '/api/channels/rules/preview', 'POST', PROPOSED)).status, 403);
  assert.equal((await as(analyst, '/api/channels/rules', 'PUT', PROPOSED)).status, 403);
});
