// POST /api/connectors/:name/sync over real HTTP against a generated HubSpot portal: a 202 at once and
// the progress in GET /api/connectors' lastSync, or the result with ?wait=true; a second run adds
// nothing; Stripe refused while it has no connector; no answer holds the token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../config/config.js';
import { startHubSpotPortal } from '../../test-helpers/hubspot-portal.js';
import { json, startReplay } from '../../test-helpers/replay-server.js';
import { openTestStore } from '../../test-helpers/store.js';
import { tempDir } from '../../test-helpers/tmp.js';
import { createWorkspace } from '../../workspaces/create.js';
import { buildApp } from '../app.js';

const TOKEN = 'pat-na1-route-sync-5e4d3c2b-1a09';
const SF = {
  accessToken: '00D5e0000ROUTE01!AQ4AQexpiredsessionroute',
  refreshToken: 'sf-route-refresh-token-77665544',
  clientSecret: 'sf-route-client-secret-11223344',
};

/** A real server whose every log line (trace level) is kept. */
async function serverWithLogs() {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  const { secretKey } = await createWorkspace(store, {
    name: 'Sync',
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
  const config = loadConfig({ env: {}, cwd: dir, overrides: { dataDir: dir, logLevel: 'trace' } });
  const app = await buildApp({
    store,
    config,
    logger: pino({ level: 'trace' }, sink),
    secretKey: 'the-install-secret-key-for-the-sync-test-0123456789',
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr !== 'object') throw new Error('no address');
  const base = `http://127.0.0.1:${addr.port}`;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${secretKey}`,
        'content-type': 'application/json',
        ...(init.headers ?? {}),
      },
    });
  return {
    api,
    lines,
    close: async () => {
      await app.close();
      await store.close();
      cleanup();
    },
  };
}

interface Listed {
  connectors: Array<{
    name: string;
    lastSync: { status: string; rows: number; errors: number; message: string | null } | null;
  }>;
}

test('POST /api/connectors/:name/sync runs the backfill; GET /api/connectors shows its status', async () => {
  const portal = await startHubSpotPortal({ contacts: 5, companies: 1, deals: 120 });
  // Salesforce refuses the session and the refresh token: its sync fails, saying why
  const salesforce = await startReplay((req) =>
    req.url.pathname === '/services/oauth2/token'
      ? json(400, { error: 'invalid_grant', error_description: 'expired access/refresh token' })
      : json(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]),
  );
  const s = await serverWithLogs();
  const { api } = s;
  const texts: string[] = [];
  const call = async (path: string, init?: RequestInit) => {
    const res = await api(path, init);
    const text = await res.text();
    texts.push(text);
    return { status: res.status, body: JSON.parse(text) as unknown };
  };
  const post = (path: string) => call(path, { method: 'POST', body: '{}' });
  try {
    const put = await call('/api/connectors/hubspot', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: TOKEN, baseUrl: portal.baseUrl }),
    });
    assert.equal(put.status, 201);

    const started = await post('/api/connectors/hubspot/sync');
    assert.equal(started.status, 202);
    assert.deepEqual(started.body, { sync: { name: 'hubspot', status: 'running' } });
    let last: Listed['connectors'][number]['lastSync'] = null;
    for (let i = 0; i < 300; i++) {
      const listed = (await call('/api/connectors')).body as Listed;
      last = listed.connectors.find((c) => c.name === 'hubspot')!.lastSync;
      if (last?.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(last?.status, 'ok', JSON.stringify(last));
    assert.equal(last?.rows, 5 + 1 + 120);
    assert.equal(last?.errors, 0);

    const again = await post('/api/connectors/hubspot/sync?wait=true');
    assert.equal(again.status, 200);
    const result = (again.body as { sync: { status: string; inserted: number; rows: number } })
      .sync;
    assert.equal(result.status, 'ok');
    assert.equal(result.inserted, 0);
    // incremental: only the objects modified since the first pass's latest change are read again
    assert.ok(result.rows > 0 && result.rows < 126, `${result.rows} objects read again`);

    const stripe = await post('/api/connectors/stripe/sync');
    assert.equal(stripe.status, 404);
    assert.match(JSON.stringify(stripe.body), /no stripe connector/);
    assert.equal((await post('/api/connectors/pipedrive/sync')).status, 404);
    const unknown = await post('/api/connectors/zoho/sync');
    assert.equal(unknown.status, 400);
    assert.match(JSON.stringify(unknown.body), /known: hubspot/);
    assert.equal((await post('/api/connectors/hubspot/sync?wait=maybe')).status, 400);

    await call('/api/connectors/salesforce', {
      method: 'PUT',
      body: JSON.stringify({
        ...SF,
        clientId: 'consumer-key',
        baseUrl: salesforce.baseUrl,
        loginUrl: salesforce.baseUrl,
      }),
    });
    const failed = await post('/api/connectors/salesforce/sync?wait=true');
    assert.equal(failed.status, 200);
    const f = (failed.body as { sync: { status: string; message: string } }).sync;
    assert.equal(f.status, 'failed');
    assert.match(f.message, /invalid_grant|400/);
    assert.ok(s.lines.some((l) => l.includes('sync failed')));
    for (const t of [...texts, ...s.lines])
      for (const secret of [TOKEN, ...Object.values(SF)])
        assert.ok(!t.includes(secret), `a secret in ${t.slice(0, 200)}`);
  } finally {
    await s.close();
    await portal.close();
    await salesforce.close();
  }
});
