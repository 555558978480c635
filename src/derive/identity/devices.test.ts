// The shared-device rule on hand-made graphs: which devices are split between persons, which join one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveIdentities } from './graph.js';
import { personIdFor } from './person-ids.js';
import type { Identifier, Link, Resolution } from './types.js';

const T0 = Date.UTC(2026, 0, 1);
const H = 3_600_000;
const anon = (value: string): Identifier => ({ kind: 'anonymous_id', value });
const email = (value: string): Identifier => ({ kind: 'email', value });
const user = (value: string): Identifier => ({ kind: 'user_id', value });
const phone = (value: string): Identifier => ({ kind: 'phone', value });
const link = (a: Identifier, b: Identifier, hours: number, source = 'identify'): Link => ({
  a,
  b,
  at: T0 + hours * H,
  source,
});
const pid = (id: Identifier): string => personIdFor(id.kind, id.value, 0);
const shared = (r: Resolution): [string, string[]][] =>
  r.sharedDevices.map((d) => [d.identifier.value, d.persons]);

test('two emails on one device are two persons; the device is shared between them and belongs to neither', () => {
  const r = resolveIdentities({
    identifiers: [{ ...anon('laptop'), at: T0 }],
    links: [
      link(anon('laptop'), email('ann@x.io'), 1, 'form'),
      link(anon('laptop'), email('bo@x.io'), 5),
      link(anon('laptop'), email('Ann@X.io'), 9),
    ],
  });
  const ann = r.personOf(email('ann@x.io'));
  const bo = r.personOf(email('bo@x.io'));
  assert.ok(ann && bo && ann !== bo);
  assert.equal(
    ann,
    pid(email('ann@x.io')),
    'a person is named after its own first identifier, never after the shared device',
  );
  assert.equal(r.personOf(anon('laptop')), undefined);
  assert.equal(r.persons, 2);
  assert.deepEqual(shared(r), [['laptop', [ann, bo].sort()]]);
  assert.deepEqual(
    r.sharedDevices[0]!.claims.map((c) => [c.personId, c.at]).sort(
      (x, y) => Number(x[1]) - Number(y[1]),
    ),
    [
      [ann, T0 + H],
      [bo, T0 + 5 * H],
      [ann, T0 + 9 * H],
    ],
  );
  assert.ok(
    ![...r.assignments].some((a) => a.identifier.kind === 'anonymous_id'),
    'no assignment row for the shared device',
  );
  assert.equal(r.columns.kinds.length, 2);
});

test('a device with one email and a phone, or with one user id and one email, is one person: only two emails (or two user ids) split', () => {
  const r = resolveIdentities({
    identifiers: [],
    links: [
      link(anon('pc'), email('cy@x.io'), 1),
      link(anon('pc'), phone('+442079460018'), 2, 'call'),
      link(anon('tab'), user('u-1'), 1),
      link(anon('tab'), email('di@x.io'), 2, 'form'),
      link(anon('kid'), user('u-2'), 1),
      link(anon('kid'), user('u-3'), 2),
    ],
  });
  assert.equal(r.personOf(anon('pc')), r.personOf(phone('+442079460018')));
  assert.equal(r.personOf(anon('pc')), r.personOf(email('cy@x.io')));
  assert.equal(r.personOf(anon('tab')), r.personOf(email('di@x.io')));
  assert.equal(r.personOf(anon('tab')), r.personOf(user('u-1')));
  assert.deepEqual(
    shared(r).map(([d]) => d),
    ['kid'],
    'two logins on one browser are two persons',
  );
  assert.notEqual(r.personOf(user('u-2')), r.personOf(user('u-3')));
});

test('two emails that something else joins (a login, another device) are one person, and the device joins it', () => {
  const r = resolveIdentities({
    identifiers: [],
    links: [
      // one human with a work and a private address, both on their login
      link(anon('home'), email('work@x.io'), 1),
      link(anon('home'), email('me@y.io'), 2),
      link(user('u-9'), email('work@x.io'), 3),
      link(user('u-9'), email('me@y.io'), 4),
      // a chain through ordinary devices (each sees one email) joins ed@ and fi@; a third device seeing both then joins that person
      link(anon('d1'), email('ed@x.io'), 1),
      link(anon('d1'), phone('+14155550100'), 1),
      link(anon('d2'), phone('+14155550100'), 2),
      link(anon('d2'), email('fi@x.io'), 2),
      link(anon('d3'), email('ed@x.io'), 3),
      link(anon('d3'), email('fi@x.io'), 4),
    ],
  });
  assert.deepEqual(r.sharedDevices, []);
  assert.equal(r.personOf(anon('home')), r.personOf(user('u-9')));
  assert.equal(r.personOf(email('me@y.io')), r.personOf(email('work@x.io')));
  assert.equal(r.personOf(anon('d3')), r.personOf(email('ed@x.io')));
  assert.equal(r.personOf(email('fi@x.io')), r.personOf(email('ed@x.io')));
  assert.equal(r.persons, 2);
});

test('each person of a shared device keeps their own other devices; quarantine still applies above the limit', () => {
  const r = resolveIdentities({
    identifiers: [],
    links: [
      link(anon('family'), email('mum@x.io'), 1),
      link(anon('family'), email('son@x.io'), 2),
      link(anon('mum-phone'), email('mum@x.io'), 3),
      ...['k1', 'k2', 'k3', 'k4'].map((k, i) => link(anon('kiosk'), email(`${k}@x.io`), i)),
    ],
  });
  assert.equal(r.personOf(anon('mum-phone')), r.personOf(email('mum@x.io')));
  assert.deepEqual(shared(r), [
    ['family', [r.personOf(email('mum@x.io'))!, r.personOf(email('son@x.io'))!].sort()],
  ]);
  assert.deepEqual(
    r.quarantined.map((q) => q.identifier.value),
    ['kiosk'],
  );
  assert.equal(
    r.personOf(anon('kiosk')),
    pid(anon('kiosk')),
    'a quarantined device is its own person, not shared',
  );
  assert.equal(r.persons, 2 + 1 + 4);
});

test('a device that becomes shared splits its person, with the reason; a later rebuild reports nothing', () => {
  const first = [link(anon('desk'), email('ann@x.io'), 1)];
  const before = resolveIdentities({ identifiers: [{ ...anon('desk'), at: T0 }], links: first });
  const was = before.personOf(anon('desk'))!;
  assert.equal(was, pid(anon('desk')));
  const facts = {
    identifiers: [{ ...anon('desk'), at: T0 }],
    links: [...first, link(anon('desk'), email('bo@x.io'), 30)],
  };
  const after = resolveIdentities(facts, { previous: before.assignments });
  const ann = after.personOf(email('ann@x.io'))!;
  const bo = after.personOf(email('bo@x.io'))!;
  assert.deepEqual(
    after.splits.map((s) => [s.from, s.into, s.reason]),
    [[was, [ann, bo].sort(), 'shared_device']],
  );
  assert.match(after.splits[0]!.detail, /device/);
  assert.deepEqual(after.merges, []);
  const again = resolveIdentities(facts, { previous: after.assignments });
  assert.deepEqual([again.merges, again.splits, again.removedPersons], [[], [], []]);
  // the two persons are later found to be one (a login with both addresses): the device joins them again
  const joined = resolveIdentities(
    {
      ...facts,
      links: [
        ...facts.links,
        link(user('u'), email('ann@x.io'), 40),
        link(user('u'), email('bo@x.io'), 41),
      ],
    },
    { previous: after.assignments },
  );
  assert.deepEqual(joined.sharedDevices, []);
  assert.equal(joined.personOf(anon('desk')), joined.personOf(email('bo@x.io')));
  assert.deepEqual(
    joined.merges,
    [{ into: pid(anon('desk')), from: [ann, bo].sort() }],
    'named after the desk again, seen first',
  );
});
