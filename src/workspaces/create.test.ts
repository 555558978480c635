import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { createWorkspace, InvalidInput, workspaceForSecret } from './create.js';

test('a workspace gets a write key and a secret key that is stored only as a hash', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    const { workspace, secretKey } = await createWorkspace(store, {
      name: 'Acme',
      currency: 'gbp',
      timezone: 'Europe/London',
    });
    assert.match(workspace.writeKey, /^wk_[A-Za-z0-9]{24}$/);
    assert.match(secretKey, /^sk_[A-Za-z0-9]{40}$/);
    assert.equal(workspace.currency, 'GBP');
    assert.equal((await workspaceForSecret(store, secretKey))?.id, workspace.id);
    assert.equal(await workspaceForSecret(store, secretKey.slice(0, -1) + 'x'), undefined);
    assert.ok(!JSON.stringify(await store.listWorkspaces()).includes(secretKey));
  } finally {
    await store.close();
    cleanup();
  }
});

test('bad workspace input names the field and nothing is written', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    await assert.rejects(
      createWorkspace(store, { name: 'A', currency: 'XXY', timezone: 'UTC' }),
      (e: unknown) => e instanceof InvalidInput && e.field === 'currency',
    );
    await assert.rejects(
      createWorkspace(store, { name: 'A', currency: 'USD', timezone: 'Mars/Base' }),
      (e: unknown) => e instanceof InvalidInput && e.field === 'timezone',
    );
    await assert.rejects(
      createWorkspace(store, { name: ' ', currency: 'USD', timezone: 'UTC' }),
      (e: unknown) => e instanceof InvalidInput && e.field === 'name',
    );
    assert.equal((await store.listWorkspaces()).length, 0);
  } finally {
    await store.close();
    cleanup();
  }
});
