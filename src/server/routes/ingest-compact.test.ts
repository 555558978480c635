// POST /collect with the snippet's compact body (tracker/src/wire.ts, expanded by
// collect/compact-collect.ts): stored exactly as the keyed body the snippet sent before, through the same
// acceptance rule, deduplicated on the snippet's messageId.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { compactEvent, type CompactEvent } from '../../../tracker/src/wire.js';
import { startTestServer, type TestServer } from '../../test-helpers/server.js';
import type { StoredEvent } from '../../store/types.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ ingestRateLimit: 0 });
});
after(async () => s.close());

const collect = (body: unknown) =>
  fetch(`${s.base}/collect`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: JSON.stringify(body),
  });

const URL_ = 'https://www.shop.test/pricing?utm_source=google&gclid=abc&token=t-1';
const TIME = '2026-03-01T10:00:00.100Z';

/** A click on a download link as cl.js makes it now (ids given). */
const click = (messageId: string, anonymousId: string, time = TIME): CompactEvent =>
  compactEvent(
    'track',
    messageId,
    anonymousId,
    undefined,
    time,
    's-1',
    URL_,
    'https://www.google.com/',
    'Pricing',
    'Europe/Berlin',
    1440,
    900,
    { url: 'https://www.shop.test/files/report.pdf', file_type: 'pdf' },
    'file_download',
  );

/**
 * A stored event without what differs by request: the ids, and the receive time (the event time too:
 * these events were made as they were sent, so the skew correction makes it the receive time).
 */
const comparable = ({ messageId, anonymousId, receivedAt, timestamp, ...rest }: StoredEvent) => {
  void [messageId, anonymousId, receivedAt, timestamp];
  return rest;
};

const stored = async (anonymousId: string): Promise<StoredEvent[]> => {
  await s.app.ingest.flush();
  return s.store.queryEvents(s.workspace.id, { anonymousId });
};

test('a compact body is stored exactly as the keyed body the snippet sent before (enriched, redacted, keyed events beside it)', async () => {
  const page = { url: URL_, referrer: 'https://www.google.com/', title: 'Pricing' };
  const keyedContext = {
    page,
    sessionId: 's-1',
    timezone: 'Europe/Berlin',
    screen: { width: 1440, height: 900 },
  };
  const keyed = {
    writeKey: s.workspace.writeKey,
    sentAt: TIME,
    batch: [
      {
        type: 'page',
        messageId: 'k-1',
        anonymousId: 'keyed',
        timestamp: TIME,
        properties: { ...page, plan: 'pro' },
        context: keyedContext,
      },
      {
        type: 'identify',
        messageId: 'k-2',
        anonymousId: 'keyed',
        userId: 'u-7',
        timestamp: TIME,
        properties: {},
        context: keyedContext,
        traits: { email: 'ada@example.com' },
      },
      {
        type: 'track',
        messageId: 'k-3',
        anonymousId: 'keyed',
        userId: 'u-7',
        timestamp: TIME,
        properties: {},
        context: keyedContext,
        event: 'signed_up',
      },
    ],
  };
  const fields = (type: 'page' | 'identify' | 'track', id: string, user?: string) =>
    [
      type,
      id,
      'compact',
      user,
      TIME,
      's-1',
      URL_,
      'https://www.google.com/',
      'Pricing',
      'Europe/Berlin',
      1440,
      900,
    ] as const;
  const compact = [
    s.workspace.writeKey,
    TIME,
    [
      compactEvent(...fields('page', 'c-1'), { plan: 'pro' }, undefined),
      compactEvent(...fields('identify', 'c-2', 'u-7'), 0, { email: 'ada@example.com' }),
      compactEvent(...fields('track', 'c-3', 'u-7'), undefined, 'signed_up'),
      // an event an earlier cl.js left unsent (_cl_q), keyed, sent with the page's compact ones
      { ...keyed.batch[2], messageId: 'c-4', anonymousId: 'compact', event: 'left_unsent' },
    ],
  ];
  const [a, b] = [await collect(keyed), await collect(compact)];
  assert.deepEqual(await a.json(), {
    success: true,
    received: 3,
    accepted: 3,
    duplicates: 0,
    rejected: [],
  });
  assert.deepEqual(await b.json(), {
    success: true,
    received: 4,
    accepted: 4,
    duplicates: 0,
    rejected: [],
  });
  const before = (await stored('keyed')).sort((x, y) => x.messageId.localeCompare(y.messageId));
  const after = (await stored('compact')).sort((x, y) => x.messageId.localeCompare(y.messageId));
  assert.deepEqual(
    after.map((e) => e.messageId),
    ['c-1', 'c-2', 'c-3', 'c-4'],
  );
  assert.equal(
    JSON.stringify(after.slice(0, 3).map(comparable)),
    JSON.stringify(before.map(comparable)),
  );
  assert.equal(after[3]!.event, 'left_unsent');
  // the collector's own steps ran on the expanded events: redaction, path and search
  const [view] = after;
  assert.equal(
    view!.pageUrl,
    'https://www.shop.test/pricing?utm_source=google&gclid=abc&token=[redacted]',
  );
  assert.deepEqual(view!.properties, {
    url: view!.pageUrl,
    referrer: 'https://www.google.com/',
    title: 'Pricing',
    plan: 'pro',
    path: '/pricing',
    search: '?utm_source=google&gclid=abc&token=[redacted]',
  });
});

test('a compact batch sent again is stored once (its events keep the messageIds cl.js gave them)', async () => {
  const body = [s.workspace.writeKey, TIME, [click('r-1', 'retry'), click('r-2', 'retry')]];
  for (let i = 0; i < 2; i++) {
    const r = await collect(body);
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { accepted: number }).accepted, 2);
  }
  assert.deepEqual((await stored('retry')).map((e) => e.messageId).sort(), ['r-1', 'r-2']);
});

test('two identical clicks in the same millisecond are two events (each has its own messageId)', async () => {
  const r = await collect([
    s.workspace.writeKey,
    TIME,
    [click('t-1', 'twice'), click('t-2', 'twice')],
  ]);
  assert.deepEqual(await r.json(), {
    success: true,
    received: 2,
    accepted: 2,
    duplicates: 0,
    rejected: [],
  });
  const events = await stored('twice');
  assert.equal(events.length, 2);
  assert.deepEqual(comparable(events[0]!), comparable(events[1]!));
});

test('compact events meet the same acceptance rule, named by their keyed fields', async () => {
  const r = await collect([
    s.workspace.writeKey,
    TIME,
    [
      click('v-1', 'rule'),
      click('v-2', 'rule', '2026-03-01'),
      click('v-3', 'rule', '1980-01-01T00:00:00Z'),
    ],
  ]);
  assert.deepEqual(await r.json(), {
    success: true,
    received: 3,
    accepted: 1,
    duplicates: 0,
    rejected: [
      { index: 1, field: 'batch[1].timestamp', reason: 'is not an ISO-8601 date-time' },
      { index: 2, field: 'batch[2].timestamp', reason: 'is before 2000-01-01' },
    ],
  });
  assert.deepEqual(
    (await stored('rule')).map((e) => e.messageId),
    ['v-1'],
  );
});

test('a malformed compact body is a 400 naming the position and the reason; an unknown write key a 401', async () => {
  const good = click('m-1', 'malformed');
  const cases: [unknown, number, string, string][] = [
    [
      [s.workspace.writeKey, TIME],
      400,
      '(body)',
      'a compact body is [writeKey, sentAt, batch]; it has 2 items',
    ],
    [
      [s.workspace.writeKey, TIME, [good, good.slice(0, 5)]],
      400,
      'batch[1]',
      'a compact event has 14 items; it has 5',
    ],
    [
      [s.workspace.writeKey, TIME, [['alias', ...good.slice(1)]]],
      400,
      'batch[0][0]',
      'the type of a compact event is "page", "track" or "identify"',
    ],
    [[s.workspace.writeKey, TIME, []], 400, 'batch', 'must hold at least one event'],
    [[s.workspace.writeKey, 'yesterday', [good]], 400, 'sentAt', 'is not an ISO-8601 date-time'],
    [['wk_nope', TIME, [good]], 401, 'writeKey', 'unknown write key'],
    [
      [null, TIME, [good]],
      401,
      'writeKey',
      'a write key is required (Basic auth user name, or writeKey in the body or the query)',
    ],
  ];
  for (const [body, status, field, message] of cases) {
    const r = await collect(body);
    assert.equal(r.status, status, JSON.stringify(body));
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    const { error } = (await r.json()) as { error: { field: string; message: string } };
    assert.deepEqual({ field: error.field, message: error.message }, { field, message });
  }
  assert.deepEqual(await stored('malformed'), []);
});
