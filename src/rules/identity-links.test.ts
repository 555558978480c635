import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { withPropertyStore } from '../test-helpers/store.js';
import {
  LINK_FIELD_PATHS,
  linkFieldsOf,
  linksOf,
  type LinkEvent,
  type RawLink,
} from './identity-links.js';

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

test('the engine reads exactly the links the JavaScript reference states, on random events loaded through the bulk path', async () => {
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
          const who = { ...(anon ? { anonymousId: anon } : {}), ...(user ? { userId: user } : {}) };
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
      { numRuns: 50, seed: 20261206 },
    );
  });
});

// Where a value may stand: every path of LINK_FIELD_PATHS, and places that look alike but name nobody.
const PLACES: readonly (readonly string[])[] = [
  ...new Set(
    Object.values(LINK_FIELD_PATHS).flatMap((byField) =>
      Object.values(byField).flatMap((paths) => paths.map((p) => JSON.stringify(p))),
    ),
  ),
  ...[
    ['context', 'traits', 'mail'],
    ['properties', 'traits', 'email'],
    ['traits', 'fields', 'email'],
    ['context', 'email'],
    ['traits', 'Email'],
  ].map((p) => JSON.stringify(p)),
].map((p) => JSON.parse(p) as string[]);
const linkValue = fc.oneof(
  {
    arbitrary: fc.constantFrom('x@acme.io', 'Y@Acme.io ', '+44 20 7946 0018', 'ΓΙΩΡΓΟΣ@x.gr'),
    weight: 4,
  },
  fc.string({ maxLength: 4, unit: 'grapheme' }),
  fc.constantFrom<unknown>('', null, true, 0, 42, 1.5, { a: 'b' }, ['x']),
);
const placedEvent = fc.record({
  type: fc.constantFrom('identify', 'track', 'page', 'Identify', 'TRACK'),
  second: fc.integer({ min: 0, max: 300 }),
  anon: fc.constantFrom('a1', 'a2'),
  user: fc.constantFrom('u1', null),
  placed: fc.array(fc.tuple(fc.constantFrom(...PLACES), linkValue), { maxLength: 4 }),
});

/** The event with each value set at its place (an object made where there is none; a later one wins). */
function withPlaced(
  base: Record<string, unknown>,
  placed: readonly [readonly string[], unknown][],
) {
  const e = structuredClone(base);
  for (const [path, v] of placed) {
    let o = e;
    for (const k of path.slice(0, -1)) {
      const next = o[k];
      o =
        typeof next === 'object' && next !== null && !Array.isArray(next)
          ? (next as typeof o)
          : (o[k] = {});
    }
    o[path[path.length - 1]!] = v;
  }
  return e;
}

test('linkFieldsOf: the first path that holds a value, by type; other values as JSON text', () => {
  assert.deepEqual(
    linkFieldsOf({
      type: 'Identify',
      traits: { email: null, phone: 7 },
      context: { traits: { email: 'c@x.io', phone: 'p' } },
    }),
    { email: 'c@x.io', phone: '7' },
  );
  assert.deepEqual(
    linkFieldsOf({
      type: 'track',
      properties: { fields: { email: 'f@x.io' } },
      traits: { email: 'no' },
    }),
    { email: 'f@x.io', phone: null },
  );
  assert.deepEqual(linkFieldsOf({ type: 'page', traits: { email: 'no' } }), {
    email: null,
    phone: null,
  });
  assert.deepEqual(linkFieldsOf({ type: 'constructor' }), { email: null, phone: null });
});

test("the engine reads an event's e-mail and phone from the paths of LINK_FIELD_PATHS, and links them, as the references do", async () => {
  await withPropertyStore(async (nextRun) => {
    await fc.assert(
      fc.asyncProperty(fc.array(placedEvent, { minLength: 1, maxLength: 20 }), async (drawn) => {
        const { store, workspaceId: ws, load } = await nextRun();
        const base = Date.parse('2026-04-01T09:00:00Z');
        const lines = drawn.map((d, i) =>
          withPlaced(
            {
              type: d.type,
              messageId: `m${i}`,
              anonymousId: d.anon,
              ...(d.user ? { userId: d.user } : {}),
              timestamp: new Date(base + d.second * 1000).toISOString(),
              ...(d.type.toLowerCase() === 'track' ? { event: 'Form Submitted' } : {}),
            },
            d.placed,
          ),
        );
        // what the file holds is what the reference reads: the lines as JSON text, parsed back
        const parsed = lines.map((l) => JSON.parse(JSON.stringify(l)) as Record<string, unknown>);
        const loaded = await load(lines);
        const events: LinkEvent[] = parsed.map((e, i) => ({
          type: String(e.type).toLowerCase(),
          event: e.event === undefined ? null : String(e.event),
          ts: base + drawn[i]!.second * 1000,
          anonymous_id: drawn[i]!.anon,
          previous_id: null,
          user_id: drawn[i]!.user,
          ...linkFieldsOf(e),
        }));
        assert.equal(loaded, lines.length);
        const show = (l: RawLink) =>
          `${l.aKind}:${l.aValue} ${l.bKind}:${l.bValue} @${l.at} ${l.source}`;
        const got = (await store.identityLinkFacts(ws)).map(show).sort();
        assert.deepEqual(got, linksOf(events).map(show).sort());
      }),
      { numRuns: 40, seed: 20261207 },
    );
  });
});
