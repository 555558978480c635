// The compact /collect body expands into exactly the keyed body the snippet sent before: the tracker's
// own encoder (tracker/src/wire.ts) against the keyed event as tracker/src/api.ts built it until the
// compact form (kept below as the reference), for arbitrary events.
// The seed is random unless CLOSEDLOOP_FC_SEED is set; fast-check prints it with any failure.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compactEvent, type EventType } from '../../tracker/src/wire.js';
import { checkEvent } from '../rules/event-rules.js';
import { expandCompactBody } from './compact-collect.js';

const SEED = process.env.CLOSEDLOOP_FC_SEED
  ? Number(process.env.CLOSEDLOOP_FC_SEED)
  : Date.now() % 2 ** 31;

type Props = Record<string, unknown>;

/** What the snippet knows when it makes an event (api.ts emit and its callers). */
interface Made {
  type: EventType;
  messageId: string;
  anonymousId: string;
  userId: string | undefined;
  timestamp: string;
  sessionId: string;
  url: string;
  referrer: string;
  title: string;
  timezone: string | undefined;
  width: number;
  height: number;
  /** what track(name, properties) or page(properties) was given (identify: none) */
  properties: unknown;
  /** track: the name; identify: the traits */
  extra: unknown;
}

/** The keyed event api.ts built before the compact form (commit 3718081), from the same inputs. */
function keyedEvent(m: Made): Props {
  const pageProps = (): Props => ({ url: m.url, referrer: m.referrer, title: m.title });
  const properties =
    m.type === 'page'
      ? { ...pageProps(), ...(m.properties as Props) }
      : m.type === 'track'
        ? m.properties
        : 0;
  const extra =
    m.type === 'track' ? { event: m.extra } : m.type === 'identify' ? { traits: m.extra } : {};
  return {
    type: m.type,
    messageId: m.messageId,
    anonymousId: m.anonymousId,
    userId: m.userId,
    timestamp: m.timestamp,
    properties: properties || {},
    context: {
      page: pageProps(),
      sessionId: m.sessionId,
      timezone: m.timezone,
      screen: { width: m.width, height: m.height },
    },
    ...extra,
  };
}

/** The same event as cl.js now makes it (api.ts emit: identify passes 0 for properties). */
const compact = (m: Made) =>
  compactEvent(
    m.type,
    m.messageId,
    m.anonymousId,
    m.userId,
    m.timestamp,
    m.sessionId,
    m.url,
    m.referrer,
    m.title,
    m.timezone,
    m.width,
    m.height,
    m.type === 'identify' ? 0 : (m.properties as Props),
    m.type === 'page' ? undefined : m.extra,
  );

/** What crosses the network: the body's JSON, parsed as the server parses it. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

const text = fc.string({ unit: 'binary', maxLength: 30 });
const props = fc.dictionary(text, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });
const made: fc.Arbitrary<Made> = fc.record({
  type: fc.constantFrom<EventType>('page', 'track', 'identify'),
  messageId: text,
  anonymousId: text,
  userId: fc.option(text, { nil: undefined }),
  timestamp: fc.oneof(
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    text,
  ),
  sessionId: text,
  url: text,
  referrer: text,
  title: text,
  timezone: fc.option(text, { nil: undefined }),
  width: fc.integer({ min: 0, max: 10_000 }),
  height: fc.integer({ min: 0, max: 10_000 }),
  // what a page's caller may pass: nothing, an object, or anything else JSON holds
  properties: fc.oneof(fc.constant(undefined), props, fc.jsonValue({ maxDepth: 2 })),
  // a track's name (what a caller may pass; null: below), an identify's traits (an object)
  extra: fc.oneof(text, props, fc.jsonValue({ maxDepth: 2 })).filter((v) => v !== null),
});

describe('compact /collect bodies', () => {
  it('expand into exactly the keyed body the snippet sent before, key order included (property)', () => {
    fc.assert(
      fc.property(
        fc.array(made, { minLength: 1, maxLength: 5 }),
        text,
        text,
        (events, writeKey, sentAt) => {
          // identify's traits are always an object (api.ts identify copies them)
          const inputs = events.map((m) =>
            m.type === 'identify' &&
            (m.extra === null || typeof m.extra !== 'object' || Array.isArray(m.extra))
              ? { ...m, extra: {} }
              : m,
          );
          const keyed = wire({ writeKey, sentAt, batch: inputs.map(keyedEvent) });
          const expanded = expandCompactBody(wire([writeKey, sentAt, inputs.map(compact)]));
          assert.ok(expanded.ok, JSON.stringify(expanded));
          assert.deepEqual(expanded.body, keyed);
          assert.equal(JSON.stringify(expanded.body), JSON.stringify(keyed));
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('reads null as absent: the only keyed member null could reach, the name of track(null), is refused either way', () => {
    const m: Made = {
      type: 'track',
      messageId: 'm',
      anonymousId: 'a',
      userId: undefined,
      timestamp: '2026-01-01T00:00:00.000Z',
      sessionId: 's',
      url: 'u',
      referrer: '',
      title: 'T',
      timezone: undefined,
      width: 1,
      height: 2,
      properties: undefined,
      extra: null,
    };
    const r = expandCompactBody(wire(['wk', 't', [compact(m)]]));
    assert.ok(r.ok);
    const [event] = (r.body as { batch: Props[] }).batch;
    assert.ok(!('event' in event!));
    const [before] = (wire({ batch: [keyedEvent(m)] }) as { batch: Props[] }).batch;
    assert.equal(before!.event, null);
    for (const e of [event!, before!])
      assert.deepEqual(checkEvent(e), { field: 'event', reason: 'is required for track' });
  });

  it("gives a page event's properties a copy of context.page (later steps change each in place)", () => {
    const m: Made = {
      type: 'page',
      messageId: 'm',
      anonymousId: 'a',
      userId: undefined,
      timestamp: '2026-01-01T00:00:00.000Z',
      sessionId: 's',
      url: 'https://x.test/?a=1',
      referrer: '',
      title: 'T',
      timezone: 'UTC',
      width: 1,
      height: 2,
      properties: undefined,
      extra: undefined,
    };
    const r = expandCompactBody(wire(['wk', 't', [compact(m)]]));
    assert.ok(r.ok);
    const [event] = (r.body as { batch: { properties: Props; context: { page: Props } }[] }).batch;
    assert.deepEqual(event!.properties, event!.context.page);
    assert.notEqual(event!.properties, event!.context.page);
  });

  it('leaves keyed bodies and keyed events alone (snippets cached in browsers, events an earlier snippet left unsent)', () => {
    const keyed = { writeKey: 'wk', batch: [{ type: 'page', anonymousId: 'a' }] };
    const r = expandCompactBody(keyed);
    assert.ok(r.ok);
    assert.equal(r.body, keyed);
    assert.deepEqual(r.body, { writeKey: 'wk', batch: [{ type: 'page', anonymousId: 'a' }] });
    const old = { type: 'track', event: 'x', anonymousId: 'a', messageId: 'm-x' };
    const mixed = expandCompactBody(
      wire([
        'wk',
        't',
        [old, ['track', 'm', 'a', null, 't', 's', 'u', 'r', 'T', null, 1, 2, null, 'y']],
      ]),
    );
    assert.ok(mixed.ok);
    const batch = (mixed.body as { batch: Props[] }).batch;
    assert.deepEqual(batch[0], old);
    assert.deepEqual(batch[1], {
      type: 'track',
      messageId: 'm',
      anonymousId: 'a',
      timestamp: 't',
      properties: {},
      context: {
        page: { url: 'u', referrer: 'r', title: 'T' },
        sessionId: 's',
        screen: { width: 1, height: 2 },
      },
      event: 'y',
    });
    // what is neither is left to the envelope's checks (envelope.ts), which refuse it
    for (const body of ['x', null, 5, { batch: 'no' }])
      assert.deepEqual(expandCompactBody(body), { ok: true, body });
  });

  it('refuses a malformed compact body whole, naming the position and the reason', () => {
    const event = ['page', 'm', 'a', null, 't', 's', 'u', 'r', 'T', 'UTC', 1, 2, null, null];
    assert.deepEqual(expandCompactBody([]), {
      ok: false,
      field: '(body)',
      reason: 'a compact body is [writeKey, sentAt, batch]; it has 0 items',
    });
    assert.deepEqual(expandCompactBody(['wk', 't', [event], 'more']), {
      ok: false,
      field: '(body)',
      reason: 'a compact body is [writeKey, sentAt, batch]; it has 4 items',
    });
    assert.deepEqual(expandCompactBody(['wk', 't', [event, event.slice(0, 13)]]), {
      ok: false,
      field: 'batch[1]',
      reason: 'a compact event has 14 items; it has 13',
    });
    for (const type of ['screen', 'Page', 3, null])
      assert.deepEqual(expandCompactBody(['wk', 't', [[type, ...event.slice(1)]]]), {
        ok: false,
        field: 'batch[0][0]',
        reason: 'the type of a compact event is "page", "track" or "identify"',
      });
  });
});
