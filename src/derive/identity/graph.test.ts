import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdentityGraph, resolveIdentities } from './graph.js';
import { personIdFor } from './person-ids.js';
import type { Identifier, Link, Resolution } from './types.js';

const T0 = Date.UTC(2026, 0, 1);
const H = 3_600_000;
const anon = (value: string): Identifier => ({ kind: 'anonymous_id', value });
const email = (value: string): Identifier => ({ kind: 'email', value });
const user = (value: string): Identifier => ({ kind: 'user_id', value });
const link = (a: Identifier, b: Identifier, hours: number, source = 'identify'): Link => ({
  a,
  b,
  at: T0 + hours * H,
  source,
});
const pid = (id: Identifier): string => personIdFor(id.kind, id.value, 0);
const personOf = (r: Resolution, id: Identifier): string => {
  const p = r.personOf(id);
  assert.ok(p, `${id.kind}:${id.value} has a person`);
  return p;
};

test('anonymous sessions on two devices are joined by one email; the person is named after the first-seen identifier', () => {
  const r = resolveIdentities({
    identifiers: [{ ...anon('laptop'), at: T0 }, anon('stranger')],
    links: [
      link(anon('laptop'), email('ann@acme.io'), 2, 'form'),
      link(anon('phone'), email(' Ann@ACME.io '), 30, 'identify'),
    ],
  });
  const p = personOf(r, anon('laptop'));
  assert.equal(personOf(r, anon('phone')), p);
  assert.equal(personOf(r, email('ANN@acme.io')), p, 'look-ups are normalised too');
  assert.notEqual(personOf(r, anon('stranger')), p);
  assert.equal(p, pid(anon('laptop')));
  assert.equal(r.persons, 2);
  assert.equal(r.identifiers, 4);
  assert.deepEqual(r.quarantined, []);
});

test('a shared device linked to 8 emails is quarantined and the 8 people stay separate', () => {
  const links: Link[] = [];
  for (let i = 1; i <= 8; i++) {
    links.push(link(anon('office-pc'), email(`rep${i}@acme.io`), i, 'form'));
    links.push(link(anon(`home-${i}`), email(`rep${i}@acme.io`), 100 + i, 'identify'));
  }
  const r = resolveIdentities({ identifiers: [], links });
  assert.equal(r.quarantined.length, 1);
  const q = r.quarantined[0]!;
  assert.deepEqual(q.identifier, anon('office-pc'));
  assert.equal(q.distinctEmails, 8);
  assert.equal(q.distinctUsers, 0);
  assert.match(q.reason, /8 distinct emails \(limit 3\)/);
  assert.deepEqual(q.sources, ['form']);
  const people = new Set<string>();
  for (let i = 1; i <= 8; i++) {
    const p = personOf(r, email(`rep${i}@acme.io`));
    assert.equal(personOf(r, anon(`home-${i}`)), p, 'each rep keeps their own devices');
    people.add(p);
  }
  assert.equal(people.size, 8);
  const shared = personOf(r, anon('office-pc'));
  assert.ok(!people.has(shared), 'the shared device is its own person, attached to none');
  assert.equal(r.persons, 9);
});

test('the limit is on distinct emails: repeated links to the same 3 emails do not quarantine', () => {
  const links: Link[] = [];
  for (let k = 0; k < 5; k++)
    for (const e of ['a@x.io', 'b@x.io', 'C@X.io ', 'c@x.io'])
      links.push(link(anon('pc'), email(e), k));
  const r = resolveIdentities({ identifiers: [], links });
  assert.deepEqual(r.quarantined, []);
  // below the limit the pc is a shared device: three persons, the pc none of them
  assert.equal(r.persons, 3);
  assert.deepEqual(
    r.sharedDevices.map((d) => [d.identifier.value, d.persons.length]),
    [['pc', 3]],
  );
  const stricter = resolveIdentities({ identifiers: [], links }, { maxEmailsPerIdentifier: 2 });
  assert.equal(stricter.quarantined.length, 1);
  assert.deepEqual(stricter.sharedDevices, []);
  assert.equal(stricter.persons, 4);
});

test('an email linked to many anonymous ids is one person (one human, many browsers)', () => {
  const links = Array.from({ length: 12 }, (_, i) =>
    link(anon(`browser-${i}`), email('ann@acme.io'), i),
  );
  const r = resolveIdentities({ identifiers: [], links });
  assert.deepEqual(r.quarantined, []);
  assert.equal(r.persons, 1);
});

test('a sales@ inbox used by many user ids, and a user id with many emails, are quarantined', () => {
  const links: Link[] = [];
  for (let i = 0; i < 5; i++) links.push(link(user(`u${i}`), email('sales@acme.io'), i));
  for (let i = 0; i < 5; i++) links.push(link(user('1'), email(`p${i}@x.io`), i));
  const r = resolveIdentities({ identifiers: [], links });
  assert.deepEqual(
    r.quarantined.map((q) => [
      q.identifier.kind,
      q.identifier.value,
      q.distinctEmails,
      q.distinctUsers,
    ]),
    [
      ['email', 'sales@acme.io', 0, 5],
      ['user_id', '1', 5, 0],
    ],
  );
  assert.equal(r.persons, 12, 'every user id and email stays apart');
});

test('a late, out-of-order identify merges earlier sessions retroactively and reports the merge', () => {
  const before = resolveIdentities({
    identifiers: [
      { ...anon('monday'), at: T0 },
      { ...anon('friday'), at: T0 + 96 * H },
    ],
    links: [link(anon('friday'), user('u-9'), 97)],
  });
  assert.notEqual(personOf(before, anon('monday')), personOf(before, anon('friday')));
  // The identify made on Monday's device reaches us after Friday's.
  const after = resolveIdentities(
    {
      identifiers: [
        { ...anon('monday'), at: T0 },
        { ...anon('friday'), at: T0 + 96 * H },
      ],
      links: [link(anon('friday'), user('u-9'), 97), link(anon('monday'), user('u-9'), 1)],
    },
    { previous: before.assignments },
  );
  const p = personOf(after, anon('monday'));
  assert.equal(personOf(after, anon('friday')), p);
  assert.equal(p, personOf(before, anon('monday')), 'the merged person keeps the older anchor id');
  assert.deepEqual(after.merges, [{ into: p, from: [personOf(before, anon('friday'))] }]);
  assert.deepEqual(after.splits, []);
});

test('a new link that starts a quarantine splits the person, and the split names the reason', () => {
  // a team login identified with three addresses is one person (a user id is no device); a fourth quarantines it
  const facts = [
    link(user('team'), email('a@x.io'), 1),
    link(user('team'), email('b@x.io'), 2),
    link(user('team'), email('c@x.io'), 3),
  ];
  const before = resolveIdentities({ identifiers: [], links: facts });
  assert.equal(before.persons, 1);
  const was = personOf(before, user('team'));
  const after = resolveIdentities(
    { identifiers: [], links: [...facts, link(user('team'), email('d@x.io'), 4)] },
    { previous: before.assignments },
  );
  assert.equal(after.persons, 5);
  assert.equal(after.splits.length, 1);
  const s = after.splits[0]!;
  assert.equal(s.from, was);
  assert.equal(s.reason, 'quarantine');
  assert.deepEqual(s.quarantined, [user('team')]);
  assert.match(s.detail, /user_id:team \(linked to 4 distinct emails \(limit 3\)\)/);
  const expected = ['a@x.io', 'b@x.io', 'c@x.io'].map((e) => personOf(after, email(e)));
  expected.push(personOf(after, user('team')));
  assert.deepEqual(s.into, [...new Set(expected)].sort());
  assert.equal(s.into.length, 4, 'the new email d@ was not in the previous person');
  assert.equal(
    personOf(after, email('a@x.io')),
    was,
    'a@, seen first with the login (and first by kind), was the anchor and keeps the id',
  );
  assert.deepEqual(after.merges, [], 'pieces of a split are not reported again as merges');
});

test('a split caused by a removed link says so', () => {
  const before = resolveIdentities({
    identifiers: [],
    links: [link(anon('a'), email('x@y.io'), 1)],
  });
  const after = resolveIdentities(
    { identifiers: [anon('a'), email('x@y.io')], links: [] },
    { previous: before.assignments },
  );
  assert.equal(after.splits.length, 1);
  assert.equal(after.splits[0]!.reason, 'links_removed');
  assert.deepEqual(after.splits[0]!.quarantined, []);
});

test('persons whose identifiers are all gone are listed as removed', () => {
  const before = resolveIdentities({ identifiers: [anon('gone'), anon('kept')], links: [] });
  const after = resolveIdentities(
    { identifiers: [anon('kept')], links: [] },
    { previous: before.assignments },
  );
  assert.deepEqual(after.removedPersons, [personOf(before, anon('gone'))]);
  assert.deepEqual(after.merges, []);
  assert.deepEqual(after.splits, []);
});

test('an older fact arriving late renames the person, reported as a merge from the old id', () => {
  const before = resolveIdentities({
    identifiers: [],
    links: [link(anon('web'), email('z@q.io'), 50)],
  });
  const crm = { kind: 'crm_id', value: '0031x' };
  const after = resolveIdentities(
    {
      identifiers: [],
      links: [link(anon('web'), email('z@q.io'), 50), link(crm, email('z@q.io'), 1, 'crm')],
    },
    { previous: before.assignments },
  );
  const p = personOf(after, anon('web'));
  assert.equal(p, pid(crm), 'the CRM record was seen first, so it anchors the person');
  assert.deepEqual(after.merges, [{ into: p, from: [personOf(before, anon('web'))] }]);
});

test('rebuilding from the same facts gives identical ids and reports no change', () => {
  const input = {
    identifiers: [anon('x'), { kind: 'phone', value: '020 7946 0018' }],
    links: [
      link(anon('x'), email('a@b.io'), 3),
      link({ kind: 'phone', value: '+44 20 7946 0018' }, email('a@b.io'), 1, 'call'),
      link(user('u'), anon('y'), 2),
    ],
  };
  const options = { normalise: { defaultCountry: '44' } };
  const one = resolveIdentities(input, options);
  const two = resolveIdentities(input, { ...options, previous: one.assignments });
  assert.deepEqual([...two.assignments], [...one.assignments]);
  assert.deepEqual(two.columns, one.columns);
  assert.deepEqual([two.merges, two.splits, two.removedPersons], [[], [], []]);
  assert.equal(
    one.personOf({ kind: 'phone', value: '02079460018' }),
    one.personOf(email('a@b.io')),
  );
});

test('invalid identifiers are dropped with counted reasons; the valid end of a link survives', () => {
  const r = resolveIdentities({
    identifiers: [email('not-an-email'), anon('  ')],
    links: [link(anon('a1'), email('undefined'), 1), link(anon('a1'), email('ok@x.io'), 2)],
  });
  assert.equal(r.identifiers, 2);
  assert.equal(r.persons, 1);
  assert.deepEqual(r.rejected, {
    identifiers: 3,
    links: 1,
    byReason: { 'anonymous_id:empty': 1, 'email:missing_at': 1, 'email:placeholder': 1 },
  });
  assert.equal(r.personOf(email('not-an-email')), undefined);
});

test('person id collisions are resolved deterministically so two people never share an id', () => {
  const collide = (kind: string, value: string, salt: number): string =>
    salt === 0 ? 'p_same' : personIdFor(kind, value, salt);
  const build = (order: string[]): Resolution => {
    const g = new IdentityGraph();
    for (const v of order) g.addIdentifier('anonymous_id', v);
    return g.resolve({}, collide);
  };
  const r = build(['b', 'a', 'c']);
  assert.equal(r.personOf(anon('a')), 'p_same', 'the first by kind and value keeps the id');
  assert.equal(new Set(r.columns.personIds).size, 3);
  const again = build(['c', 'b', 'a']);
  for (const v of ['a', 'b', 'c']) assert.equal(again.personOf(anon(v)), r.personOf(anon(v)));
});

test('scale smoke: 200k identifiers and 300k links resolve to the expected persons', () => {
  const PEOPLE = 49_000;
  const SHARED = 4_000;
  const g = new IdentityGraph();
  for (let p = 0; p < PEOPLE; p++) {
    const e = `person${p}@example.com`;
    const at = T0 + p;
    g.addLink('anonymous_id', `a${p}`, 'email', e, at, 'form');
    g.addLink('anonymous_id', `b${p}`, 'email', e, at + 1, 'identify');
    g.addLink('anonymous_id', `b${p}`, 'user_id', `u${p}`, at + 2, 'identify');
    g.addLink('user_id', `u${p}`, 'email', e, at + 3, 'identify');
    g.addLink('anonymous_id', `a${p}`, 'user_id', `u${p}`, at + 4, 'alias');
  }
  // Shared machines each used by 12 different people.
  for (let s = 0; s < SHARED; s++)
    for (let k = 0; k < 12; k++)
      g.addLink(
        'anonymous_id',
        `shared${s}`,
        'email',
        `person${(s * 12 + k) % PEOPLE}@example.com`,
        T0 + PEOPLE,
        'form',
      );
  const r = g.resolve();
  assert.equal(r.identifiers, PEOPLE * 4 + SHARED);
  assert.equal(r.quarantined.length, SHARED);
  assert.equal(r.persons, PEOPLE + SHARED);
  for (const p of [0, 1234, PEOPLE - 1]) {
    const expected = personIdFor('anonymous_id', `a${p}`, 0);
    for (const id of [anon(`a${p}`), anon(`b${p}`), user(`u${p}`), email(`person${p}@example.com`)])
      assert.equal(r.personOf(id), expected);
  }
});
