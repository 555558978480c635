// Property tests on small random graphs: the resolution equals a naive reference, does not depend on the
// order of the facts, and reports every merge and split against the previous assignment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { resolveIdentities } from './graph.js';
import { personIdFor } from './person-ids.js';
import type { Identifier, Link, Resolution } from './types.js';

const POOL: Identifier[] = [
  ...Array.from({ length: 8 }, (_, i) => ({ kind: 'anonymous_id', value: `a${i}` })),
  ...Array.from({ length: 4 }, (_, i) => ({ kind: 'user_id', value: `u${i}` })),
  ...Array.from({ length: 6 }, (_, i) => ({ kind: 'email', value: `e${i}@x.io` })),
  { kind: 'crm_id', value: 'c0' },
  { kind: 'phone', value: '+442079460018' },
];
const LIMITS = { maxEmailsPerIdentifier: 2, maxUsersPerIdentifier: 2 };
const key = (id: Identifier): string => `${id.kind}:${id.value}`;

const linkArb: fc.Arbitrary<Link> = fc
  .record({
    a: fc.nat(POOL.length - 1),
    b: fc.nat(POOL.length - 1),
    at: fc.integer({ min: 0, max: 15 }),
    source: fc.constantFrom('identify', 'form', 'crm'),
  })
  .map(({ a, b, at, source }) => ({ a: POOL[a]!, b: POOL[b]!, at, source }));
const factsArb = fc.record({
  identifiers: fc
    .array(
      fc.record({
        i: fc.nat(POOL.length - 1),
        at: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
      }),
      { maxLength: 6 },
    )
    .map((xs) => xs.map(({ i, at }) => ({ ...POOL[i]!, at }))),
  links: fc.array(linkArb, { maxLength: 25 }),
});

function asMap(r: Resolution): Map<string, string> {
  return new Map([...r.assignments].map((a) => [key(a.identifier), a.personId]));
}

/** The rules written out the slow, obvious way (shared devices have no person, so no entry). */
function reference(facts: {
  identifiers: { kind: string; value: string; at?: number | undefined }[];
  links: Link[];
}): Map<string, string> {
  const seen = new Map<string, number>();
  const touch = (id: Identifier, at: number): void =>
    void seen.set(key(id), Math.min(seen.get(key(id)) ?? Infinity, at));
  for (const id of facts.identifiers) touch(id, id.at ?? Infinity);
  for (const l of facts.links) {
    touch(l.a, l.at);
    touch(l.b, l.at);
  }
  const neighbours = new Map<string, Set<string>>();
  for (const l of facts.links) {
    if (key(l.a) === key(l.b)) continue;
    for (const [x, y] of [
      [l.a, l.b],
      [l.b, l.a],
    ] as const) {
      if (!neighbours.has(key(x))) neighbours.set(key(x), new Set());
      neighbours.get(key(x))!.add(key(y));
    }
  }
  const quarantined = new Set<string>();
  for (const [x, ns] of neighbours) {
    const emails = [...ns].filter((n) => n.startsWith('email:')).length;
    const users = [...ns].filter((n) => n.startsWith('user_id:')).length;
    if (emails > LIMITS.maxEmailsPerIdentifier || users > LIMITS.maxUsersPerIdentifier)
      quarantined.add(x);
  }
  const usable = facts.links.filter(
    (l) => key(l.a) !== key(l.b) && !quarantined.has(key(l.a)) && !quarantined.has(key(l.b)),
  );
  const isAnon = (k: string): boolean => k.startsWith('anonymous_id:');
  const label = new Map([...seen.keys()].map((k) => [k, k]));
  const join = (links: [string, string][]): void => {
    for (let changed = true; changed;) {
      changed = false;
      for (const [x, y] of links) {
        const m = label.get(x)! < label.get(y)! ? label.get(x)! : label.get(y)!;
        for (const k of [...label.keys()])
          if (label.get(k) === label.get(x) || label.get(k) === label.get(y))
            if (label.get(k) !== m) {
              label.set(k, m);
              changed = true;
            }
      }
    }
  };
  // persons without devices; a device whose neighbours hold two emails' (or two user ids') persons is in conflict
  join(
    usable.filter((l) => !isAnon(key(l.a)) && !isAnon(key(l.b))).map((l) => [key(l.a), key(l.b)]),
  );
  const deviceNeighbours = new Map<string, string[]>();
  for (const l of usable)
    for (const [x, y] of [
      [key(l.a), key(l.b)],
      [key(l.b), key(l.a)],
    ] as const)
      if (isAnon(x)) deviceNeighbours.set(x, [...(deviceNeighbours.get(x) ?? []), y]);
  const conflict = new Set<string>();
  for (const [x, ns] of deviceNeighbours) {
    const labels = new Set(ns.map((n) => label.get(n)!));
    const holding = (prefix: string): number =>
      [...labels].filter((lb) => [...label].some(([k, l]) => l === lb && k.startsWith(prefix)))
        .length;
    if (holding('email:') > 1 || holding('user_id:') > 1) conflict.add(x);
  }
  // every other device joins its neighbours; a device in conflict joins them only if they are one person by then
  join(
    usable
      .filter((l) => !conflict.has(key(l.a)) && !conflict.has(key(l.b)))
      .map((l) => [key(l.a), key(l.b)]),
  );
  const shared = new Set<string>();
  const joins: [string, string][] = [];
  for (const x of conflict) {
    const others = deviceNeighbours.get(x)!.filter((n) => !conflict.has(n));
    if (new Set(others.map((n) => label.get(n))).size > 1) shared.add(x);
    else joins.push([x, others[0]!]);
  }
  join(joins);
  for (const x of shared) label.delete(x);
  const members = new Map<string, string[]>();
  for (const [k, l] of label) members.set(l, [...(members.get(l) ?? []), k]);
  const out = new Map<string, string>();
  for (const group of members.values()) {
    const anchor = group.sort(
      (x, y) => seen.get(x)! - seen.get(y)! || (x < y ? -1 : x > y ? 1 : 0),
    )[0]!;
    const sep = anchor.indexOf(':');
    const id = personIdFor(anchor.slice(0, sep), anchor.slice(sep + 1), 0);
    for (const k of group) out.set(k, id);
  }
  return out;
}

test('the resolution equals the naive reference (components without quarantined links, devices as weak links, earliest anchor)', () => {
  fc.assert(
    fc.property(factsArb, (facts) => {
      assert.deepEqual(asMap(resolveIdentities(facts, LIMITS)), reference(facts));
    }),
    { numRuns: 300 },
  );
});

test('order independence: shuffled facts give the same person ids and the same quarantine', () => {
  fc.assert(
    fc.property(
      factsArb.chain((facts) =>
        fc.tuple(
          fc.constant(facts),
          fc.shuffledSubarray(facts.links, { minLength: facts.links.length }),
          fc.shuffledSubarray(facts.identifiers, { minLength: facts.identifiers.length }),
        ),
      ),
      ([facts, links, identifiers]) => {
        const one = resolveIdentities(facts, LIMITS);
        const two = resolveIdentities({ identifiers, links }, LIMITS);
        assert.deepEqual(asMap(two), asMap(one));
        assert.deepEqual(two.quarantined, one.quarantined);
        assert.deepEqual(
          two.sharedDevices.map((d) => [d.identifier.value, d.persons]),
          one.sharedDevices.map((d) => [d.identifier.value, d.persons]),
        );
        assert.equal(two.persons, one.persons);
      },
    ),
    { numRuns: 300 },
  );
});

test('no silent split: every previous person now spread over several persons is listed, and every merge too', () => {
  fc.assert(
    fc.property(
      factsArb,
      fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
      fc.array(linkArb, { maxLength: 6 }),
      (facts, keep, added) => {
        const before = resolveIdentities(facts, LIMITS);
        const next = {
          identifiers: facts.identifiers,
          links: [...facts.links.filter((_, i) => keep[i]), ...added],
        };
        const after = resolveIdentities(next, { ...LIMITS, previous: before.assignments });
        const now = asMap(after);
        const prev = asMap(before);

        const pieces = new Map<string, Set<string>>();
        const sources = new Map<string, Set<string>>();
        // a device shared now lies in each of its persons
        const sharedNow = new Map(after.sharedDevices.map((d) => [key(d.identifier), d.persons]));
        for (const [k, p] of prev) {
          for (const n of now.has(k) ? [now.get(k)!] : (sharedNow.get(k) ?? [])) {
            pieces.set(p, (pieces.get(p) ?? new Set()).add(n));
            sources.set(n, (sources.get(n) ?? new Set()).add(p));
          }
        }
        const expectedSplits = [...pieces]
          .filter(([, into]) => into.size > 1)
          .map(([from, into]) => ({ from, into: [...into].sort() }));
        assert.deepEqual(
          after.splits.map((s) => ({ from: s.from, into: s.into })),
          expectedSplits.sort((x, y) => (x.from < y.from ? -1 : 1)),
        );
        for (const s of after.splits) assert.ok(s.reason.length > 0 && s.detail.length > 0);

        const expectedMerges = [...sources]
          .filter(
            ([into, from]) =>
              from.size > 1 || (!from.has(into) && pieces.get([...from][0]!)!.size === 1),
          )
          .map(([into, from]) => ({ into, from: [...from].filter((p) => p !== into).sort() }))
          .sort((x, y) => (x.into < y.into ? -1 : 1));
        assert.deepEqual(after.merges, expectedMerges);
      },
    ),
    { numRuns: 300 },
  );
});
