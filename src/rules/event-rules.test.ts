import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import {
  checkEvent,
  EVENT_RULES,
  EVENT_TYPES,
  firstBrokenRule,
  RULE_FIELDS,
} from './event-rules.js';
import { dateMicros, eventTime } from './event-time.js';

test('hand cases: the JavaScript rendering of the rules', () => {
  assert.equal(checkEvent({ type: 'page', anonymousId: 'a' }), undefined);
  assert.deepEqual(checkEvent({ anonymousId: 'a' }), { field: 'type', reason: 'is required' });
  assert.deepEqual(checkEvent({ type: 'Track', anonymousId: 'a' }), {
    field: 'event',
    reason: 'is required for track',
  });
  assert.deepEqual(checkEvent({ type: 'page', anonymousId: { a: 1 } }), {
    field: 'anonymousId',
    reason: 'must be a string',
  });
  assert.deepEqual(checkEvent({ type: 'page', userId: 'u', timestamp: '2026-13-45T00:00:00Z' }), {
    field: 'timestamp',
    reason: 'is not an ISO-8601 date-time',
  });
  assert.deepEqual(checkEvent({ type: 'page', userId: 'u', timestamp: 1700000000 }), {
    field: 'timestamp',
    reason: 'is not an ISO-8601 date-time',
  });
  assert.equal(
    checkEvent({ type: 'page', userId: 7, timestamp: '2026-01-02T03:04:05.678+01:00' }),
    undefined,
  );
  assert.deepEqual(checkEvent({ type: 'identify', userId: 'u', traits: [] }), {
    field: 'traits',
    reason: 'must be an object',
  });
  // a date alone, even with a zone, is not a date-time; nor is year 0000 with a day that never was
  assert.deepEqual(checkEvent({ type: 'page', userId: 'u', timestamp: '2024-01-01+05' }), {
    field: 'timestamp',
    reason: 'is not an ISO-8601 date-time',
  });
  assert.deepEqual(checkEvent({ type: 'page', userId: 'u', sentAt: '2026-02-29T00:00:00Z' }), {
    field: 'sentAt',
    reason: 'is not an ISO-8601 date-time',
  });
  // text bracketed like JSON is refused where the SQL side reads text, valid JSON or not (DuckDB accepts "[1,]")
  assert.deepEqual(checkEvent({ type: 'page', anonymousId: '[1,]' }), {
    field: 'anonymousId',
    reason: 'must be a string',
  });
  assert.deepEqual(checkEvent({ type: 'track', anonymousId: 'a', event: '{x}' }), {
    field: 'event',
    reason: 'must be a string',
  });
  assert.equal(
    checkEvent({ type: 'track', anonymousId: '[beta', event: '[beta] signup' }),
    undefined,
  );
});

test(
  'property: the SQL rendering gives the same verdict as the JavaScript one on random events',
  { timeout: 120_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const store = await openTestStore(dir);
    try {
      await store.createWorkspace({
        id: 'w',
        name: 'w',
        currency: 'USD',
        timezone: 'UTC',
        writeKey: 'k',
        secretKeyHash: 'h',
      });
      const anyValue = fc.oneof(
        fc.constant(undefined),
        fc.constant(null),
        fc.constant(''),
        fc.string({ maxLength: 6 }),
        fc.integer(),
        fc.boolean(),
        fc.constant({ a: 1 }),
        fc.constant([1]),
        fc.constant('{"x":1}'),
        fc.constantFrom(
          '2026-01-02T03:04:05Z',
          '2026-01-02',
          '2026-02-30T00:00:00Z',
          '2026-01-02T24:30:00Z',
          '2026-04-31',
          'yesterday',
          '2026-01-02 03:04:05',
          '2024-01-01+05',
          '0000-01-01T00:00:00Z',
          '1999-12-31T23:59:59Z',
          '9999-01-01T00:00:00Z',
          '[1,]',
          '{"a":1,}',
          '[x]',
        ),
      );
      // mostly plausible values, so that every rule is reached and both verdicts occur
      const mostly = <T>(good: fc.Arbitrary<T>) =>
        fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: anyValue, weight: 1 });
      const id = fc.stringMatching(/^[a-z0-9]{1,8}$/);
      const event = fc.record(
        {
          type: mostly(fc.constantFrom(...EVENT_TYPES, 'PAGE')),
          messageId: mostly(fc.uuid()),
          anonymousId: mostly(id),
          userId: fc.oneof(fc.constant(undefined), id, anyValue),
          event: mostly(fc.constantFrom('Signed Up', 'form_submitted')),
          name: mostly(fc.constant('Pricing')),
          previousId: mostly(id),
          groupId: mostly(id),
          timestamp: mostly(
            fc.constantFrom('2026-01-02T03:04:05Z', '2026-01-02T03:04:05.123+02:00'),
          ),
          sentAt: fc.oneof(fc.constant(undefined), anyValue),
          properties: mostly(fc.constant({ p: 1 })),
          traits: mostly(fc.constant({ email: 'x@y.z' })),
          context: mostly(fc.constant({})),
        },
        { requiredKeys: [] },
      );
      const events = fc
        .sample(event, { numRuns: 400, seed: 42 })
        .map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>);
      const receivedAt = new Date();
      const r = await store.appendEvents('w', events, { origin: 'api', receivedAt });
      const sqlVerdicts = new Map(r.rejected.map((x) => [x.line, `${x.field}|${x.reason}`]));
      const mismatches: string[] = [];
      events.forEach((e, i) => {
        const js = checkEvent(e);
        const time = js ? undefined : eventTime(e, dateMicros(receivedAt), true);
        const jsVerdict = js
          ? `${js.field}|${js.reason}`
          : time && !time.ok
            ? `${time.field}|${time.reason}`
            : undefined;
        if (jsVerdict !== sqlVerdicts.get(i + 1))
          mismatches.push(`${JSON.stringify(e)}: js=${jsVerdict} sql=${sqlVerdicts.get(i + 1)}`);
      });
      assert.deepEqual(mismatches.slice(0, 5), []);
      assert.ok(
        r.rejectedCount > 50 && r.rejectedCount < 400,
        `the sample holds both valid and invalid events (${r.rejectedCount} rejected)`,
      );
    } finally {
      await store.close();
      cleanup();
    }
  },
);

test('property: the compiled checker gives the verdict of the rules read as data', () => {
  const value = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.constant(''),
    fc.string({ maxLength: 4 }),
    fc.integer(),
    fc.boolean(),
    fc.constant({ a: 1 }),
    fc.constant([1]),
    fc.constantFrom(...EVENT_TYPES, 'PAGE', 'Track', '{x}', '[1,]', '2026-01-02T03:04:05Z', 'x'),
  );
  const event = fc.dictionary(fc.constantFrom(...RULE_FIELDS), value);
  fc.assert(
    fc.property(event, (e) => {
      assert.deepEqual(checkEvent(e), firstBrokenRule(EVENT_RULES, e));
    }),
    { numRuns: 5000, seed: 7 },
  );
});
