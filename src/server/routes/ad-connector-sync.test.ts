// An ad platform's connector over real HTTP: PUT /api/connectors/google-ads, POST .../sync with a period
// (202 at once), its progress and end in GET /api/connectors' lastSync, the costs in effect in the
// store; the same route refuses another workspace's key and a half period. The authorisation of every
// route (these included) is held by access.test.ts, their documentation by openapi.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startGoogleAdsAccount } from '../../test-helpers/google-ads-account.js';
import { startTestServer } from '../../test-helpers/server.js';
import { createWorkspace } from '../../workspaces/create.js';

interface Listed {
  connectors: Array<{
    name: string;
    resumable: boolean;
    lastSync: { status: string; rows: number; errors: number; message: string | null } | null;
  }>;
}

test('google-ads over the API: set, sync a period, the status in GET /api/connectors, the costs stored', async () => {
  const g = await startGoogleAdsAccount();
  const s = await startTestServer();
  const other = await createWorkspace(s.store, { name: 'Other', currency: 'USD', timezone: 'UTC' });
  const call = async (path: string, init: RequestInit = {}, key = s.secretKey) => {
    const res = await fetch(`${s.base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  try {
    const put = await call('/api/connectors/google-ads', {
      method: 'PUT',
      body: JSON.stringify({
        developerToken: 'DEVTOKEN-route-1a2b3c',
        clientId: 'route.apps.googleusercontent.com',
        clientSecret: 'GOCSPX-route-secret',
        refreshToken: '1//route-refresh',
        customerId: '1234567890',
        baseUrl: g.baseUrl,
        tokenUrl: g.tokenUrl,
      }),
    });
    assert.equal(put.status, 201);
    // the other workspace has no such connector: its key reaches only its own
    const elsewhere = await call(
      '/api/connectors/google-ads/sync',
      { method: 'POST', body: '{}' },
      other.secretKey,
    );
    assert.equal(elsewhere.status, 404);
    const half = await call('/api/connectors/google-ads/sync?to=2026-11-05', {
      method: 'POST',
      body: '{}',
    });
    assert.equal(half.status, 400);
    assert.match(JSON.stringify(half.body), /give both from and to/);

    const started = await call('/api/connectors/google-ads/sync?from=2026-11-01&to=2026-11-10', {
      method: 'POST',
      body: '{}',
    });
    assert.equal(started.status, 202);
    assert.deepEqual(started.body, { sync: { name: 'google-ads', status: 'running' } });
    let c: Listed['connectors'][number] | undefined;
    for (let i = 0; i < 300; i++) {
      c = ((await call('/api/connectors')).body as Listed).connectors.find(
        (x) => x.name === 'google-ads',
      );
      if (c?.lastSync?.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(c?.lastSync?.status, 'ok', JSON.stringify(c));
    assert.equal(c?.lastSync?.rows, 10 * 4);
    assert.equal(c?.lastSync?.errors, 0);
    assert.match(
      c?.lastSync?.message ?? '',
      /40 cost rows over 10 days \(2026-11-01\.\.2026-11-10\)/,
    );
    const rows = await s.store.adCosts(s.workspace.id, { from: '2026-11-01', to: '2026-11-10' });
    assert.equal(
      rows.reduce((t, r) => t + r.costMicros, 0),
      g.spend('2026-11-01', '2026-11-10'),
    );
    assert.ok(!JSON.stringify(c).includes('DEVTOKEN-route'));
  } finally {
    await s.close();
    await g.close();
  }
});
