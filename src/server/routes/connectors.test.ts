// /api/connectors over real HTTP, and the connector suite's secret scan: every response and every log
// line (at trace level, request logs on) of a run through each vendor's setup and webhooks, good and bad,
// is searched for the secrets used, and so is the database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../config/config.js';
import { hubspotSignatureHeaders } from '../../sources/hubspot/index.js';
import { stripeSignatureHeader } from '../../sources/stripe/index.js';
import { pipedriveBasicAuthHeader } from '../../sources/pipedrive/index.js';
import { newAdminToken } from '../admin-credential.js';
import { buildApp } from '../app.js';
import { scanDatabase } from '../../test-helpers/scan-db.js';
import { openTestStore } from '../../test-helpers/store.js';
import { tempDir } from '../../test-helpers/tmp.js';
import { createWorkspace } from '../../workspaces/create.js';

const SECRETS = {
  stripeHook: 'whsec_scan_5f1e2d3c4b5a69788796a5b4',
  stripeKey: 'sk_test_scan_51Habcdefghijklmnop',
  hubspotHook: 'hubspot-scan-app-secret-0f1e2d3c',
  hubspotToken: 'pat-na1-scan-7c6b5a49-3821',
  hubspotRefresh: 'hs-refresh-scan-99887766',
  sfHook: 'sf-scan-token-a1b2c3d4e5f6',
  sfClientSecret: 'sf-scan-consumer-secret-1234',
  pdHook: 'pd-scan-password-q9w8e7r6',
  pdKey: 'pd-scan-api-token-z1x2c3v4',
  googleDevToken: 'DEVTOKEN-scan-9z8y7x6w5v',
  googleClientSecret: 'GOCSPX-scan-client-secret-42',
  googleRefresh: '1//scan-google-refresh-token-77',
  metaToken: 'EAAB-scan-meta-system-user-token',
  linkedinToken: 'AQV-scan-linkedin-access-token-55',
  linkedinRefresh: 'AQX-scan-linkedin-refresh-token-66',
  msDevToken: 'MSDEV-scan-developer-token-88',
  msRefresh: 'M.R3_BAY.scan-microsoft-refresh-99',
  secretKey: 'the-install-secret-key-for-the-scan-test-0123456789',
};

async function serverWithLogs() {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  const { workspace, secretKey } = await createWorkspace(store, {
    name: 'Scan',
    currency: 'USD',
    timezone: 'UTC',
  });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const config = loadConfig({
    env: {},
    cwd: dir,
    overrides: { dataDir: dir, logLevel: 'trace' },
  });
  const admin = newAdminToken();
  const app = await buildApp({
    store,
    config,
    logger: pino({ level: 'trace' }, sink),
    admin: admin.check,
    secretKey: SECRETS.secretKey,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr !== 'object') throw new Error('no address');
  const base = `http://127.0.0.1:${addr.port}`;
  const responses: string[] = [];
  const call = async (path: string, init: RequestInit = {}, auth = true) => {
    const res = await fetch(`${base}${path}`, {
      ...init,
      headers: {
        ...(auth ? { authorization: `Bearer ${secretKey}` } : {}),
        ...(init.body && auth ? { 'content-type': 'application/json' } : {}),
        ...(init.headers ?? {}),
      },
    });
    const text = await res.text();
    const headers: string[] = [];
    res.headers.forEach((v, k) => headers.push(`${k}: ${v}`));
    responses.push(`${res.status} ${headers.join('\n')} ${text}`);
    return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };
  return {
    base,
    store,
    workspace,
    lines,
    responses,
    call,
    async close() {
      await app.close();
      await store.close();
      cleanup();
    },
  };
}

test('PUT, GET and DELETE /api/connectors: per-vendor fields, merge on change, unknown names and fields refused by name, secrets only ever "set"', async () => {
  const s = await serverWithLogs();
  try {
    const put = (name: string, body: unknown) =>
      s.call(`/api/connectors/${name}`, { method: 'PUT', body: JSON.stringify(body) });
    const unknown = await put('zoho', { webhookSecret: 'x' });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.json().error, {
      code: 'unknown_connector',
      message:
        'unknown connector "zoho"; known: hubspot, salesforce, pipedrive, stripe, google-ads, meta, linkedin, microsoft-ads',
      field: 'name',
    });
    const stray = await put('stripe', { webhookSecret: SECRETS.stripeHook, clientId: 'x' });
    assert.equal(stray.status, 400);
    assert.equal((stray.json().error as { field: string }).field, 'clientId');
    assert.match(
      (stray.json().error as { message: string }).message,
      /not a setting of the stripe connector/,
    );
    const badUrl = await put('hubspot', { baseUrl: 'file:///etc/passwd' });
    assert.deepEqual(
      [badUrl.status, (badUrl.json().error as { field: string }).field],
      [400, 'baseUrl'],
    );
    const badOrg = await put('salesforce', { organizationId: 'nope' });
    assert.equal((badOrg.json().error as { field: string }).field, 'organizationId');
    assert.deepEqual((await s.call('/api/connectors')).json(), { connectors: [] });

    const created = await put('stripe', {
      webhookSecret: SECRETS.stripeHook,
      apiKey: SECRETS.stripeKey,
    });
    assert.equal(created.status, 201);
    const view = created.json().connector as Record<string, unknown>;
    assert.deepEqual(
      { ...view, updatedAt: typeof view.updatedAt },
      {
        name: 'stripe',
        webhookSecret: 'set',
        credentials: { apiKey: 'set' },
        baseUrl: null,
        options: {},
        webhookPath: `/hooks/stripe/${s.workspace.id}`,
        lastSync: null,
        resumable: false,
        updatedAt: 'string',
      },
    );
    // a change keeps what it leaves out, and null clears
    const changed = await put('stripe', { baseUrl: 'http://127.0.0.1:9/stripe' });
    assert.equal(changed.status, 200);
    assert.deepEqual(
      [
        (changed.json().connector as { webhookSecret: string }).webhookSecret,
        (changed.json().connector as { credentials: unknown }).credentials,
      ],
      ['set', { apiKey: 'set' }],
    );
    const cleared = await put('stripe', { apiKey: null });
    assert.deepEqual((cleared.json().connector as { credentials: unknown }).credentials, {});
    await put('stripe', { apiKey: SECRETS.stripeKey });
    await put('hubspot', {
      webhookSecret: SECRETS.hubspotHook,
      apiKey: SECRETS.hubspotToken,
      refreshToken: SECRETS.hubspotRefresh,
    });
    await put('salesforce', {
      webhookSecret: SECRETS.sfHook,
      clientId: '3MVG9-consumer-key',
      clientSecret: SECRETS.sfClientSecret,
      baseUrl: 'https://acme.my.salesforce.com',
      organizationId: '00D5e0000ORG001AAA',
    });
    await put('pipedrive', {
      webhookSecret: SECRETS.pdHook,
      apiKey: SECRETS.pdKey,
      webhookUser: 'cl',
    });
    const list = (await s.call('/api/connectors')).json().connectors as Record<string, unknown>[];
    assert.deepEqual(
      list.map((c) => [c.name, c.webhookSecret, c.credentials, c.options]),
      [
        ['hubspot', 'set', { apiKey: 'set', refreshToken: 'set' }, {}],
        ['pipedrive', 'set', { apiKey: 'set' }, { webhookUser: 'cl' }],
        [
          'salesforce',
          'set',
          { clientId: 'set', clientSecret: 'set' },
          { organizationId: '00D5e0000ORG001AAA' },
        ],
        ['stripe', 'set', { apiKey: 'set' }, {}],
      ],
    );

    // the ad platforms: their own fields, validated by name; no webhook
    const badCustomer = await put('google-ads', { customerId: '12-34' });
    assert.deepEqual(
      [badCustomer.status, (badCustomer.json().error as { field: string }).field],
      [400, 'customerId'],
    );
    const noHook = await put('meta', { webhookSecret: 'x' });
    assert.equal((noHook.json().error as { field: string }).field, 'webhookSecret');
    const google = await put('google-ads', {
      developerToken: SECRETS.googleDevToken,
      clientId: 'scan.apps.googleusercontent.com',
      clientSecret: SECRETS.googleClientSecret,
      refreshToken: SECRETS.googleRefresh,
      customerId: '123-456-7890',
      loginCustomerId: '111-222-3333',
      baseUrl: 'http://127.0.0.1:9/google',
      tokenUrl: 'http://127.0.0.1:9/token',
    });
    assert.equal(google.status, 201);
    assert.deepEqual(
      { ...(google.json().connector as object), updatedAt: null },
      {
        name: 'google-ads',
        webhookSecret: null,
        credentials: {
          developerToken: 'set',
          clientId: 'set',
          clientSecret: 'set',
          refreshToken: 'set',
        },
        baseUrl: 'http://127.0.0.1:9/google',
        options: {
          customerId: '123-456-7890',
          loginCustomerId: '111-222-3333',
          tokenUrl: 'http://127.0.0.1:9/token',
        },
        webhookPath: null,
        lastSync: null,
        resumable: false,
        updatedAt: null,
      },
    );
    await put('meta', { accessToken: SECRETS.metaToken, adAccountId: 'act_1234567890' });
    await put('linkedin', {
      accessToken: SECRETS.linkedinToken,
      refreshToken: SECRETS.linkedinRefresh,
      clientId: 'li-client',
      clientSecret: SECRETS.linkedinRefresh.replace('AQX', 'CS'),
      adAccountId: '507404993',
    });
    await put('microsoft-ads', {
      developerToken: SECRETS.msDevToken,
      clientId: '0000-ms-app',
      refreshToken: SECRETS.msRefresh,
      accountId: '149012345',
      customerId: '251234567',
    });
    // a sync that fails at once (nothing listens on port 9): its status words hold no secret
    const failedSync = await s.call(
      '/api/connectors/google-ads/sync?wait=true&from=2026-11-01&to=2026-11-02',
      {
        method: 'POST',
        body: '{}',
      },
    );
    assert.equal(failedSync.status, 200, failedSync.text);
    assert.equal((failedSync.json().sync as { status: string }).status, 'failed');
    const badPeriod = await s.call('/api/connectors/meta/sync?from=2026-11-01', {
      method: 'POST',
      body: '{}',
    });
    assert.deepEqual(
      [badPeriod.status, (badPeriod.json().error as { field: string }).field],
      [400, 'to'],
    );
    const ads = ((await s.call('/api/connectors')).json().connectors as Record<string, unknown>[])
      .filter((c) => ['google-ads', 'meta', 'linkedin', 'microsoft-ads'].includes(c.name as string))
      .map((c) => [c.name, c.credentials, c.webhookPath]);
    assert.deepEqual(ads, [
      [
        'google-ads',
        { developerToken: 'set', clientId: 'set', clientSecret: 'set', refreshToken: 'set' },
        null,
      ],
      [
        'linkedin',
        { accessToken: 'set', refreshToken: 'set', clientId: 'set', clientSecret: 'set' },
        null,
      ],
      ['meta', { accessToken: 'set' }, null],
      ['microsoft-ads', { developerToken: 'set', clientId: 'set', refreshToken: 'set' }, null],
    ]);
    assert.equal(
      (await s.call(`/hooks/google-ads/${s.workspace.id}`, { method: 'POST', body: '{}' }, false))
        .status,
      404,
    );

    // the webhooks, accepted and refused, each vendor
    const now = Date.now();
    const stripeBody = JSON.stringify({
      id: 'evt_scan_1',
      object: 'event',
      api_version: '2024-06-20',
      created: Math.floor(now / 1000),
      type: 'charge.succeeded',
      data: { object: { id: 'ch_1', object: 'charge' } },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    });
    const hook = (vendor: string, body: string, headers: Record<string, string>, query = '') =>
      s.call(
        `/hooks/${vendor}/${s.workspace.id}${query}`,
        { method: 'POST', body, headers },
        false,
      );
    const stripeOk = await hook('stripe', stripeBody, {
      'content-type': 'application/json',
      'stripe-signature': stripeSignatureHeader(stripeBody, SECRETS.stripeHook, now / 1000),
    });
    assert.equal(stripeOk.status, 200, stripeOk.text);
    assert.equal(
      (
        await hook('stripe', stripeBody, {
          'stripe-signature': stripeSignatureHeader(stripeBody, 'whsec_wrong', now / 1000),
        })
      ).status,
      401,
    );
    const hsBody = '[]';
    const hsUri = `${s.base}/hooks/hubspot/${s.workspace.id}`;
    assert.equal(
      (
        await hook('hubspot', hsBody, {
          'content-type': 'application/json',
          ...hubspotSignatureHeaders(
            { method: 'POST', uri: hsUri, body: hsBody },
            SECRETS.hubspotHook,
            now,
          ),
        })
      ).status,
      200,
    );
    assert.equal(
      (
        await hook('hubspot', hsBody, {
          ...hubspotSignatureHeaders(
            { method: 'POST', uri: hsUri, body: hsBody },
            SECRETS.hubspotHook,
            now - 600_000,
          ),
        })
      ).status,
      401,
    );
    const cdc = '[]';
    assert.equal(
      (await hook('salesforce', cdc, { authorization: `Bearer ${SECRETS.sfHook}` })).status,
      200,
    );
    assert.equal((await hook('salesforce', cdc, {}, `?token=${SECRETS.sfHook}`)).status, 200);
    assert.equal(
      (await hook('salesforce', '<x', { 'content-type': 'text/xml' }, `?token=${SECRETS.sfHook}`))
        .status,
      400,
    );
    assert.equal((await hook('salesforce', cdc, {}, `?token=${SECRETS.sfHook}x`)).status, 401);
    assert.equal(
      (
        await hook('pipedrive', '{"meta":{}}', {
          authorization: pipedriveBasicAuthHeader('cl', SECRETS.pdHook),
        })
      ).status,
      400,
    );
    assert.equal(
      (
        await hook('pipedrive', '{}', {
          authorization: pipedriveBasicAuthHeader('cl', `${SECRETS.pdHook}!`),
        })
      ).status,
      401,
    );

    const deleted = await s.call('/api/connectors/pipedrive', { method: 'DELETE' });
    assert.deepEqual([deleted.status, deleted.json()], [200, { deleted: 'pipedrive' }]);
    assert.equal((await s.call('/api/connectors/pipedrive', { method: 'DELETE' })).status, 404);
    assert.equal((await s.call('/api/connectors/zoho', { method: 'DELETE' })).status, 400);

    // the scan: no response, no log line, no stored row holds a secret in clear
    assert.ok(s.lines.length > 20, `only ${s.lines.length} log lines captured`);
    const everything = [...s.responses, ...s.lines];
    for (const [name, secret] of Object.entries(SECRETS))
      for (const text of everything)
        assert.ok(!text.includes(secret), `${name} appears in: ${text.slice(0, 300)}`);
    const needles = Object.values(SECRETS);
    if (s.store.engine === 'duckdb')
      for (const [needle, hits] of await scanDatabase(s.store, needles))
        assert.deepEqual(hits, [], `stored in clear: ${needle.slice(0, 6)}...`);
    for (const c of await s.store.listConnectors(s.workspace.id))
      for (const secret of needles)
        assert.ok(!JSON.stringify(c).includes(secret), `${c.vendor} stored a secret in clear`);
  } finally {
    await s.close();
  }
});
