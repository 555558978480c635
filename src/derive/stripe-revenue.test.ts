// Stripe's payloads as facts on the suite's engine: a receipt or backfilled object stored once per
// key, read back as it came, Ada's MRR months computed from the stored facts, her customer matched to
// her person by the anonymous id in its metadata, and her facts gone with her erasure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rebuild } from './derive.js';
import { erasePerson, exportPerson } from './person-privacy.js';
import { add, identify, page, withStore } from '../test-helpers/events.js';
import { FIXTURE_NAMES, fixture, fixtureText } from '../test-helpers/stripe-fixtures.js';
import type { WebhookReceipt } from '../store/areas/webhook-receipts.js';
import { backfillFact, eventFact } from '../sources/stripe/index.js';
import { recordStripeReceipts } from './stripe-record.js';
import { historiesFromFacts, stripeCustomerMonths } from './stripe-revenue.js';

const receipts = (ws: string): WebhookReceipt[] =>
  [...FIXTURE_NAMES].reverse().map((name) => ({
    workspaceId: ws,
    vendor: 'stripe',
    key: String(fixture(name).id),
    receivedAt: '2026-07-01T00:00:00.000Z',
    contentType: 'application/json',
    body: fixtureText(name),
  }));

const NOW = Date.parse('2026-07-01T00:00:00Z');

test("Ada's receipts become facts once; her months from the stored facts; her customer reaches her person", async () => {
  await withStore(async (store) => {
    // Ada's visit: the anonymous id her sign-up form carried into Stripe's metadata
    await add(store, [
      page('anon-42', '2025-12-30T10:00:00Z', 'https://x.io/?utm_source=newsletter'),
      identify('anon-42', '2025-12-30T10:05:00Z', 'someone-else@example.com'),
    ]);
    await rebuild(store, 'w');
    const first = await recordStripeReceipts(store, 'w', receipts('w'), NOW);
    assert.equal(first.inserted, FIXTURE_NAMES.length);
    // Bob (a discount of his came with the fixtures) is known to no one here: kept and counted
    assert.deepEqual(
      [first.customers, first.matched, first.unmatched, first.milestones],
      [2, 1, 1, 1],
    );
    const again = await recordStripeReceipts(store, 'w', receipts('w'), NOW);
    assert.deepEqual([again.inserted, again.duplicates], [0, FIXTURE_NAMES.length]);
    // another workspace's receipt is not loaded here
    const other = await recordStripeReceipts(store, 'w', receipts('w2'), NOW);
    assert.equal(other.inserted, 0);

    const facts = await store.stripeFacts('w');
    assert.equal(facts.length, FIXTURE_NAMES.length);
    const customer = facts.find((f) => f.objectType === 'customer')!;
    assert.equal(customer.body, fixtureText('customer.created.2024-06-20'));
    assert.deepEqual(customer.match.anonymousIds, ['anon-42']);
    assert.deepEqual(customer.match.emails, ['ada@example.com']);
    assert.deepEqual(new Set(facts.map((f) => f.customerId)), new Set(['cus_Ada', 'cus_Bob']));

    const months = stripeCustomerMonths(facts, '2026-07').filter((m) => m.customerId === 'cus_Ada');
    assert.deepEqual(
      months.map((m) => [m.month, m.startMrr, m.newBusiness + m.expansion + m.churn, m.endMrr]),
      [
        ['2026-01', 0, 11760, 11760],
        ['2026-02', 11760, 7840, 19600],
        ['2026-03', 19600, 0, 19600],
        ['2026-04', 19600, 4900, 24500],
        ['2026-05', 24500, 0, 24500],
        ['2026-06', 24500, -24500, 0],
      ],
    );
    // her customer milestone: reached when the trial ended, worth what she paid (first year, so far)
    const [person] = await store.personsByIdentifier('w', 'anonymous_id', 'anon-42');
    const exported = await exportPerson(store, 'w', { personId: person! });
    const ms = exported!.tables.milestones!.filter((m) => m.milestone === 'customer');
    assert.equal(ms.length, 1);
    assert.equal(new Date(String(ms[0]!.reached_at)).toISOString(), '2026-01-15T00:00:00.000Z');
    // Jan 15 117.60, Feb 15 196 (5 seats since 10 Feb), Mar 15 196, Apr 15 245, May 15 245, Jun 15: ended
    assert.equal(Number(ms[0]!.value), 999.6);
    // the export holds her Stripe facts (not Bob's); the erasure removes them
    assert.equal(exported!.counts.stripe_facts, FIXTURE_NAMES.length - 1);
    await erasePerson(store, 'w', { personId: person! }, { via: 'api' });
    assert.deepEqual(
      (await store.stripeFacts('w')).map((f) => f.customerId),
      ['cus_Bob'],
    );
  });
});

test('a backfilled object read again unchanged is the same fact; changed, a new one', async () => {
  await withStore(async (store) => {
    const sub = (fixture('customer.subscription.created.2024-06-20').data as { object: object })
      .object;
    const a = backfillFact('subscriptions', sub, NOW);
    const b = backfillFact('subscriptions', sub, NOW + 1000);
    const c = backfillFact('subscriptions', { ...sub, quantity: 9 }, NOW + 2000);
    assert.equal(a.key, b.key);
    assert.notEqual(a.key, c.key);
    assert.equal(a.customerId, 'cus_Ada');
    const event = eventFact(fixtureText('customer.created.2024-06-20'));
    assert.deepEqual(await store.appendStripeFacts('w', [a, b, c, event]), {
      inserted: 3,
      duplicates: 1,
      erased: 0,
    });
    const stored = await store.stripeFacts('w');
    // a backfilled object is dated by its own `created`, its read time beside it
    const created = Date.parse('2026-01-01T00:00:00Z');
    assert.deepEqual(
      stored.map((f) => [
        f.origin,
        f.objectType,
        f.occurredAt,
        f.origin === 'event' ? 0 : f.readAt,
      ]),
      [
        ['event', 'customer', created, 0],
        ['backfill', 'subscription', created, NOW],
        ['backfill', 'subscription', created, NOW + 2000],
      ],
    );
    assert.deepEqual(await store.stripeFacts('other'), []);
    // reads of one object share its time: the later read stands for it, whatever order they came in
    const seats = (q: number) => {
      const copy = JSON.parse(JSON.stringify(sub)) as {
        items: { data: Array<{ quantity: number }> };
      };
      copy.items.data[0]!.quantity = q;
      return copy;
    };
    await store.appendStripeFacts('w2', [
      backfillFact('subscriptions', seats(8), NOW + 5000),
      backfillFact('subscriptions', seats(4), NOW + 4000),
    ]);
    const { histories } = historiesFromFacts(await store.stripeFacts('w2'));
    assert.deepEqual(
      histories.flatMap((h) => h.states.map((st) => st.items[0]!.quantity)),
      [8],
    );
    // two appends of the same new fact at once: read back once
    const d = backfillFact('subscriptions', { ...sub, quantity: 11 }, NOW + 3000);
    await Promise.all([store.appendStripeFacts('w', [d]), store.appendStripeFacts('w', [d])]);
    assert.equal((await store.stripeFacts('w')).filter((f) => f.key === d.key).length, 1);
  });
});
