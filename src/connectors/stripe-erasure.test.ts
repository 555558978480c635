// Stripe tombstones, on the suite's engine, through the real backfill against a local replay: objects
// a backfill reads are dated by their own `created`, so after a person's erasure a later re-sync stores
// none of their Stripe customer's objects again (the customer by its e-mail, its subscriptions and
// invoices by its customer id); an object made after the erasure, and other customers', are stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveStripe } from '../derive/stripe-record.js';
import { rebuild } from '../derive/derive.js';
import { erasePerson } from '../derive/person-privacy.js';
import { add, identify, withStore } from '../test-helpers/events.js';
import { json, startReplay } from '../test-helpers/replay-server.js';
import { fixture, type FixtureName } from '../test-helpers/stripe-fixtures.js';
import { secretBox } from '../util/secret-box.js';
import { setConnector } from './settings.js';
import { syncStripe } from './sync-stripe.js';

type StripeObject = Record<string, unknown> & { id: string };
const objectOf = (name: FixtureName) => (fixture(name).data as { object: StripeObject }).object;

const DAY = 86_400_000;

test("an erased person's backfilled Stripe objects stay erased after a later re-sync", async () => {
  const ada = {
    customers: [objectOf('customer.created.2024-06-20')],
    subscriptions: [objectOf('customer.subscription.created.2024-06-20')],
    invoices: [objectOf('invoice.paid.2024-06-20')],
  };
  // Bob: another customer, with a subscription of his own
  const bob = {
    customers: [{ ...ada.customers[0]!, id: 'cus_Bob', email: 'bob@example.com' }],
    subscriptions: [{ ...ada.subscriptions[0]!, id: 'sub_Bob', customer: 'cus_Bob' }],
    invoices: [] as StripeObject[],
  };
  const pages: Record<string, StripeObject[]> = {
    customers: [...ada.customers, ...bob.customers],
    subscriptions: [...ada.subscriptions, ...bob.subscriptions],
    invoices: [...ada.invoices],
  };
  const server = await startReplay(({ url }) => {
    const all = pages[url.pathname.split('/').pop() ?? ''];
    return all
      ? json(200, { object: 'list', url: url.pathname, has_more: false, data: all })
      : undefined;
  });
  try {
    await withStore(async (store) => {
      const box = secretBox('k'.repeat(40));
      await setConnector(store, box, 'w', 'stripe', {
        apiKey: 'sk_test_erasure_0001',
        baseUrl: server.baseUrl,
      });
      await add(store, [identify('anon-ada', '2026-01-01T00:00:00Z', 'ada@example.com')]);
      await rebuild(store, 'w');
      const sync = (at: number) => syncStripe(store, box, 'w', { now: () => at });
      const customersOf = async () =>
        [...new Set((await store.stripeFacts('w')).map((f) => f.customerId))].sort();

      const first = await sync(Date.now());
      assert.equal(first.inserted, 5);
      // each object is dated by its own `created`, not by the read
      const facts = await store.stripeFacts('w');
      const invoice = facts.find((f) => f.objectId === 'in_AdaJan')!;
      assert.equal(invoice.occurredAt, (ada.invoices[0]!.created as number) * 1000);
      await deriveStripe(store, 'w');
      assert.equal((await store.attributionInputs('w', 'customer')).conversions.length, 1);

      assert.ok(await erasePerson(store, 'w', { email: 'ada@example.com' }, { via: 'api' }));
      assert.deepEqual(await customersOf(), ['cus_Bob']);

      // a day later the backfill reads everything again (Ada's customer with a changed field too)
      pages.customers = [{ ...ada.customers[0]!, name: 'Ada L.' }, ...bob.customers];
      const again = await sync(Date.now() + DAY);
      assert.equal(again.status, 'ok');
      assert.equal(again.inserted, 0);
      assert.deepEqual(await customersOf(), ['cus_Bob']);
      await deriveStripe(store, 'w');
      assert.deepEqual((await store.attributionInputs('w', 'customer')).conversions, []);

      // an invoice Stripe makes after the erasure is new: it is stored (the tombstone is older)
      const later = Math.floor((Date.now() + DAY) / 1000);
      pages.invoices = [
        ...ada.invoices,
        { ...ada.invoices[0]!, id: 'in_AdaLater', created: later },
      ];
      const newer = await sync(Date.now() + 2 * DAY);
      assert.equal(newer.inserted, 1);
      assert.deepEqual(
        (await store.stripeFacts('w'))
          .filter((f) => f.customerId === 'cus_Ada')
          .map((f) => f.objectId),
        ['in_AdaLater'],
      );
    });
  } finally {
    await server.close();
  }
});
