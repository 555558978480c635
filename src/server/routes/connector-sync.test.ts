// POST /api/connectors/:name/sync over real HTTP against a generated HubSpot portal: a 202 at once and
// the progress in GET /api/connectors' lastSync, or the result with ?wait=true; a second run adds
// nothing; Stripe refused as not available yet; no answer holds the token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientFor, startTestServer } from '../../test-helpers/server.js';
import { startHubSpotPortal } from '../../test-helpers/hubspot-portal.js';

const TOKEN = 'pat-na1-route-sync-5e4d3c2b-1a09';

interface Listed {
  connectors: Array<{
    name: string;
    lastSync: { status: string; rows: number; errors: number; message: string | null } | null;
  }>;
}

test('POST /api/connectors/:name/sync runs the backfill; GET /api/connectors shows its status', async () => {
  const portal = await startHubSpotPortal({ contacts: 5, companies: 1, deals: 120 });
  const s = await startTestServer();
  const { api } = clientFor(s);
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
    assert.equal(result.rows, 126);

    const stripe = await post('/api/connectors/stripe/sync');
    assert.equal(stripe.status, 400);
    assert.match(JSON.stringify(stripe.body), /not available for stripe/);
    assert.equal((await post('/api/connectors/pipedrive/sync')).status, 404);
    const unknown = await post('/api/connectors/zoho/sync');
    assert.equal(unknown.status, 400);
    assert.match(JSON.stringify(unknown.body), /known: hubspot/);
    assert.equal((await post('/api/connectors/hubspot/sync?wait=maybe')).status, 400);
    for (const t of texts) assert.ok(!t.includes(TOKEN), 'no answer holds the token');
  } finally {
    await s.close();
    await portal.close();
  }
});
