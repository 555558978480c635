// The webhook-receipts area on the suite's engine (CLOSEDLOOP_TEST_ENGINE): appended once per key, read
// back as they arrived, per workspace, and gone with their workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { createWorkspace } from '../workspaces/create.js';

const receipt = (
  workspaceId: string,
  key: string,
  at: string,
  body = `[{"eventId":"${key}"}]`,
) => ({
  workspaceId,
  vendor: 'hubspot',
  key,
  receivedAt: at,
  contentType: 'application/json',
  body,
});

test('a receipt is stored once per workspace, vendor and key, and read back byte for byte in arrival order', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    const { workspace: ws } = await createWorkspace(store, {
      name: 'R',
      currency: 'USD',
      timezone: 'UTC',
    });
    const body = '[{"eventId":1,"note":"ünïcode ✓ \\"quoted\\"\\n"}]';
    assert.equal(
      await store.appendWebhookReceipt(receipt(ws.id, 'k2', '2026-01-01T00:00:02.000Z', body)),
      'stored',
    );
    assert.equal(
      await store.appendWebhookReceipt(receipt(ws.id, 'k1', '2026-01-01T00:00:01.500Z')),
      'stored',
    );
    // a redelivery (another time, even another body) changes nothing
    assert.equal(
      await store.appendWebhookReceipt(receipt(ws.id, 'k2', '2026-01-01T00:09:00.000Z', '[]')),
      'duplicate',
    );
    // the same key in another vendor or workspace is another receipt
    assert.equal(
      await store.appendWebhookReceipt({
        ...receipt(ws.id, 'k2', '2026-01-01T00:00:03.000Z'),
        vendor: 'stripe',
      }),
      'stored',
    );
    assert.equal(
      await store.appendWebhookReceipt(receipt('ws_other', 'k2', '2026-01-01T00:00:03.000Z')),
      'stored',
    );
    const got = await store.listWebhookReceipts({ workspaceId: ws.id, vendor: 'hubspot' });
    assert.deepEqual(got, [
      receipt(ws.id, 'k1', '2026-01-01T00:00:01.500Z'),
      receipt(ws.id, 'k2', '2026-01-01T00:00:02.000Z', body),
    ]);
    assert.equal((await store.listWebhookReceipts({ workspaceId: ws.id })).length, 3);
    const removed = await store.deleteWorkspace(ws.id);
    assert.equal(removed?.webhook_receipts, 3);
    assert.deepEqual(await store.listWebhookReceipts({ workspaceId: ws.id }), []);
    assert.equal((await store.listWebhookReceipts({ workspaceId: 'ws_other' })).length, 1);
  } finally {
    await store.close();
    cleanup();
  }
});

test('receipts appended at once (a burst of deliveries, each sent twice) are each stored exactly once', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    const at = '2026-01-01T00:00:00.000Z';
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store.appendWebhookReceipt(receipt('ws_burst', `k${i % 20}`, at)),
      ),
    );
    assert.equal(outcomes.filter((o) => o === 'stored').length, 20);
    assert.equal(outcomes.filter((o) => o === 'duplicate').length, 20);
    assert.equal((await store.listWebhookReceipts({ workspaceId: 'ws_burst' })).length, 20);
  } finally {
    await store.close();
    cleanup();
  }
});

test('load markers: unloaded receipts are those without one, per vendor and key; marking twice is harmless', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    const { workspace: ws } = await createWorkspace(store, {
      name: 'L',
      currency: 'USD',
      timezone: 'UTC',
    });
    for (const k of ['a', 'b', 'c'])
      await store.appendWebhookReceipt(
        receipt(ws.id, k, `2026-01-01T00:00:0${k.charCodeAt(0) - 96}.000Z`),
      );
    await store.appendWebhookReceipt({
      ...receipt(ws.id, 'a', '2026-01-01T00:00:05.000Z'),
      vendor: 'stripe',
    });
    const unloaded = async () =>
      (await store.listWebhookReceipts({ workspaceId: ws.id, unloaded: true })).map(
        (r) => `${r.vendor}:${r.key}`,
      );
    assert.deepEqual(await unloaded(), ['hubspot:a', 'hubspot:b', 'hubspot:c', 'stripe:a']);
    await store.markWebhookReceiptsLoaded(ws.id, 'hubspot', ['a', 'c'], '2026-01-02T00:00:00.000Z');
    await store.markWebhookReceiptsLoaded(ws.id, 'hubspot', ['a'], '2026-01-03T00:00:00.000Z');
    assert.deepEqual(await unloaded(), ['hubspot:b', 'stripe:a']);
    // another workspace's marker of the same key changes nothing here
    await store.markWebhookReceiptsLoaded('ws_other', 'hubspot', ['b'], '2026-01-02T00:00:00.000Z');
    assert.deepEqual(await unloaded(), ['hubspot:b', 'stripe:a']);
    assert.equal((await store.listWebhookReceipts({ workspaceId: ws.id })).length, 4);
  } finally {
    await store.close();
    cleanup();
  }
});
