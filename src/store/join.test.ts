// The join of a control part and a data part: what spans both (deletion, readiness, closing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir } from '../test-helpers/tmp.js';
import { joinStore, storeParts } from './join.js';
import { openStore } from './open.js';

const workspace = (id: string) => ({
  id,
  name: id,
  currency: 'USD',
  timezone: 'UTC',
  writeKey: `wk_${id}`,
  secretKeyHash: `h_${id}`,
});
const page = (i: number) => ({
  type: 'page',
  messageId: `m${i}`,
  anonymousId: 'a1',
  timestamp: `2026-01-01T00:00:0${i}Z`,
});

test('a deletion cut short after its data half leaves a listed workspace with no data; running it again finishes it', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openStore(dir);
  try {
    await store.createWorkspace(workspace('w'));
    await store.setSetting('w', 'lookback', 30);
    await store.appendEvents('w', [page(1), page(2)], { origin: 'api', receivedAt: new Date() });
    const { control, data } = storeParts(store)!;
    // the control plane fails between the two halves (a PostgreSQL that went away)
    const failing = joinStore(
      {
        ...control,
        deleteWorkspaceControl: () => Promise.reject(new Error('the control database went away')),
      },
      data,
    );
    await assert.rejects(failing.deleteWorkspace('w'), /went away/);
    assert.equal(await store.countEvents('w'), 0);
    assert.equal((await store.getWorkspace('w'))?.id, 'w');
    assert.equal(await store.getSetting('w', 'lookback'), 30);

    const finished = await store.deleteWorkspace('w');
    assert.equal(finished?.workspaces, 1);
    assert.equal(finished?.workspace_settings, 1);
    assert.equal(finished?.events, 0);
    assert.equal(await store.getWorkspace('w'), undefined);
  } finally {
    await store.close();
    cleanup();
  }
});

test('a deletion removes the data half and the control half, and reports both, workspaces first', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openStore(dir);
  try {
    await store.createWorkspace(workspace('w'));
    await store.createWorkspace(workspace('other'));
    await store.setSetting('w', 'lookback', 30);
    await store.appendEvents('w', [page(1), page(2)], { origin: 'api', receivedAt: new Date() });
    await store.appendEvents('other', [page(1)], { origin: 'api', receivedAt: new Date() });
    const removed = await store.deleteWorkspace('w');
    assert.equal(Object.keys(removed!)[0], 'workspaces');
    assert.equal(removed?.workspaces, 1);
    assert.equal(removed?.workspace_settings, 1);
    assert.equal(removed?.events, 2);
    // every data table is reported, touched or not; the control tables only by the control half
    assert.ok(Object.keys(removed!).includes('sessions'));
    assert.equal(await store.countEvents('other'), 1);
    assert.equal(await store.deleteWorkspace('w'), undefined);
  } finally {
    await store.close();
    cleanup();
  }
});

test('closing the store closes both parts', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = await openStore(dir);
    const { control, data } = storeParts(store)!;
    assert.equal(store.ready(), true);
    await store.close();
    assert.deepEqual([store.ready(), control.ready(), data.ready()], [false, false, false]);
  } finally {
    cleanup();
  }
});
