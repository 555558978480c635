// The first run's owner: made only while the install has no user, its password the one printed, never
// stored as given.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { verifyPassword } from '../users/password.js';
import { DEMO_OWNER_EMAIL, firstRunOwner } from './demo-owner.js';

test('the first run makes one owner with a password shown once; a later run makes none', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    const owner = await firstRunOwner(store);
    assert.ok(owner);
    assert.equal(owner.email, DEMO_OWNER_EMAIL);
    assert.ok(owner.password.length >= 20, 'a long random password');
    const stored = await store.userCredentials(DEMO_OWNER_EMAIL);
    assert.ok(stored);
    assert.equal(stored.user.role, 'owner');
    assert.notEqual(stored.passwordHash, owner.password);
    assert.equal(await verifyPassword(owner.password, stored.passwordHash), true);
    assert.equal(await firstRunOwner(store), null);
    assert.equal((await store.listUsers()).length, 1);
  } finally {
    await store.close();
    cleanup();
  }
});
