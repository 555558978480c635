// A stored receipt read back into what it means, with the vendor folders' own mappings: the same
// records whether a delivery was stored once or redelivered, and Salesforce's change events folded
// across deliveries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import type { WebhookReceipt } from '../store/areas/webhook-receipts.js';
import { receiptMeaning, workspaceReceiptChanges } from './receipt-changes.js';

const fixture = (vendor: string, name: string) =>
  readFileSync(new URL(`../sources/${vendor}/fixtures/${name}`, import.meta.url), 'utf8');

const receipt = (vendor: string, key: string, body: string, contentType = 'application/json') => ({
  workspaceId: 'ws_1',
  vendor,
  key,
  receivedAt: '2026-02-01T00:00:00.000Z',
  contentType,
  body,
});

test('each vendor receipt reads into its change records, re-fetches or Stripe events', () => {
  const hs = receiptMeaning(receipt('hubspot', 'k', fixture('hubspot', 'webhook.batch.json')));
  // a deletion and a merge are records of their own; the stage change waits for the re-fetch
  const kinds = hs.changes.map((c) => `${c.objectType}:${c.objectId}:${c.change}`).sort();
  assert.ok(
    kinds.some((k) => k.startsWith('deal:4599:')),
    kinds.join(' '),
  );
  assert.ok(hs.refetch.includes('deal:4500'), hs.refetch.join(' '));
  assert.ok(!hs.refetch.includes('deal:4599'));

  const pd = receiptMeaning(
    receipt('pipedrive', 'k', fixture('pipedrive', 'webhook.v2.deal.create.json')),
  );
  assert.ok(pd.changes.length > 0);
  assert.ok(pd.changes.every((c) => c.source === 'pipedrive' && c.objectId === '4500'));

  const ob = receiptMeaning(
    receipt('salesforce', 'k', fixture('salesforce', 'outbound.lead.xml'), 'text/xml'),
    { salesforceOrganizationId: '00D5e0000ORG001AAA' },
  );
  assert.ok(ob.changes.length > 0);
  assert.ok(ob.changes.every((c) => c.source === 'salesforce' && c.objectType === 'lead'));

  const st = receiptMeaning(
    receipt('stripe', 'evt', fixture('stripe', 'customer.subscription.created.2024-06-20.json')),
  );
  assert.deepEqual(
    st.stripeEvents.map((e) => e.kind),
    ['subscription'],
  );
  assert.deepEqual([st.changes, st.refetch], [[], []]);
});

test("a workspace's receipts give each record once, and Salesforce change events fold across deliveries", async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    const events = JSON.parse(fixture('salesforce', 'cdc.events.json')) as unknown[];
    const whole = receiptMeaning(receipt('salesforce', 'all', JSON.stringify(events)));
    // the same events in three deliveries, one of them delivered twice
    const parts = [events.slice(0, 3), events.slice(3, 6), events.slice(6)];
    const put = (r: WebhookReceipt) => store.appendWebhookReceipt(r);
    for (const [i, p] of parts.entries())
      await put(receipt('salesforce', `p${i}`, JSON.stringify(p)));
    assert.equal(await put(receipt('salesforce', 'p1', JSON.stringify(parts[1]))), 'duplicate');
    const hs = fixture('hubspot', 'webhook.batch.json');
    await put(receipt('hubspot', 'h1', hs));
    await put(receipt('hubspot', 'h2', hs)); // regrouped redelivery under another key: same records
    const sf = await workspaceReceiptChanges(store, 'ws_1', 'salesforce');
    const keys = (m: { changes: { key: string }[] }) => m.changes.map((c) => c.key).sort();
    assert.deepEqual(keys(sf), keys(whole));
    assert.deepEqual([...sf.refetch].sort(), [...whole.refetch].sort());
    const hub = await workspaceReceiptChanges(store, 'ws_1', 'hubspot');
    assert.deepEqual(keys(hub), keys(receiptMeaning(receipt('hubspot', 'x', hs))));
  } finally {
    await store.close();
    cleanup();
  }
});
