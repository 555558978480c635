// The receipt loader's Stripe entry on the suite's engine: a workspace's Stripe receipts become facts,
// each event once; other vendors' and workspaces' receipts are left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withStore } from '../test-helpers/events.js';
import { FIXTURE_NAMES, fixture, fixtureText } from '../test-helpers/stripe-fixtures.js';
import { loadStripeReceipts } from './stripe-facts.js';

const receipt = (workspaceId: string, vendor: string, name: (typeof FIXTURE_NAMES)[number]) => ({
  workspaceId,
  vendor,
  key: String(fixture(name).id),
  receivedAt: '2026-07-01T00:00:00.000Z',
  contentType: 'application/json',
  body: fixtureText(name),
});

test("a workspace's Stripe receipts are stored as facts once; others are left alone", async () => {
  await withStore(async (store) => {
    const mine = FIXTURE_NAMES.map((n) => receipt('w', 'stripe', n));
    const others = [
      receipt('w2', 'stripe', 'customer.created.2024-06-20'),
      { ...receipt('w', 'hubspot', 'customer.created.2024-06-20'), body: '[]' },
    ];
    assert.deepEqual(await loadStripeReceipts(store, 'w', [...others, ...mine]), {
      inserted: FIXTURE_NAMES.length,
      duplicates: 0,
      erased: 0,
    });
    assert.deepEqual(await loadStripeReceipts(store, 'w', mine), {
      inserted: 0,
      duplicates: FIXTURE_NAMES.length,
      erased: 0,
    });
    const facts = await store.stripeFacts('w');
    assert.deepEqual(facts.map((f) => f.key).sort(), mine.map((r) => `stripe:${r.key}`).sort());
    assert.deepEqual(facts.map((f) => f.body).sort(), mine.map((r) => r.body).sort());
    // stored, not derived: no milestone yet
    assert.equal(await store.countPersons('w'), 0);
  });
});
