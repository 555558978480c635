import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../store/open.js';
import { tempDir } from '../test-helpers/tmp.js';
import { createWorkspace, workspaceForSecret } from './create.js';
import { deleteWorkspace, rotateSecretKey } from './manage.js';

test('a rotated secret key replaces the old one, only in its workspace; deletion removes the workspace alone', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openStore(dir);
  try {
    const a = await createWorkspace(store, { name: 'A', currency: 'USD', timezone: 'UTC' });
    const b = await createWorkspace(store, { name: 'B', currency: 'USD', timezone: 'UTC' });
    const fresh = await rotateSecretKey(store, a.workspace.id);
    assert.match(fresh ?? '', /^sk_[A-Za-z0-9]{40}$/);
    assert.notEqual(fresh, a.secretKey);
    assert.equal(await workspaceForSecret(store, a.secretKey), undefined);
    assert.equal((await workspaceForSecret(store, fresh!))?.id, a.workspace.id);
    assert.equal((await workspaceForSecret(store, b.secretKey))?.id, b.workspace.id);
    assert.equal(await rotateSecretKey(store, 'ws_missing'), undefined);

    const removed = await deleteWorkspace(store, a.workspace.id);
    assert.equal(removed?.workspaces, 1);
    assert.deepEqual(
      (await store.listWorkspaces()).map((w) => w.id),
      [b.workspace.id],
    );
    assert.equal(await workspaceForSecret(store, fresh!), undefined);
    assert.equal(await deleteWorkspace(store, a.workspace.id), undefined);
  } finally {
    await store.close();
    cleanup();
  }
});
