// CRM tombstones, on the suite's engine: after a person's erasure, the CRM changes naming them (their
// e-mail, or the anonymous id a form carried into the CRM) are not stored again when a webhook
// re-delivers them, a backfill re-reads them or a file is imported again; a change made after the
// erasure (the person came back) is stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CONTACTS,
  DEALS,
  person,
  reached,
  records,
  seedEvents,
} from '../test-helpers/crm-records.js';
import { withStore } from '../test-helpers/events.js';
import { recordCrmChanges } from './crm-milestones.js';
import { erasePerson } from './person-privacy.js';

const contactKeys = async (store: Parameters<typeof recordCrmChanges>[0], id: string) =>
  (await store.crmChanges('w')).filter((c) => c.objectId === id).map((c) => c.key);

test("an erased person's CRM changes are not stored again; a change after the erasure is", async () => {
  await withStore(async (store) => {
    await seedEvents(store);
    await recordCrmChanges(store, 'w', [...CONTACTS, ...DEALS]);
    const ada = await person(store, 'email', 'ada@acme.io');
    assert.deepEqual(
      (await reached(store, 'mql')).map((r) => r[0]),
      [ada],
    );
    assert.ok((await contactKeys(store, 'c1')).length > 0);

    // carol is erased by the anonymous id her form carried into the CRM, ada by her e-mail
    const carol = await person(store, 'anonymous_id', 'anon-c');
    assert.ok(await erasePerson(store, 'w', { email: 'ada@acme.io' }, { via: 'api' }));
    assert.ok(await erasePerson(store, 'w', { personId: carol }, { via: 'api' }));
    assert.deepEqual(await contactKeys(store, 'c1'), []);
    assert.deepEqual(await contactKeys(store, 'c3'), []);

    // the same records again (a re-delivered webhook, a re-import): theirs are refused, the rest duplicates
    const theirs = CONTACTS.filter((c) => c.objectId === 'c1' || c.objectId === 'c3').length;
    const again = await recordCrmChanges(store, 'w', [...CONTACTS, ...DEALS]);
    assert.deepEqual([again.inserted, again.erased], [0, theirs]);
    assert.deepEqual(await contactKeys(store, 'c1'), []);
    assert.deepEqual(await contactKeys(store, 'c3'), []);
    assert.deepEqual(await reached(store, 'mql'), []);

    // ada comes back after the erasure: her new change is stored
    const later = records('contacts', [
      { record_id: 'c1', contact_email: 'ada@acme.io', stage: 'SQL', created_at: '2099-01-02' },
    ]);
    const back = await recordCrmChanges(store, 'w', later);
    assert.deepEqual([back.inserted, back.erased], [later.length, 0]);
    assert.deepEqual((await contactKeys(store, 'c1')).sort(), later.map((c) => c.key).sort());
  });
});
