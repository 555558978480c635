// The acceptance check of the Stripe path: a simulated world's subscriptions, written as Stripe would
// send them (webhook events in both API versions, signed, through the real receiver; and list pages
// through the real backfill client against a local replay), give each customer's MRR per month exactly
// as the simulator's truth has it, on the suite's engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setConnector } from '../connectors/settings.js';
import { syncStripe } from '../connectors/sync-stripe.js';
import { recordStripeReceipts } from '../derive/stripe-record.js';
import { stripeCustomerMonths, stripeRevenue } from '../derive/stripe-revenue.js';
import { stripeSignatureHeader } from '../sources/stripe/index.js';
import { json, startReplay } from '../test-helpers/replay-server.js';
import { clientFor, startTestServer } from '../test-helpers/server.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { secretBox } from '../util/secret-box.js';
import { createWorkspace } from '../workspaces/create.js';
import { simulate } from './simulate.js';
import {
  STRIPE_VERSION_BASIL,
  STRIPE_VERSION_BEFORE,
  StripeSimWriter,
  truthMonths,
} from './stripe-writer.js';
import type { RevenueMovement, SimWriter } from './types.js';

const END = '2026-06-30';
const THROUGH = END.slice(0, 7);
const SECRET = 'whsec_sim_acceptance_0123456789';

/** A small world with a few dozen subscriptions, and the movements the simulator handed on. */
async function world(seed: number) {
  const writer = new StripeSimWriter(`s${seed}`);
  const movements: RevenueMovement[] = [];
  const collect: SimWriter = {
    event() {},
    revenue: (m) => void movements.push(m),
    async close() {},
  };
  await simulate({ seed, days: 300, visitorsPerDay: 70, end: END }, [writer, collect]);
  return { writer, movements };
}

/** The truth as rows: each customer month with MRR or a movement (as the report keeps them). */
function truthRows(movements: readonly RevenueMovement[]): string[] {
  const moved = new Set(movements.map((m) => `${m.customerId}|${m.at.slice(0, 7)}`));
  const rows: string[] = [];
  const byId = new Map(
    movements.map((m) => [`cus_${m.customerId.replace(/[^A-Za-z0-9]/g, '')}`, m.customerId]),
  );
  for (const [customer, months] of truthMonths(movements, THROUGH))
    for (const [month, mrr] of months)
      if (mrr !== 0 || moved.has(`${byId.get(customer)}|${month}`))
        rows.push(`${customer} ${month} ${mrr}`);
  return rows.sort();
}

test('a simulated world through signed Stripe webhooks (both API versions): MRR per customer per month is the truth', async () => {
  const { writer, movements } = await world(41);
  const customers = new Set(movements.map((m) => m.customerId)).size;
  assert.ok(customers >= 15, `a world with subscriptions (${customers})`);
  assert.ok(movements.some((m) => m.kind === 'churn' || m.kind === 'contraction'));
  const versions = new Set(writer.events.map((e) => e.api_version));
  assert.deepEqual(versions, new Set([STRIPE_VERSION_BEFORE, STRIPE_VERSION_BASIL]));

  const s = await startTestServer();
  try {
    const api = clientFor(s).api;
    const put = await api('/api/connectors/stripe', {
      method: 'PUT',
      body: JSON.stringify({ webhookSecret: SECRET }),
    });
    assert.ok(put.status === 200 || put.status === 201);
    // delivered newest first: the order of arrival does not matter
    for (const event of [...writer.events].reverse()) {
      const body = JSON.stringify(event);
      const res = await fetch(`${s.base}/hooks/stripe/${s.workspace.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': stripeSignatureHeader(body, SECRET, Math.floor(Date.now() / 1000)),
        },
        body,
      });
      assert.equal(res.status, 200, await res.text());
    }
    const receipts = await s.store.listWebhookReceipts({
      workspaceId: s.workspace.id,
      vendor: 'stripe',
    });
    assert.equal(receipts.length, writer.events.length);
    // the server's receipt loader stores them as facts after each 2xx; recording them again adds nothing
    await s.app.receipts.idle();
    assert.equal((await s.store.stripeFacts(s.workspace.id)).length, writer.events.length);
    const recorded = await recordStripeReceipts(s.store, s.workspace.id, receipts);
    assert.equal(recorded.inserted, 0);
    assert.equal(recorded.duplicates, writer.events.length);
    assert.equal(recorded.customers, customers);

    const facts = await s.store.stripeFacts(s.workspace.id);
    const { issues } = stripeRevenue(facts);
    assert.deepEqual(issues, []);
    const got = stripeCustomerMonths(facts, THROUGH)
      .map((m) => `${m.customerId} ${m.month} ${m.endMrr}`)
      .sort();
    assert.deepEqual(got, truthRows(movements));

    // the API's months add up the same, movements by kind included
    const res = await api(`/api/revenue/mrr?from=2025-01&to=${THROUGH}`);
    assert.equal(res.status, 200);
    const report = (await res.json()) as {
      months: Array<{ month: string; mrr: number; movements: Record<string, number> }>;
    };
    const truthTotal = new Map<string, number>();
    for (const row of truthRows(movements)) {
      const [, month, mrr] = row.split(' ');
      truthTotal.set(month!, (truthTotal.get(month!) ?? 0) + Number(mrr) / 100);
    }
    for (const m of report.months) assert.equal(m.mrr, truthTotal.get(m.month) ?? 0, m.month);
    const newBusiness = report.months.reduce((a, m) => a + m.movements.new_business!, 0);
    assert.equal(
      newBusiness,
      movements.filter((m) => m.kind === 'new').reduce((a, m) => a + m.mrrAfter, 0),
    );
  } finally {
    await s.close();
  }
});

test('the same world backfilled through list pages: each customer ends at the truth, and a failed sync resumes', async () => {
  const { writer, movements } = await world(41);
  const pages = {
    customers: writer.pages('customers', 1_000)[0]!.data as Array<{ id: string }>,
    subscriptions: writer.pages('subscriptions', 1_000)[0]!.data as Array<{ id: string }>,
    invoices: writer.pages('invoices', 1_000)[0]!.data as Array<{ id: string }>,
  };
  let failOnce = true;
  const server = await startReplay(({ url }) => {
    const resource = url.pathname.split('/').pop() as keyof typeof pages;
    const all = pages[resource];
    if (!all) return undefined;
    const after = url.searchParams.get('starting_after');
    const from = after ? all.findIndex((o) => o.id === after) + 1 : 0;
    if (resource === 'subscriptions' && from > 0 && failOnce) {
      failOnce = false;
      return json(400, { error: { type: 'invalid_request_error', message: 'replayed failure' } });
    }
    const limit = Number(url.searchParams.get('limit'));
    const data = all.slice(from, from + limit);
    return json(200, {
      object: 'list',
      url: url.pathname,
      has_more: from + limit < all.length,
      data,
    });
  });
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    const { workspace } = await createWorkspace(store, {
      name: 'B',
      currency: 'USD',
      timezone: 'UTC',
    });
    const box = secretBox('k'.repeat(40));
    await setConnector(store, box, workspace.id, 'stripe', {
      apiKey: 'sk_test_sim_backfill_0001',
      baseUrl: server.baseUrl,
    });
    const client = { pageSize: 10 };
    const first = await syncStripe(store, box, workspace.id, { client });
    assert.equal(first.status, 'failed');
    assert.match(first.message!, /replayed failure/);
    const stopped = await store.getConnector(workspace.id, 'stripe');
    assert.deepEqual(stopped?.cursor, {
      resource: 'subscriptions',
      startingAfter: pages.subscriptions[9]!.id,
    });
    assert.equal(stopped?.lastSync?.status, 'failed');
    const requestsBefore = server.requests.length;
    const second = await syncStripe(store, box, workspace.id, { client });
    assert.equal(second.status, 'ok');
    // resumed after the stored page: no customer page read again
    assert.ok(
      server.requests.slice(requestsBefore).every((r) => !r.url.pathname.endsWith('/customers')),
    );
    const total = pages.customers.length + pages.subscriptions.length + pages.invoices.length;
    assert.equal(first.inserted + second.inserted, total);
    const done = await store.getConnector(workspace.id, 'stripe');
    assert.equal(done?.cursor, null);
    assert.equal(done?.lastSync?.status, 'ok');
    // the key is in no result, status or stored setting the sync wrote
    for (const shown of [first, second, stopped?.lastSync, done?.lastSync, stopped?.cursor])
      assert.ok(!JSON.stringify(shown ?? null).includes('sk_test_sim_backfill_0001'));
    // a second full pass stores nothing new
    assert.equal((await syncStripe(store, box, workspace.id, { client })).inserted, 0);

    // a backfill knows each subscription as it is now: every customer's MRR at the end is the truth's
    const facts = await store.stripeFacts(workspace.id);
    const last = new Map(
      stripeCustomerMonths(facts, THROUGH)
        .filter((m) => m.month === THROUGH)
        .map((m) => [m.customerId, m.endMrr]),
    );
    for (const [customer, months] of truthMonths(movements, THROUGH))
      assert.equal(last.get(customer) ?? 0, months.get(THROUGH), customer);
  } finally {
    await store.close();
    cleanup();
    await server.close();
  }
});
