// Acknowledged means stored: arbitrary and hostile events sent to a real server through every ingestion
// route; every event the API acknowledges must be in the store and readable, every one it refuses must
// get a 4xx (or a rejected entry) naming the field, and nothing may answer 5xx.
// The seed is random unless CLOSEDLOOP_FC_SEED is set; fast-check prints it with any failure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { basicAuth, startTestServer, type TestServer } from '../../test-helpers/server.js';
import type { StoredEvent, Workspace } from '../../store/types.js';
import { sanitiseString } from '../../collect/sanitise.js';

const SEED = process.env.CLOSEDLOOP_FC_SEED
  ? Number(process.env.CLOSEDLOOP_FC_SEED)
  : Date.now() % 2 ** 31;

let s: TestServer;
before(async () => {
  s = await startTestServer({ ingestRateLimit: 0 });
});
after(async () => s.close());

async function freshWorkspace(): Promise<Workspace> {
  const id = `ws_fc${randomUUID().slice(0, 8)}`;
  return s.store.createWorkspace({
    id,
    name: id,
    currency: 'USD',
    timezone: 'UTC',
    writeKey: `wk_${randomUUID()}`,
    secretKeyHash: randomUUID(),
  });
}

type Route = 'batch' | 'collect' | 'track';

async function send(
  route: Route,
  ws: Workspace,
  body: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const path = route === 'batch' ? '/v1/batch' : route === 'collect' ? '/collect' : '/v1/track';
  const headers: Record<string, string> =
    route === 'collect'
      ? { 'content-type': 'text/plain' }
      : { 'content-type': 'application/json', authorization: basicAuth(ws.writeKey) };
  const r = await fetch(`${s.base}${path}`, { method: 'POST', headers, body });
  const text = await r.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    assert.fail(`${path} ${r.status}: the reply is not JSON: ${text.slice(0, 200)}`);
  }
  assert.ok(r.status < 500, `${path} answered ${r.status}: ${text.slice(0, 300)}`);
  return { status: r.status, json };
}

// ---- arbitraries: hostile strings, wrong types, deep and huge values, absurd dates ----

const hostileChar = fc.oneof(
  fc.constantFrom(
    '\u0000',
    '\ud800',
    '\udbff',
    '\udc00',
    '\udfff',
    '😀',
    '\u202e',
    'עברית',
    'العربية',
    '\u2028',
    '\u2029',
    '"',
    '\\',
    '{',
    '[',
    '}',
    ']',
    '|',
    '\n',
    '\t',
    'a',
    ' ',
  ),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.string({ unit: 'binary', maxLength: 3 }),
);
const hostileString = fc.oneof(
  { arbitrary: fc.array(hostileChar, { maxLength: 12 }).map((a) => a.join('')), weight: 12 },
  { arbitrary: fc.constantFrom('', '[1,]', '{}', '{"a":1}', 'null'), weight: 1 },
);
const longString = fc.integer({ min: 1000, max: 40_000 }).map((n) => 'x\ud800'.repeat(n / 2));
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant({ a: 1 }),
  fc.constant([1, 'x']),
);
const nested = fc.integer({ min: 20, max: 45 }).map((depth) => {
  let v: unknown = 'leaf\ud800';
  for (let i = 0; i < depth; i++) v = i % 3 === 0 ? [v] : { k: v };
  return v;
});
const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
})).value;
const objectValue = fc.oneof(
  { arbitrary: fc.dictionary(hostileString, jsonish, { maxKeys: 5 }), weight: 14 },
  { arbitrary: nested.map((n) => ({ deep: n })), weight: 1 },
  { arbitrary: longString.map((l) => ({ long: l })), weight: 1 },
  { arbitrary: wrongType, weight: 1 },
);
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const dateText = fc.oneof(
  {
    arbitrary: fc
      .date({
        min: new Date('1995-01-01T00:00:00Z'),
        max: new Date('2030-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString()),
    weight: 24,
  },
  {
    arbitrary: fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.constantFrom('Z', '+05', '-0930', '+14:00', ''),
      )
      .map(([y, m, d, z]) => `${pad(y, 4)}-${pad(m)}-${pad(d)}T12:00:00${z}`),
    weight: 2,
  },
  {
    arbitrary: fc.constantFrom(
      '2024-01-01+05',
      '0000-01-01T00:00:00Z',
      '12026-01-01T00:00:00Z',
      '2024-01-01',
      'now',
      '2024-02-30T00:00:00Z',
      '2024-01-01T24:00:00Z',
    ),
    weight: 1,
  },
  { arbitrary: wrongType, weight: 1 },
);

/** Mostly plausible, so that both verdicts occur often; any field may be absent, hostile or of the wrong type. */
const maybe = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof(
    { arbitrary: good, weight: 12 },
    { arbitrary: hostileString, weight: 2 },
    { arbitrary: wrongType, weight: 1 },
  );
const event = fc.record(
  {
    type: fc.oneof(
      {
        arbitrary: fc.constantFrom(
          'track',
          'page',
          'identify',
          'screen',
          'group',
          'alias',
          'TRACK',
        ),
        weight: 16,
      },
      { arbitrary: hostileString, weight: 1 },
      { arbitrary: wrongType, weight: 1 },
    ),
    messageId: fc.oneof(
      { arbitrary: fc.uuid(), weight: 5 },
      { arbitrary: hostileString, weight: 2 },
      { arbitrary: wrongType, weight: 1 },
    ),
    anonymousId: maybe(fc.stringMatching(/^[a-z0-9-]{1,12}$/)),
    userId: maybe(fc.stringMatching(/^u-[0-9]{1,4}$/)),
    event: maybe(fc.constantFrom('Signed Up', 'Order Completed')),
    name: maybe(fc.constantFrom('Home', 'Pricing')),
    previousId: maybe(fc.constant('prev-1')),
    groupId: maybe(fc.constant('g-1')),
    timestamp: dateText,
    originalTimestamp: dateText,
    sentAt: dateText,
    properties: objectValue,
    traits: objectValue,
    context: objectValue,
  },
  { requiredKeys: ['type'] },
);

interface Sent {
  route: Route;
  ws: Workspace;
  events: Record<string, unknown>[];
  accepted: number;
  /** explicit messageIds (as text) of the events the reply did not refuse */
  ackedIds: Set<string>;
}

/** Checks one reply against what was sent; returns what the store must now hold. */
function checkReply(
  route: Route,
  events: Record<string, unknown>[],
  status: number,
  json: Record<string, unknown>,
): { accepted: number; ackedIdx: number[] } {
  const error = json.error as { code?: string; field?: string; message?: string } | undefined;
  if (route === 'track') {
    if (status === 200) {
      assert.deepEqual([json.accepted, json.duplicates, json.rejected], [1, 0, []]);
      return { accepted: 1, ackedIdx: [0] };
    }
    assert.ok(status >= 400 && status < 500, `status ${status}`);
    assert.ok(
      error?.field && error.message,
      `a refusal names the field: ${JSON.stringify(json).slice(0, 300)}`,
    );
    return { accepted: 0, ackedIdx: [] };
  }
  if (status !== 200) {
    assert.ok(status >= 400 && status < 500, `status ${status}`);
    assert.ok(
      error?.field && error.message,
      `a refusal names the field: ${JSON.stringify(json).slice(0, 300)}`,
    );
    if (Array.isArray(json.rejected))
      assert.equal(json.rejected.length, events.length, 'a 400 for the batch refuses every event');
    return { accepted: 0, ackedIdx: [] };
  }
  const rejected = json.rejected as { index: number; field: string; reason: string }[];
  assert.equal(json.success, true);
  assert.equal(json.received, events.length);
  assert.equal(
    (json.accepted as number) + (json.duplicates as number) + rejected.length,
    events.length,
    'every event is accounted for once',
  );
  for (const r of rejected) {
    assert.ok(
      r.field.startsWith(`batch[${r.index}]`),
      `the rejection names the event's field: ${r.field}`,
    );
    assert.ok(r.reason.length > 0);
  }
  const refused = new Set(rejected.map((r) => r.index));
  return {
    accepted: json.accepted as number,
    ackedIdx: events.map((_, i) => i).filter((i) => !refused.has(i)),
  };
}

function idText(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** No string anywhere in a stored value that the store's reader could not load again. */
function assertLoadable(v: unknown, where: string): void {
  if (typeof v === 'string') {
    assert.ok(
      (v as unknown as { isWellFormed(): boolean }).isWellFormed() && !v.includes('\u0000'),
      `${where}: a lone surrogate or NUL was stored`,
    );
  } else if (Array.isArray(v)) v.forEach((x, i) => assertLoadable(x, `${where}[${i}]`));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      assertLoadable(k, `${where} key`);
      assertLoadable(x, `${where}.${k}`);
    }
}

async function assertStored(sent: Sent): Promise<void> {
  const stored: StoredEvent[] = await s.store.queryEvents(sent.ws.id, { limit: 10_000 });
  assert.equal(
    stored.length,
    sent.accepted,
    `${sent.route}: ${sent.accepted} acknowledged, ${stored.length} stored`,
  );
  const ids = new Set(stored.map((e) => e.messageId));
  const missing = [...sent.ackedIds].filter((id) => !ids.has(sanitiseString(id)));
  assert.deepEqual(missing, [], 'every acknowledged event is readable by its messageId');
  for (const e of stored) {
    assertLoadable(e, `event ${e.messageId}`);
    const ts = Date.parse(e.timestamp);
    assert.ok(
      ts >= Date.UTC(2000, 0, 1) && ts <= Date.parse(e.receivedAt) + 86_400_000,
      `event time in range: ${e.timestamp}`,
    );
  }
}

test(
  'property: every event the API acknowledges is stored and readable; every refusal is a 4xx naming the field',
  { timeout: 180_000 },
  async () => {
    let ackedEvents = 0;
    let refusedRequests = 0;
    const prop = fc.asyncProperty(
      fc.constantFrom<Route>('batch', 'collect', 'track'),
      fc.array(event, { minLength: 1, maxLength: 6 }),
      fc.boolean(),
      async (route, drawn, repeat) => {
        const events =
          route === 'track'
            ? drawn.slice(0, 1)
            : repeat && drawn.length > 1
              ? [...drawn, drawn[0]!]
              : drawn;
        const ws = await freshWorkspace();
        const body =
          route === 'track'
            ? JSON.stringify(events[0])
            : JSON.stringify({
                batch: events,
                ...(route === 'collect' ? { writeKey: ws.writeKey } : {}),
              });
        const { status, json } = await send(route, ws, body);
        if (status === 413) return; // over the body limit: refused as a whole, naming the body (checked in send's JSON)
        const { accepted, ackedIdx } = checkReply(route, events, status, json);
        ackedEvents += accepted;
        if (accepted < events.length) refusedRequests++;
        const ackedIds = new Set(
          ackedIdx
            .map((i) => idText(events[i]!.messageId))
            .filter((x): x is string => x !== undefined),
        );
        await s.app.ingest.flush();
        await assertStored({ route, ws, events, accepted, ackedIds });
      },
    );
    await fc.assert(prop, { numRuns: 45, seed: SEED, endOnFailure: true });
    await s.app.ingest.settle(); // the derive step also takes every stored event
    assert.equal((await fetch(`${s.base}/readyz`)).status, 200);
    assert.ok(
      ackedEvents > 20 && refusedRequests > 5,
      `both verdicts occur (seed ${SEED}: ${ackedEvents} events acknowledged, ${refusedRequests} requests with refusals)`,
    );
  },
);

test(
  'fuzz: malformed JSON, wrong types, huge and deep values, absurd dates, unicode and NUL: no 5xx, nothing acknowledged and lost',
  { timeout: 180_000 },
  async () => {
    const valid = JSON.stringify({
      batch: [
        {
          type: 'track',
          event: 'E',
          anonymousId: 'f',
          messageId: 'm',
          timestamp: '2026-01-01T00:00:00Z',
          properties: { a: [1, { b: 'c' }] },
        },
      ],
    });
    // mutations of a valid body: cut, spliced with hostile text, tokens swapped for hostile values
    const mutated = fc.oneof(
      fc.integer({ min: 0, max: valid.length }).map((n) => valid.slice(0, n)),
      fc
        .tuple(
          fc.integer({ min: 0, max: valid.length }),
          fc.oneof(
            hostileString,
            fc.constantFrom(
              '\\ud800',
              '\\u0000',
              '"',
              ',',
              '}',
              ']',
              '\\',
              '[[[[[[',
              '\\x00',
              '"\\u',
              ': NaN',
            ),
          ),
        )
        .map(([n, ins]) => valid.slice(0, n) + ins + valid.slice(n)),
      fc
        .tuple(
          fc.constantFrom('"E"', '"f"', '"m"', '"2026-01-01T00:00:00Z"', '1', '"c"', '"track"'),
          fc.oneof(jsonish, dateText, nested, wrongType),
        )
        .map(([tok, v]) => valid.replace(tok, JSON.stringify(v) ?? 'null')),
      fc
        .integer({ min: 1000, max: 6000 })
        .map((n) => valid.replace('"c"', `${'['.repeat(n)}${']'.repeat(n)}`)),
      fc.string({ unit: 'binary', maxLength: 64 }),
    );
    const wss: { ws: Workspace; accepted: number }[] = [];
    const prop = fc.asyncProperty(
      fc.constantFrom<Route>('batch', 'collect', 'track'),
      mutated,
      async (route, raw) => {
        const ws = await freshWorkspace();
        // /collect takes its write key from the body: put one where a client would
        const body =
          route === 'collect'
            ? raw.replace('{"batch"', `{"writeKey":"${ws.writeKey}","batch"`)
            : route === 'track'
              ? raw.replace(/^\{"batch":\[(.*)\]\}$/s, '$1')
              : raw;
        const { status, json } = await send(route, ws, body);
        if (status >= 400) {
          const error = json.error as { message?: string } | undefined;
          assert.ok(error?.message, `a 4xx explains itself: ${JSON.stringify(json).slice(0, 200)}`);
          return;
        }
        assert.equal(status, 200);
        wss.push({ ws, accepted: json.accepted as number });
      },
    );
    await fc.assert(prop, { numRuns: 120, seed: SEED, endOnFailure: true });
    await s.app.ingest.flush();
    const lost: string[] = [];
    for (const { ws, accepted } of wss) {
      const n = await s.store.countEvents(ws.id);
      if (n !== accepted) lost.push(`${ws.id}: ${accepted} acknowledged, ${n} stored`);
    }
    assert.deepEqual(lost, [], `seed ${SEED}`);
    assert.ok(wss.length >= 3, `some fuzzed bodies are acknowledged (seed ${SEED}: ${wss.length})`);
  },
);
