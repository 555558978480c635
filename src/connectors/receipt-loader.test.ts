// Verified webhook deliveries into CRM facts, milestones and credits over a real listening server, on the
// suite's engine: a Pipedrive deal won reaches the person's `customer` milestone with its amount and
// credits; a HubSpot deal change is re-fetched from the replayed API into an opportunity; a vendor down
// leaves the receipt unloaded until a later run loads it; a restart loads what was stored but not loaded
// (Stripe's receipts become revenue facts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { attributionReport, changeAttributionSettings } from '../derive/attribution-report.js';
import { join } from 'node:path';
import { loadConfig } from '../config/config.js';
import { resolveSecretKey } from '../config/secret-key.js';
import { buildApp } from '../server/app.js';
import { hubspot } from '../test-helpers/hubspot-replay.js';
import { hubspotFixture } from '../test-helpers/hubspot-fixtures.js';
import { pipedriveFixture } from '../test-helpers/pipedrive-fixtures.js';
import { json, startReplay, type ReplayRequest } from '../test-helpers/replay-server.js';
import { startTestServer, type TestServer } from '../test-helpers/server.js';
import { fixtureText } from '../test-helpers/stripe-fixtures.js';
import {
  connect,
  HUBSPOT_SECRET,
  hubspotChange,
  PIPEDRIVE_SECRET,
  postHubSpot,
  postPipedrive,
  trackVisitor,
  until,
} from '../test-helpers/receipt-hooks.js';

const TOKEN = 'pat-na1-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const FAST = { backoffMs: { base: 50, max: 200 }, tuning: { maxRetries: 0, timeoutMs: 5_000 } };

async function reached(s: TestServer, milestone: string) {
  const { conversions } = await s.store.attributionInputs(s.workspace.id, milestone, undefined, {
    convertingOnly: true,
  });
  return conversions.map((c) => [c.personId, new Date(c.at).toISOString(), c.value] as const);
}

const unloaded = async (s: TestServer) =>
  (await s.store.listWebhookReceipts({ workspaceId: s.workspace.id, unloaded: true })).length;

/** Pipedrive's person 103 (alan) and his deal 4500 won, in the workspace's currency. */
function alanAndHisDeal() {
  const person = pipedriveFixture<{ data: Record<string, unknown> }>('webhook.v2.person.create');
  const deal = pipedriveFixture<{ data: Record<string, unknown> }>('webhook.v2.deal.change-won');
  deal.data.person_id = 103;
  deal.data.currency = 'USD';
  return { person, deal };
}

test('pipedrive: a signed deal-won delivery becomes the person’s customer milestone with its amount, and credits', async () => {
  const s = await startTestServer();
  try {
    await trackVisitor(s, 'anon-alan', 'alan@example.net', {
      visit: '2026-02-01T08:00:00.000Z',
      identify: '2026-02-10T08:00:00.000Z',
    });
    const [alan] = await s.store.personsByIdentifier(s.workspace.id, 'email', 'alan@example.net');
    assert.ok(alan);
    await connect(s, 'pipedrive', { webhookSecret: PIPEDRIVE_SECRET, webhookUser: 'closedloop' });
    const { person, deal } = alanAndHisDeal();
    await postPipedrive(s, s.workspace.id, person);
    await postPipedrive(s, s.workspace.id, deal);
    await s.app.receipts.idle();

    assert.equal(await unloaded(s), 0);
    // won at the webhook's time (meta.timestamp 1771066800), for its value
    assert.deepEqual(await reached(s, 'customer'), [[alan, '2026-02-14T11:00:00.000Z', 12000.5]]);
    const deals = await s.store.crmDeals(s.workspace.id);
    assert.deepEqual(
      deals.map((d) => [d.source, d.dealId, d.outcome, d.amount, d.personId]),
      [['pipedrive', '4500', 'won', { minor: 1200050, currency: 'usd' }, alan]],
    );
    await changeAttributionSettings(s.store, s.workspace.id, { conversion: 'customer' });
    const report = await attributionReport(s.store, s.workspace.id, {
      model: 'linear',
      groupBy: ['channel'],
    });
    assert.equal(report.totals.conversions, 1);
    assert.ok(Math.abs(report.totals.value - 12000.5) < 1e-9, String(report.totals.value));
    assert.deepEqual(
      report.rows.map((r) => r.key.channel),
      ['Paid Search'],
    );
    // a redelivery stores nothing and changes nothing
    await postPipedrive(s, s.workspace.id, deal);
    await s.app.receipts.idle();
    assert.equal((await s.store.crmDeals(s.workspace.id)).length, 1);
  } finally {
    await s.close();
  }
});

/** HubSpot's API as the fixtures tell it, contacts by id too; `down` answers 503 to every request. */
function hubspotApi(state: { down: boolean }) {
  const contacts = [
    ...hubspotFixture<{ results: Array<{ id: string }> }>('contacts.page1').results,
    ...hubspotFixture<{ results: Array<{ id: string }> }>('contacts.page2').results,
  ];
  return startReplay((req: ReplayRequest) => {
    if (state.down) return json(503, { status: 'error', message: 'Service Unavailable' });
    const one = /^\/crm\/v3\/objects\/contacts\/(\d+)$/.exec(req.url.pathname);
    if (req.method === 'GET' && one) {
      const c = contacts.find((x) => x.id === one[1]);
      return c ? json(200, c) : json(404, { status: 'error', category: 'OBJECT_NOT_FOUND' });
    }
    return hubspot(req);
  });
}

// deal 4501 (contact 102, bob): appointmentscheduled on 2026-02-03, then on, lost on 2026-03-02
const BOB_EVENTS = [
  hubspotChange(1, 'contact', 102, 'lifecyclestage', 'lead', 1770000000000),
  hubspotChange(2, 'deal', 4501, 'dealstage', 'closedlost', 1772442000000),
];

test('hubspot: a deal.propertyChange is re-fetched from the API into the opportunity milestone', async () => {
  const api = await hubspotApi({ down: false });
  const s = await startTestServer({}, { receiptLoader: FAST });
  try {
    await trackVisitor(s, 'anon-bob', 'bob@example.com', {
      visit: '2026-02-01T08:00:00.000Z',
      identify: '2026-02-02T08:00:00.000Z',
    });
    const [bob] = await s.store.personsByIdentifier(s.workspace.id, 'email', 'bob@example.com');
    assert.ok(bob);
    await connect(s, 'hubspot', {
      webhookSecret: HUBSPOT_SECRET,
      apiKey: TOKEN,
      baseUrl: api.baseUrl,
    });
    await postHubSpot(s, BOB_EVENTS);
    await s.app.receipts.idle();

    assert.equal(await unloaded(s), 0);
    // the deal read again with its stage history and contacts, the contact with its e-mail
    const paths = api.requests.map((r) => `${r.method} ${r.url.pathname}`);
    assert.ok(paths.includes('GET /crm/v3/objects/deals/4501'), paths.join());
    assert.ok(paths.includes('GET /crm/v3/objects/contacts/102'), paths.join());
    const dealRead = api.requests.find((r) => r.url.pathname === '/crm/v3/objects/deals/4501')!;
    assert.equal(dealRead.url.searchParams.get('propertiesWithHistory'), 'dealstage');
    assert.equal(dealRead.headers.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(await reached(s, 'opportunity'), [[bob, '2026-02-03T10:00:00.000Z', 5000]]);
    const deals = await s.store.crmDeals(s.workspace.id);
    assert.deepEqual(
      deals.map((d) => [d.dealId, d.stage, d.outcome, d.personId]),
      [['4501', 'closedlost', 'lost', bob]],
    );
  } finally {
    await s.close();
    await api.close();
  }
});

test('hubspot: a vendor 503 on the re-fetch leaves the receipt unloaded and shows in the connector; a later run loads it', async () => {
  const state = { down: true };
  const api = await hubspotApi(state);
  const s = await startTestServer({}, { receiptLoader: FAST });
  try {
    await connect(s, 'hubspot', {
      webhookSecret: HUBSPOT_SECRET,
      apiKey: TOKEN,
      baseUrl: api.baseUrl,
    });
    await postHubSpot(s, BOB_EVENTS);
    await s.app.receipts.idle();
    assert.equal(await unloaded(s), 1);
    assert.equal((await s.store.crmChanges(s.workspace.id)).length, 0);
    const res = await fetch(`${s.base}/api/connectors`, {
      headers: { authorization: `Bearer ${s.secretKey}` },
    });
    const text = await res.text();
    assert.ok(!text.includes(TOKEN) && !text.includes(HUBSPOT_SECRET), 'no secret shown');
    const listed = JSON.parse(text) as {
      connectors: Array<{
        name: string;
        lastSync: { status: string; errors: number; message: string };
      }>;
    };
    const sync = listed.connectors.find((c) => c.name === 'hubspot')!.lastSync;
    assert.equal(sync.status, 'failed');
    assert.ok(sync.errors >= 1);
    assert.match(sync.message, /webhook deliveries not loaded: .*503/);

    state.down = false; // the backoff's retry finds HubSpot back
    await until(async () => (await unloaded(s)) === 0, 'the retry to load the receipt');
    await s.app.receipts.idle();
    assert.ok((await s.store.crmDeals(s.workspace.id)).some((d) => d.dealId === '4501'));
    const after = (await s.store.getConnector(s.workspace.id, 'hubspot'))!.lastSync!;
    assert.equal(after.status, 'ok');
  } finally {
    await s.close();
    await api.close();
  }
});

test('a restart loads the receipts stored but not loaded before it', async () => {
  const s = await startTestServer();
  try {
    await connect(s, 'pipedrive', { webhookSecret: PIPEDRIVE_SECRET, webhookUser: 'closedloop' });
    const { person, deal } = alanAndHisDeal();
    // stored as the receiver stores them, and the process gone before its loader ran
    for (const [key, body] of [
      ['p', person],
      ['d', deal],
    ] as const)
      await s.store.appendWebhookReceipt({
        workspaceId: s.workspace.id,
        vendor: 'pipedrive',
        key,
        receivedAt: new Date().toISOString(),
        contentType: 'application/json',
        body: JSON.stringify(body),
      });
    // and a Stripe event: loaded as a revenue fact, not a CRM change
    await connect(s, 'stripe', { webhookSecret: 'whsec_receipts_test_0123456789' });
    await s.store.appendWebhookReceipt({
      workspaceId: s.workspace.id,
      vendor: 'stripe',
      key: 'evt_1',
      receivedAt: new Date().toISOString(),
      contentType: 'application/json',
      body: fixtureText('customer.created.2024-06-20'),
    });
    assert.equal(await unloaded(s), 3);
    // a second app over the same store (its own journal directory; the install's secret key)
    const dataDir = join(s.dir, 'again');
    const config = loadConfig({ env: {}, cwd: s.dir, overrides: { dataDir } });
    const again = await buildApp({
      store: s.store,
      config,
      logger: pino({ level: 'silent' }),
      secretKey: resolveSecretKey(s.dir).key,
    });
    try {
      await again.ready();
      await again.receipts.idle();
    } finally {
      await again.close();
    }
    const left = await s.store.listWebhookReceipts({ workspaceId: s.workspace.id, unloaded: true });
    assert.deepEqual(left, []);
    assert.deepEqual(
      (await s.store.stripeFacts(s.workspace.id)).map((f) => f.objectType),
      ['customer'],
    );
    assert.equal((await s.store.getConnector(s.workspace.id, 'stripe'))!.lastSync, null);
    const deals = await s.store.crmDeals(s.workspace.id);
    assert.deepEqual(
      deals.map((d) => [d.dealId, d.outcome]),
      [['4500', 'won']],
    );
  } finally {
    await s.close();
  }
});
