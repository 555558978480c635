// The webhook receivers over real HTTP: a delivery verified with the workspace's stored secret is kept as
// it arrived before the 2xx, a redelivery stores nothing, and every refusal (no receiver, bad or stale
// signature, another workspace's secret, a malformed payload) says why and stores nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hubspotSignatureHeaders } from '../../sources/hubspot/index.js';
import { stripeSignatureHeader } from '../../sources/stripe/index.js';
import { OUTBOUND_ACK, OUTBOUND_CONTENT_TYPE } from '../../sources/salesforce/index.js';
import { pipedriveBasicAuthHeader } from '../../sources/pipedrive/index.js';
import { clientFor, startTestServer, type TestServer } from '../../test-helpers/server.js';
import { createWorkspace } from '../../workspaces/create.js';

const fixture = (vendor: string, name: string) =>
  readFileSync(new URL(`../../sources/${vendor}/fixtures/${name}`, import.meta.url), 'utf8');

const STRIPE_SECRET = 'whsec_hooks_test_0123456789abcdef';
const HUBSPOT_SECRET = 'hubspot-app-secret-2b7c5a1e-0d9f';
const SALESFORCE_SECRET = 'sf-outbound-token-7f3e1c9a5b2d';
const PIPEDRIVE_SECRET = 'pd-basic-password-4c8e2a6b';

async function connect(s: TestServer, name: string, body: Record<string, unknown>) {
  const res = await clientFor(s).api(`/api/connectors/${name}`, {
    method: 'PUT',
    body: JSON.stringify(body),
  });
  assert.ok(res.status === 201 || res.status === 200, `${name}: ${res.status} ${await res.text()}`);
}

const post = (s: TestServer, path: string, body: string, headers: Record<string, string>) =>
  fetch(`${s.base}${path}`, { method: 'POST', headers, body });

async function refusal(res: Response) {
  const body = (await res.json()) as { error: { code: string; message: string; field?: string } };
  return { status: res.status, ...body.error };
}

const receipts = async (s: TestServer, vendor: string, workspaceId = s.workspace.id) =>
  s.store.listWebhookReceipts({ workspaceId, vendor });

test('stripe: a signed event is kept byte for byte; a redelivery, a bad or stale signature, another workspace and a malformed event store nothing', async () => {
  const s = await startTestServer();
  try {
    const path = `/hooks/stripe/${s.workspace.id}`;
    const body = fixture('stripe', 'customer.subscription.created.2024-06-20.json');
    const now = Math.floor(Date.now() / 1000);
    const signed = (b: string, secret = STRIPE_SECRET, t = now) => ({
      'content-type': 'application/json',
      'stripe-signature': stripeSignatureHeader(b, secret, t),
    });
    // no connector yet: no receiver, the same answer as for a workspace that does not exist
    const none = await refusal(await post(s, path, body, signed(body)));
    const unknown = await refusal(await post(s, '/hooks/stripe/ws_nope', body, signed(body)));
    assert.equal(none.status, 404);
    assert.deepEqual(none, unknown);
    await connect(s, 'stripe', { webhookSecret: STRIPE_SECRET, apiKey: 'sk_test_hooks_0001' });

    const first = await post(s, path, body, signed(body));
    assert.equal(first.status, 200);
    assert.deepEqual(await first.json(), { received: 1, duplicate: false });
    const again = await post(s, path, body, signed(body, STRIPE_SECRET, now + 1));
    assert.deepEqual(await again.json(), { received: 1, duplicate: true });
    const kept = await receipts(s, 'stripe');
    assert.equal(kept.length, 1);
    assert.equal(kept[0]!.body, body);
    assert.equal(kept[0]!.key, (JSON.parse(body) as { id: string }).id);

    // two v1 entries during a rotation: any one matching is enough
    const rotated = body.replace('"livemode": false', '"livemode": false ');
    const both = stripeSignatureHeader(rotated, ['whsec_old_one', STRIPE_SECRET], now);
    assert.equal(
      (
        await post(s, path, rotated, {
          'content-type': 'application/json',
          'stripe-signature': both,
        })
      ).status,
      200,
    );

    const count = (await receipts(s, 'stripe')).length;
    const wrong = await refusal(await post(s, path, body, signed(body, 'whsec_someone_else')));
    assert.deepEqual(
      [wrong.status, wrong.code, wrong.field],
      [401, 'no_matching_signature', 'stripe-signature'],
    );
    const stale = await refusal(await post(s, path, body, signed(body, STRIPE_SECRET, now - 301)));
    assert.deepEqual([stale.status, stale.code], [401, 'timestamp_too_old']);
    const missing = await refusal(
      await post(s, path, body, { 'content-type': 'application/json' }),
    );
    assert.deepEqual([missing.status, missing.code], [401, 'missing_header']);
    const bad = '{"id":"evt_1","object":"event","type":"customer.subscription.created","data":{}}';
    const malformed = await refusal(await post(s, path, bad, signed(bad)));
    assert.equal(malformed.status, 400);
    // the first field the envelope misses, named in the field and the message
    assert.ok(
      malformed.field && malformed.message.startsWith(`${malformed.field}:`),
      malformed.message,
    );
    const notJson = await refusal(await post(s, path, '{"id":', signed('{"id":')));
    assert.deepEqual([notJson.status, notJson.code, notJson.field], [400, 'invalid_json', 'body']);

    // another workspace with its own secret: this workspace's signature does not open it
    const other = await createWorkspace(s.store, {
      name: 'Other',
      currency: 'USD',
      timezone: 'UTC',
    });
    await clientFor({ ...s, secretKey: other.secretKey }).api('/api/connectors/stripe', {
      method: 'PUT',
      body: JSON.stringify({ webhookSecret: 'whsec_other_workspace_secret' }),
    });
    const cross = await refusal(
      await post(s, `/hooks/stripe/${other.workspace.id}`, body, signed(body)),
    );
    assert.deepEqual([cross.status, cross.code], [401, 'no_matching_signature']);
    assert.equal((await receipts(s, 'stripe')).length, count);
    assert.equal((await receipts(s, 'stripe', other.workspace.id)).length, 0);

    const huge = `[${'1,'.repeat(1_100_000)}1]`;
    const tooLarge = await post(s, path, huge, signed(huge));
    assert.equal(tooLarge.status, 413);
  } finally {
    await s.close();
  }
});

test('hubspot: X-HubSpot-Signature-v3 over method, URI, body and timestamp; a batch is one receipt; stale or over-full batches refused', async () => {
  const s = await startTestServer();
  try {
    // the receipt loader's re-fetches go to a closed local port, never to HubSpot
    await connect(s, 'hubspot', {
      webhookSecret: HUBSPOT_SECRET,
      apiKey: 'pat-na1-hooks-0001',
      baseUrl: 'http://127.0.0.1:9',
    });
    const path = `/hooks/hubspot/${s.workspace.id}`;
    const body = fixture('hubspot', 'webhook.batch.json');
    const uri = `${s.base}${path}`;
    const signed = (b: string, at = Date.now(), secret = HUBSPOT_SECRET, u = uri) => ({
      'content-type': 'application/json',
      ...hubspotSignatureHeaders({ method: 'POST', uri: u, body: b }, secret, at),
    });
    const events = (JSON.parse(body) as unknown[]).length;
    const ok = await post(s, path, body, signed(body));
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { received: events, duplicate: false });
    // HubSpot's retry carries the same events: the same receipt
    assert.deepEqual(await (await post(s, path, body, signed(body))).json(), {
      received: events,
      duplicate: true,
    });
    assert.equal((await receipts(s, 'hubspot')).length, 1);

    const stale = await refusal(await post(s, path, body, signed(body, Date.now() - 301_000)));
    assert.deepEqual([stale.status, stale.code], [401, 'timestamp_too_old']);
    const otherUri = await refusal(
      await post(
        s,
        path,
        body,
        signed(body, Date.now(), HUBSPOT_SECRET, `${s.base}/hooks/hubspot/ws_x`),
      ),
    );
    assert.deepEqual([otherUri.status, otherUri.code], [401, 'no_matching_signature']);
    const one = (JSON.parse(body) as Record<string, unknown>[])[0]!;
    const full = JSON.stringify(Array.from({ length: 101 }, (_, i) => ({ ...one, eventId: i })));
    const over = await refusal(await post(s, path, full, signed(full)));
    assert.deepEqual([over.status, over.field], [400, 'body']);
    assert.match(over.message, /101 events, more than the 100/);
    const noProp = JSON.stringify([{ ...one, subscriptionType: 'deal.propertyChange' }]);
    const bad = await refusal(await post(s, path, noProp, signed(noProp)));
    assert.deepEqual([bad.status, bad.field], [400, '0.propertyName']);
    assert.equal((await receipts(s, 'hubspot')).length, 1);
  } finally {
    await s.close();
  }
});

test('salesforce: an Outbound Message with its token is answered with the exact Ack; CDC JSON with a Bearer token; wrong token or org refused', async () => {
  const s = await startTestServer();
  try {
    await connect(s, 'salesforce', {
      webhookSecret: SALESFORCE_SECRET,
      organizationId: '00D5e0000ORG001AAA',
      baseUrl: 'https://example.my.salesforce.com',
    });
    const path = `/hooks/salesforce/${s.workspace.id}`;
    const xml = fixture('salesforce', 'outbound.lead.xml');
    const soap = { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' };
    const ack = await post(s, `${path}?token=${SALESFORCE_SECRET}`, xml, soap);
    assert.equal(ack.status, 200);
    assert.equal(ack.headers.get('content-type'), OUTBOUND_CONTENT_TYPE);
    assert.equal(await ack.text(), OUTBOUND_ACK);
    // Salesforce's retry of the same notification: acknowledged again, stored once
    assert.equal(
      await (await post(s, `${path}?token=${SALESFORCE_SECRET}`, xml, soap)).text(),
      OUTBOUND_ACK,
    );
    assert.equal((await receipts(s, 'salesforce')).length, 1);

    const wrong = await refusal(await post(s, `${path}?token=nope`, xml, soap));
    assert.deepEqual([wrong.status, wrong.code], [401, 'wrong_token']);
    const none = await refusal(await post(s, path, xml, soap));
    assert.deepEqual([none.status, none.code], [401, 'missing_token']);
    const otherOrg = xml.replaceAll('00D5e0000ORG001AAA', '00D5e0000ORG999AAA');
    const org = await refusal(await post(s, `${path}?token=${SALESFORCE_SECRET}`, otherOrg, soap));
    assert.deepEqual([org.status, org.code], [401, 'wrong_organization']);
    const broken = await refusal(
      await post(s, `${path}?token=${SALESFORCE_SECRET}`, '<soapenv:Envelope', soap),
    );
    assert.equal(broken.status, 400);

    const cdc = fixture('salesforce', 'cdc.events.json');
    const bearer = {
      'content-type': 'application/json',
      authorization: `Bearer ${SALESFORCE_SECRET}`,
    };
    const got = await post(s, path, cdc, bearer);
    assert.equal(got.status, 200);
    const n = (JSON.parse(cdc) as unknown[]).length;
    assert.deepEqual(await got.json(), { received: n, duplicate: false });
    assert.deepEqual(await (await post(s, path, cdc, bearer)).json(), {
      received: n,
      duplicate: true,
    });
    const badCdc = await refusal(await post(s, path, '[{"data":{"payload":{}}}]', bearer));
    assert.equal(badCdc.status, 400);
    assert.match(badCdc.field ?? '', /^0/);
    assert.equal((await receipts(s, 'salesforce')).length, 2);
  } finally {
    await s.close();
  }
});

test('pipedrive: v2 and v1 deliveries with the Basic-auth password (and user when set); wrong credentials refused', async () => {
  const s = await startTestServer();
  try {
    await connect(s, 'pipedrive', { webhookSecret: PIPEDRIVE_SECRET, webhookUser: 'closedloop' });
    const path = `/hooks/pipedrive/${s.workspace.id}`;
    const auth = (user: string, password: string) => ({
      'content-type': 'application/json',
      authorization: pipedriveBasicAuthHeader(user, password),
    });
    const v2 = fixture('pipedrive', 'webhook.v2.deal.create.json');
    const v1 = fixture('pipedrive', 'webhook.v1.deal.updated.json');
    for (const body of [v2, v1]) {
      const res = await post(s, path, body, auth('closedloop', PIPEDRIVE_SECRET));
      assert.equal(res.status, 200, await res.clone().text());
      assert.deepEqual(await res.json(), { received: 1, duplicate: false });
      assert.deepEqual(
        await (await post(s, path, body, auth('closedloop', PIPEDRIVE_SECRET))).json(),
        {
          received: 1,
          duplicate: true,
        },
      );
    }
    const kept = await receipts(s, 'pipedrive');
    assert.equal(kept.length, 2);
    assert.equal(kept.find((r) => r.key === '0b6f3c1e-2d4a-4f5b-8c9d-1e2f3a4b5c6d')?.body, v2);
    const wrongUser = await refusal(await post(s, path, v2, auth('someone', PIPEDRIVE_SECRET)));
    assert.deepEqual([wrongUser.status, wrongUser.code], [401, 'wrong_credentials']);
    const wrongPassword = await refusal(await post(s, path, v2, auth('closedloop', 'guess')));
    assert.deepEqual([wrongPassword.status, wrongPassword.code], [401, 'wrong_credentials']);
    const noAuth = await refusal(await post(s, path, v2, { 'content-type': 'application/json' }));
    assert.deepEqual([noAuth.status, noAuth.code], [401, 'missing_authorization']);
    const bad = await refusal(
      await post(s, path, '{"meta":{}}', auth('closedloop', PIPEDRIVE_SECRET)),
    );
    assert.equal(bad.status, 400);
    assert.equal((await receipts(s, 'pipedrive')).length, 2);
  } finally {
    await s.close();
  }
});

test("a receiver's connector is cached, yet a secret changed, a connector removed or a workspace deleted takes effect at the next delivery", async () => {
  const s = await startTestServer();
  try {
    const path = `/hooks/stripe/${s.workspace.id}`;
    const now = Math.floor(Date.now() / 1000);
    let n = 0;
    const deliver = (secret: string, wsPath = path) => {
      const body = JSON.stringify({
        id: `evt_cache_${n++}`,
        object: 'event',
        api_version: '2024-06-20',
        created: now,
        type: 'charge.succeeded',
        data: { object: { id: `ch_cache_${n}`, object: 'charge', amount: 100, currency: 'usd' } },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
      });
      return post(s, wsPath, body, {
        'content-type': 'application/json',
        'stripe-signature': stripeSignatureHeader(body, secret, now),
      });
    };
    await connect(s, 'stripe', { webhookSecret: STRIPE_SECRET });
    assert.equal((await deliver(STRIPE_SECRET)).status, 200);
    // a burst does not read the connector once a delivery (the receipt loader may read it meanwhile)
    let reads = 0;
    const getConnector = s.store.getConnector.bind(s.store);
    s.store.getConnector = (ws, vendor) => {
      reads++;
      return getConnector(ws, vendor);
    };
    for (let i = 0; i < 5; i++) assert.equal((await deliver(STRIPE_SECRET)).status, 200);
    assert.ok(reads < 5, `${reads} reads`);
    s.store.getConnector = getConnector;

    // rotated: the old secret is refused at once, the new one accepted
    await connect(s, 'stripe', { webhookSecret: 'whsec_rotated_0123456789abcdef' });
    assert.equal((await deliver(STRIPE_SECRET)).status, 401);
    assert.equal((await deliver('whsec_rotated_0123456789abcdef')).status, 200);
    // removed: no receiver at once
    const removed = await fetch(`${s.base}/api/connectors/stripe`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${s.secretKey}` },
    });
    assert.equal(removed.status, 200);
    assert.equal((await deliver('whsec_rotated_0123456789abcdef')).status, 404);

    // a deleted workspace's receiver stops at once too
    const other = await createWorkspace(s.store, {
      name: 'Other',
      currency: 'USD',
      timezone: 'UTC',
    });
    const otherPath = `/hooks/stripe/${other.workspace.id}`;
    const put = await fetch(`${s.base}/api/connectors/stripe`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${other.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ webhookSecret: STRIPE_SECRET }),
    });
    assert.equal(put.status, 201);
    assert.equal((await deliver(STRIPE_SECRET, otherPath)).status, 200);
    const del = await fetch(`${s.base}/api/workspaces/${other.workspace.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${s.adminToken}` },
    });
    assert.equal(del.status, 200);
    assert.equal((await deliver(STRIPE_SECRET, otherPath)).status, 404);
    assert.equal((await receipts(s, 'stripe', other.workspace.id)).length, 0);
  } finally {
    await s.close();
  }
});
