import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { withPropertyStore, PROPERTY_TIMEOUT_MS, storeRuns } from '../test-helpers/store.js';
import { linksOf, type LinkEvent } from './identity-links.js';

test('linksOf: an identify joins its ids, e-mail and phone; an alias joins the previous id to the user id; a form its e-mail', () => {
  const base = {
    event: null,
    ts: 5,
    anonymous_id: null,
    previous_id: null,
    user_id: null,
    email: null,
    phone: null,
  };
  const links = linksOf([
    { ...base, type: 'identify', anonymous_id: 'a', user_id: 'u', email: 'x@y.io' },
    { ...base, type: 'alias', previous_id: 'a0', user_id: 'u', ts: 1 },
    { ...base, type: 'track', event: 'Form Submitted', anonymous_id: 'a', email: 'x@y.io', ts: 2 },
    { ...base, type: 'page', anonymous_id: 'a', user_id: 'u' },
  ]);
  const key = (l: { aKind: string; aValue: string; bKind: string; bValue: string }) =>
    `${l.aKind}:${l.aValue}-${l.bKind}:${l.bValue}`;
  assert.deepEqual(links.map(key).sort(), [
    'anonymous_id:a-email:x@y.io',
    'anonymous_id:a-user_id:u',
    'anonymous_id:a0-user_id:u',
    'user_id:u-email:x@y.io',
  ]);
  const form = links.find((l) => key(l) === 'anonymous_id:a-email:x@y.io')!;
  assert.deepEqual(
    [form.at, form.source],
    [2, 'Form Submitted'],
    'the earliest statement and the least source',
  );
});

const eventArb = fc.record({
  second: fc.integer({ min: 0, max: 600 }),
  type: fc.constantFrom('identify', 'track', 'alias', 'page'),
  event: fc.constantFrom('Form Submitted', 'chat_started', 'Clicked'),
  anon: fc.constantFrom('a1', 'a2', null),
  user: fc.constantFrom('u1', 'u2', null),
  previous: fc.constantFrom('a1', 'a3'),
  email: fc.constantFrom('x@acme.io', 'y@acme.io', null),
  phone: fc.constantFrom('+442079000000', null),
});

test(
  'the engine reads exactly the links the JavaScript reference states, on random events loaded through the bulk path',
  { timeout: PROPERTY_TIMEOUT_MS },
  async () => {
    await withPropertyStore(async (nextRun) => {
      await fc.assert(
        fc.asyncProperty(fc.array(eventArb, { minLength: 1, maxLength: 25 }), async (drawn) => {
          const { store, workspaceId: ws, load } = await nextRun();
          const base = Date.parse('2026-04-01T09:00:00Z');
          const lines: unknown[] = [];
          const expected: LinkEvent[] = [];
          drawn.forEach((d, i) => {
            // every event needs an anonymous or user id; an alias needs a user id
            const anon = d.anon ?? (d.user === null ? 'a9' : null);
            const user = d.type === 'alias' ? (d.user ?? 'u9') : d.user;
            const ts = base + d.second * 1000;
            const who = {
              ...(anon ? { anonymousId: anon } : {}),
              ...(user ? { userId: user } : {}),
            };
            const fields = {
              ...(d.email ? { email: d.email } : {}),
              ...(d.phone ? { phone: d.phone } : {}),
            };
            const e =
              d.type === 'identify'
                ? { type: 'identify', traits: fields }
                : d.type === 'track'
                  ? { type: 'track', event: d.event, properties: fields }
                  : d.type === 'alias'
                    ? { type: 'alias', previousId: d.previous }
                    : { type: 'page', properties: fields };
            lines.push({ messageId: `m${i}`, timestamp: new Date(ts).toISOString(), ...who, ...e });
            const projected = d.type === 'identify' || d.type === 'track';
            expected.push({
              type: d.type,
              event: d.type === 'track' ? d.event : null,
              ts,
              anonymous_id: anon,
              previous_id: d.type === 'alias' ? d.previous : null,
              user_id: user,
              email: projected ? d.email : null,
              phone: projected ? d.phone : null,
            });
          });
          assert.equal(await load(lines), lines.length);
          const show = (l: {
            aKind: string;
            aValue: string;
            bKind: string;
            bValue: string;
            at: number;
            source: string;
          }) => `${l.aKind}:${l.aValue} ${l.bKind}:${l.bValue} @${l.at} ${l.source}`;
          const got = (await store.identityLinkFacts(ws)).map(show).sort();
          assert.deepEqual(got, linksOf(expected).map(show).sort());
        }),
        { numRuns: storeRuns(50), seed: 20261206 },
      );
    });
  },
);
