import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, identify, page, withStore } from '../test-helpers/events.js';
import { rebuild } from './derive.js';
import { INSPECT_VIEWS, InspectParamError, InspectQuery } from './inspect-views.js';

const view = (name: string) => INSPECT_VIEWS.find((v) => v.name === name)!;

test('the query every view reads: a query string shape, checked field by field', () => {
  assert.deepEqual(InspectQuery.parse({}), { limit: 100 });
  assert.deepEqual(InspectQuery.parse({ limit: '5', person: 'p_1' }), { limit: 5, person: 'p_1' });
  for (const limit of ['0', 'x', '1.5', '100001']) {
    const r = InspectQuery.safeParse({ limit });
    assert.equal(r.success, false, limit);
    assert.deepEqual(
      [r.error!.issues[0]!.path, r.error!.issues[0]!.message],
      [['limit'], 'must be an integer from 1 to 100000'],
      limit,
    );
  }
  assert.equal(InspectQuery.safeParse({ anonymousId: '' }).success, false);
  assert.equal(InspectQuery.safeParse({ other: '1' }).success, false);
});

test('each view reads the derived rows as stored; credits needs a person', async () => {
  await withStore(async (store) => {
    await add(store, [
      page('anon-a', '2026-05-01T10:00:00Z', 'https://acme.io/?gclid=abc'),
      identify('anon-a', '2026-05-01T10:05:00Z', 'a@acme.io'),
      page('anon-b', '2026-05-02T10:00:00Z', 'https://acme.io/?utm_source=news&utm_medium=email'),
    ]);
    await rebuild(store, 'w');
    const q = InspectQuery.parse({});
    const sessions = await view('sessions').run(store, 'w', q);
    assert.deepEqual(
      sessions.map((s) => [s.anonymousId, s.channel]),
      [
        ['anon-a', 'Paid Search'],
        ['anon-b', 'Email'],
      ],
    );
    assert.equal((await view('sessions').run(store, 'w', { limit: 1 })).length, 1);
    assert.deepEqual(
      (await view('sessions').run(store, 'w', { ...q, anonymousId: 'anon-b' })).map(
        (s) => s.anonymousId,
      ),
      ['anon-b'],
    );
    const ids = await view('identities').run(store, 'w', q);
    const person = ids.find((r) => r.value === 'a@acme.io')!.person as string;
    assert.deepEqual(
      (await view('identities').run(store, 'w', { ...q, person })).map((r) => r.kind).sort(),
      ['anonymous_id', 'email'],
    );
    assert.deepEqual(await view('leads').run(store, 'w', q), [
      { channel: 'Paid Search', leads: 1 },
    ]);
    await assert.rejects(
      view('credits').run(store, 'w', q),
      (err: unknown) => err instanceof InspectParamError && err.field === 'person',
    );
    assert.ok((await view('credits').run(store, 'w', { ...q, person })).length > 0);
  });
});
