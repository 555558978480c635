import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { basicAuth, startTestServer, type TestServer } from '../../test-helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ ingestRateLimit: 0 });
});
after(async () => s.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${s.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

test('/v1/batch with Basic auth keeps valid events, lists rejected ones, and a retry counts nothing twice', async () => {
  const body = {
    batch: [
      {
        type: 'page',
        messageId: 'b1',
        anonymousId: 'anon-1',
        name: 'Home',
        timestamp: '2026-02-01T10:00:00Z',
      },
      { type: 'track', messageId: 'b2', anonymousId: 'anon-1', timestamp: '2026-02-01T10:00:01Z' },
      {
        type: 'identify',
        messageId: 'b3',
        userId: 'u-1',
        traits: { email: 'a@b.co' },
        timestamp: '2026-02-01T10:00:02Z',
      },
      'nope',
    ],
    sentAt: '2026-02-01T10:00:03Z',
    context: { library: { name: 'test' } },
  };
  const r = await post('/v1/batch', body, { authorization: basicAuth(s.workspace.writeKey) });
  assert.equal(r.status, 200);
  const json = (await r.json()) as {
    accepted: number;
    rejected: { index: number; field: string; reason: string }[];
  };
  assert.equal(json.accepted, 2);
  assert.deepEqual(json.rejected, [
    { index: 1, field: 'batch[1].event', reason: 'is required for track' },
    { index: 3, field: 'batch[3]', reason: 'must be a JSON object' },
  ]);
  const retry = await post('/v1/batch', body, { authorization: basicAuth(s.workspace.writeKey) });
  assert.deepEqual(await retry.json(), {
    success: true,
    received: 4,
    accepted: 2,
    duplicates: 0,
    rejected: json.rejected,
  });
  await s.app.ingest.flush();
  assert.equal(
    (await s.store.queryEvents(s.workspace.id, { userId: 'u-1' })).length,
    1,
    'the retry was not stored twice',
  );
  const stored = await s.store.queryEvents(s.workspace.id, { anonymousId: 'anon-1' });
  assert.deepEqual(
    stored.map((e) => e.messageId),
    ['b1'],
  );
  assert.deepEqual(
    (stored[0]!.context as { library: unknown }).library,
    { name: 'test' },
    'batch context merges into each event',
  );
});

test('a messageId repeated inside one batch is stored once and counted under duplicates, as are identical events without one', async () => {
  const auth = { authorization: basicAuth(s.workspace.writeKey) };
  const page = { type: 'page', anonymousId: 'dup-1', timestamp: '2026-02-01T10:00:00Z' };
  const r = await post(
    '/v1/batch',
    {
      batch: [
        { ...page, messageId: 'dup-a' },
        { ...page, messageId: 'dup-a', name: 'other' },
        { ...page, name: 'x' },
        { ...page, name: 'x' },
        { ...page, name: 'y' },
      ],
    },
    auth,
  );
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), {
    success: true,
    received: 5,
    accepted: 3,
    duplicates: 2,
    rejected: [],
  });
  await s.app.ingest.flush();
  const stored = await s.store.queryEvents(s.workspace.id, { anonymousId: 'dup-1' });
  assert.equal(stored.length, 3);
  assert.equal(
    stored.find((e) => e.messageId === 'dup-a')?.name,
    null,
    'the first of the repeats is the one kept',
  );
});

test('hostile strings: lone surrogates and NUL in keys and values are stored as U+FFFD on every route, and the loader goes on', async () => {
  const auth = { authorization: basicAuth(s.workspace.writeKey) };
  const hostile = {
    type: 'track',
    event: 'x\ud800',
    anonymousId: 'sur-1',
    properties: { 'k\u0000': 'v\udc00', nested: [{ s: '\ud83d\ude00 ok' }] },
  };
  const a = await post('/v1/batch', { batch: [{ ...hostile, messageId: 'sur-a' }] }, auth);
  const b = await post(
    '/collect',
    { writeKey: s.workspace.writeKey, batch: [{ ...hostile, messageId: 'sur-b' }] },
    { 'content-type': 'text/plain' },
  );
  const c = await post('/v1/track', { ...hostile, messageId: 'sur-c' }, auth);
  assert.deepEqual([a.status, b.status, c.status], [200, 200, 200]);
  const after = await post(
    '/v1/track',
    { event: 'after', anonymousId: 'sur-1', messageId: 'sur-d' },
    auth,
  );
  assert.equal(after.status, 200);
  await s.app.ingest.flush();
  const stored = await s.store.queryEvents(s.workspace.id, { anonymousId: 'sur-1' });
  assert.deepEqual(stored.map((e) => e.messageId).sort(), ['sur-a', 'sur-b', 'sur-c', 'sur-d']);
  for (const e of stored.filter((x) => x.messageId !== 'sur-d')) {
    assert.equal(e.event, 'x\ufffd');
    assert.deepEqual(e.properties, { 'k\ufffd': 'v\ufffd', nested: [{ s: '\ud83d\ude00 ok' }] });
  }
});

test('nesting deeper than 32 levels is a 400 naming the path, on a single event and inside a batch; 5,000 levels never reach a 5xx', async () => {
  const auth = { authorization: basicAuth(s.workspace.writeKey) };
  const nest = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  const single = await post(
    '/v1/track',
    `{"event":"deep","anonymousId":"deep-1","properties":${nest(40)}}`,
    auth,
  );
  assert.equal(single.status, 400);
  const err = ((await single.json()) as { error: { code: string; field: string; message: string } })
    .error;
  assert.equal(err.code, 'invalid_event');
  assert.equal(
    err.field,
    `properties${'.a'.repeat(31)}`,
    'the first container past level 32 (the event is level 1)',
  );
  assert.match(err.message, /nested too deeply/);
  const ok = await post(
    '/v1/track',
    `{"event":"deep","anonymousId":"deep-1","messageId":"deep-ok","properties":${nest(30)}}`,
    auth,
  );
  assert.equal(ok.status, 200);
  for (const path of ['/v1/batch', '/collect']) {
    const r = await post(
      path,
      `{"writeKey":"${s.workspace.writeKey}","batch":[{"type":"track","event":"d","anonymousId":"deep-1","properties":${nest(5000)}},{"type":"page","anonymousId":"deep-1","messageId":"deep-${path}"}]}`,
      { 'content-type': 'text/plain' },
    );
    assert.equal(r.status, 200, path);
    const j = (await r.json()) as {
      accepted: number;
      rejected: { index: number; field: string }[];
    };
    assert.equal(j.accepted, 1);
    assert.equal(j.rejected[0]!.index, 0);
    assert.match(j.rejected[0]!.field, /^batch\[0\]\.properties(\.a)+$/);
  }
  const type = await post(
    '/v1/batch',
    `{"batch":[{"type":${'['.repeat(5000)}${']'.repeat(5000)},"anonymousId":"deep-1"}]}`,
    auth,
  );
  assert.equal(type.status, 400);
  await s.app.ingest.flush();
  assert.deepEqual(
    (await s.store.queryEvents(s.workspace.id, { anonymousId: 'deep-1' }))
      .map((e) => e.messageId)
      .sort(),
    ['deep-/collect', 'deep-/v1/batch', 'deep-ok'],
  );
});

test('timestamps: strict date-times only; before 2000 refused naming the field; the future replaced by the receive time, the original kept', async () => {
  const auth = { authorization: basicAuth(s.workspace.writeKey) };
  const refused = async (body: Record<string, unknown>, field: string) => {
    const r = await post('/v1/page', { anonymousId: 'ts-1', ...body }, auth);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(
      ((await r.json()) as { error: { field: string } }).error.field,
      field,
      JSON.stringify(body),
    );
  };
  await refused({ timestamp: '2024-01-01+05' }, 'timestamp');
  await refused({ timestamp: '0000-01-01T00:00:00Z' }, 'timestamp');
  await refused({ originalTimestamp: '1999-12-31T23:59:59Z' }, 'originalTimestamp');
  await refused({ sentAt: 'soon' }, 'sentAt');
  const badBatchSentAt = await post(
    '/v1/batch',
    { sentAt: '2024-01-01', batch: [{ type: 'page', anonymousId: 'ts-1' }] },
    auth,
  );
  assert.equal(badBatchSentAt.status, 400);
  assert.equal(
    ((await badBatchSentAt.json()) as { error: { field: string } }).error.field,
    'sentAt',
  );

  const before = Date.now();
  const r = await post(
    '/v1/batch',
    {
      sentAt: '9999-12-31T00:00:00Z', // a wild sentAt: the skew correction would land before 2000, so it is not applied
      batch: [
        {
          type: 'page',
          anonymousId: 'ts-1',
          messageId: 'ts-future',
          timestamp: '9999-01-01T00:00:00Z',
          sentAt: new Date().toISOString(),
        },
        {
          type: 'page',
          anonymousId: 'ts-1',
          messageId: 'ts-good',
          timestamp: '2026-03-01T12:00:00.123456+01:00',
        },
        {
          type: 'page',
          anonymousId: 'ts-1',
          messageId: 'ts-skewed',
          timestamp: '2010-01-01T00:00:00Z',
          sentAt: '2010-01-01T00:00:10Z',
        },
      ],
    },
    auth,
  );
  assert.deepEqual(await r.json(), {
    success: true,
    received: 3,
    accepted: 3,
    duplicates: 0,
    rejected: [],
  });
  await s.app.ingest.flush();
  const byId = new Map(
    (await s.store.queryEvents(s.workspace.id, { anonymousId: 'ts-1' })).map((e) => [
      e.messageId,
      e,
    ]),
  );
  const future = byId.get('ts-future')!;
  assert.ok(
    Date.parse(future.timestamp) >= before - 1 && Date.parse(future.timestamp) <= Date.now(),
    future.timestamp,
  );
  assert.equal(future.timestamp, future.receivedAt);
  assert.equal(
    (future.context as { originalTimestamp?: string }).originalTimestamp,
    '9999-01-01T00:00:00Z',
  );
  assert.equal(byId.get('ts-good')!.timestamp, '2026-03-01T11:00:00.123Z');
  const skewed = byId.get('ts-skewed')!;
  assert.ok(
    Math.abs(Date.parse(skewed.timestamp) - (Date.parse(skewed.receivedAt) - 10_000)) <= 1,
    'its own sentAt corrects a stale clock',
  );
});

test('single-event endpoints take their type from the path and writeKey from the body; a bad event is a 400 naming the field', async () => {
  const ok = await post('/v1/track', {
    writeKey: s.workspace.writeKey,
    event: 'Signed Up',
    userId: 'u-9',
    messageId: 's1',
  });
  assert.equal(ok.status, 200);
  const bad = await post('/v1/track', {
    writeKey: s.workspace.writeKey,
    userId: 'u-9',
    messageId: 's2',
  });
  assert.equal(bad.status, 400);
  assert.deepEqual(await bad.json(), {
    error: { code: 'invalid_event', message: 'is required for track', field: 'event' },
  });
  const alias = await post('/v1/alias', {
    writeKey: s.workspace.writeKey,
    userId: 'u-9',
    messageId: 's3',
  });
  assert.equal(((await alias.json()) as { error: { field: string } }).error.field, 'previousId');
  await s.app.ingest.flush();
  const stored = await s.store.queryEvents(s.workspace.id, { userId: 'u-9' });
  assert.deepEqual(
    stored.map((e) => [e.messageId, e.type, e.event]),
    [['s1', 'track', 'Signed Up']],
  );
});

test('auth: no key or an unknown key is a 401 and nothing is stored', async () => {
  await s.app.ingest.flush();
  const before = await s.store.countEvents(s.workspace.id);
  const none = await post('/v1/batch', { batch: [{ type: 'page', anonymousId: 'x' }] });
  assert.equal(none.status, 401);
  assert.equal(((await none.json()) as { error: { field: string } }).error.field, 'writeKey');
  const wrong = await post(
    '/v1/batch',
    { batch: [{ type: 'page', anonymousId: 'x' }] },
    { authorization: basicAuth('wk_nope') },
  );
  assert.equal(wrong.status, 401);
  await s.app.ingest.flush();
  assert.equal(await s.store.countEvents(s.workspace.id), before);
});

test('/collect accepts the snippet’s text/plain body with CORS headers', async () => {
  const r = await post(
    '/collect',
    {
      writeKey: s.workspace.writeKey,
      sentAt: new Date().toISOString(),
      batch: [
        { type: 'page', anonymousId: 'c-1', messageId: 'c1', timestamp: new Date().toISOString() },
      ],
    },
    { 'content-type': 'text/plain;charset=UTF-8' },
  );
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  await s.app.ingest.flush();
  const [e] = await s.store.queryEvents(s.workspace.id, { anonymousId: 'c-1' });
  assert.equal(e?.origin, 'collect');
});

test('limits: an event over 32 KB, a batch over 2,500 events or 500 KB is refused with the reason', async () => {
  const auth = { authorization: basicAuth(s.workspace.writeKey) };
  const big = await post(
    '/v1/batch',
    {
      batch: [
        { type: 'track', event: 'x', anonymousId: 'l', properties: { pad: 'x'.repeat(33 * 1024) } },
        { type: 'track', event: 'y', anonymousId: 'l', messageId: 'l1' },
      ],
    },
    auth,
  );
  assert.equal(big.status, 200);
  assert.deepEqual(((await big.json()) as { rejected: unknown }).rejected, [
    { index: 0, field: 'batch[0]', reason: 'is larger than 32 KB' },
  ]);
  const many = await post(
    '/v1/batch',
    { batch: Array.from({ length: 2501 }, () => ({ type: 'page', anonymousId: 'm' })) },
    auth,
  );
  assert.equal(many.status, 400);
  assert.deepEqual(await many.json(), {
    error: { code: 'invalid_body', message: 'must hold at most 2500 events', field: 'batch' },
  });
  const huge = await post(
    '/v1/batch',
    {
      batch: Array.from({ length: 30 }, () => ({
        type: 'page',
        anonymousId: 'h',
        properties: { pad: 'x'.repeat(20 * 1024) },
      })),
    },
    auth,
  );
  assert.equal(huge.status, 413);
  assert.equal(((await huge.json()) as { error: { code: string } }).error.code, 'too_large');
});

test('malformed input on every endpoint: a clear 4xx, no crash, nothing stored for a rejected single event', async () => {
  await s.app.ingest.flush();
  const before = await s.store.countEvents(s.workspace.id);
  const auth = { authorization: basicAuth(s.workspace.writeKey) };
  const junk = [
    '',
    '{',
    'null',
    '[]',
    '"x"',
    '{"batch": "no"}',
    '{"batch": []}',
    '{"batch": [null]}',
    '\u0000\u0001',
    '{"type": 5}',
    '{"anonymousId": {"a": 1}, "event": []}',
    '{"timestamp": "not a date", "anonymousId": "z", "event": "e"}',
  ];
  for (const path of [
    '/v1/batch',
    '/collect',
    '/v1/track',
    '/v1/identify',
    '/v1/page',
    '/v1/screen',
    '/v1/group',
    '/v1/alias',
  ]) {
    for (const body of junk) {
      const r = await post(path, body, auth);
      assert.ok(
        r.status >= 400 && r.status < 500,
        `${path} ${JSON.stringify(body)} -> ${r.status}`,
      );
      const j = (await r.json()) as { error?: { message?: string } };
      assert.ok(j.error?.message, `${path} ${JSON.stringify(body)} has an error message`);
    }
  }
  await s.app.ingest.flush();
  assert.equal(await s.store.countEvents(s.workspace.id), before);
  assert.equal((await fetch(`${s.base}/healthz`)).status, 200);
});

test('/api/events shows stored events newest first to the secret key only, with filters', async () => {
  const auth = { authorization: basicAuth(s.workspace.writeKey) };
  await post(
    '/v1/batch',
    {
      batch: [1, 2, 3].map((i) => ({
        type: 'page',
        anonymousId: 'dbg',
        messageId: `d${i}`,
        timestamp: `2026-03-0${i}T00:00:00Z`,
      })),
    },
    auth,
  );
  await s.app.ingest.flush();
  const unauth = await fetch(`${s.base}/api/events`);
  assert.equal(unauth.status, 401);
  const r = await fetch(`${s.base}/api/events?anonymousId=dbg&limit=2`, {
    headers: { authorization: `Bearer ${s.secretKey}` },
  });
  const j = (await r.json()) as { events: { messageId: string }[] };
  assert.ok(j.events, JSON.stringify(j));
  assert.deepEqual(
    j.events.map((e) => e.messageId),
    ['d3', 'd2'],
  );
  const since = await fetch(
    `${s.base}/api/events?anonymousId=dbg&since=2026-03-02T00:00:00Z&type=page`,
    { headers: { authorization: `Bearer ${s.secretKey}` } },
  );
  assert.deepEqual(
    ((await since.json()) as { events: { messageId: string }[] }).events.map((e) => e.messageId),
    ['d3', 'd2'],
  );
  const bad = await fetch(`${s.base}/api/events?limit=abc`, {
    headers: { authorization: `Bearer ${s.secretKey}` },
  });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { error: { field: string } }).error.field, 'limit');
});

test('enrichment end to end: GeoIP country, truncated IP, parsed user agent and bot flag in the event debugger', async () => {
  const { createRequire } = await import('node:module');
  const { dirname, join } = await import('node:path');
  const mmdb = join(
    dirname(
      createRequire(import.meta.url).resolve(
        '@ip-location-db/geo-whois-asn-country-mmdb/package.json',
      ),
    ),
    'geo-whois-asn-country.mmdb',
  );
  const e = await startTestServer({
    geoipDatabase: mmdb,
    truncateIps: true,
    trustProxy: ['loopback'],
  }); // the test client is the proxy
  try {
    const ua =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36';
    const r = await fetch(`${e.base}/collect`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'user-agent': ua, 'x-forwarded-for': '81.2.69.160' },
      body: JSON.stringify({
        writeKey: e.workspace.writeKey,
        batch: [{ type: 'page', anonymousId: 'geo-1', messageId: 'g1' }],
      }),
    });
    assert.equal(r.status, 200);
    await e.app.ingest.flush();
    const { refreshUserAgents } = await import('../../derive/user-agents.js');
    await refreshUserAgents(e.store);
    const res = await fetch(`${e.base}/api/events?anonymousId=geo-1`, {
      headers: { authorization: `Bearer ${e.secretKey}` },
    });
    const [ev] = (
      (await res.json()) as {
        events: { context: { ip: string }; enrichment: Record<string, unknown> }[];
      }
    ).events;
    assert.equal(ev!.context.ip, '81.2.69.0', 'the full address is never stored');
    assert.deepEqual(ev!.enrichment, {
      browser: 'Chrome Headless',
      os: 'Linux',
      deviceType: 'bot',
      bot: true,
      country: 'GB',
    });
  } finally {
    await e.close();
  }
});
