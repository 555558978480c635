import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PROPERTY_TIMEOUT_MS, storeRuns, withPropertyStore } from '../test-helpers/store.js';
import {
  LINK_FIELD_PATHS,
  linkFieldsOf,
  linksOf,
  type LinkEvent,
  type RawLink,
} from './identity-links.js';

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

test(
  "the engine reads an event's e-mail and phone from the paths of LINK_FIELD_PATHS, and links them, as the references do",
  { timeout: PROPERTY_TIMEOUT_MS },
  async () => {
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
        { numRuns: storeRuns(25), seed: 20261207 },
      );
    });
  },
);
