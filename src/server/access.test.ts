import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { basicAuth, startTestServer } from '../test-helpers/server.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { createWorkspace } from '../workspaces/create.js';
import { access, installAccess, type DeclaredRoute } from './access.js';
import { installErrorHandlers } from './errors.js';

// a concrete URL for a declared route: path parameters filled, wildcards given a segment
const concrete = (r: DeclaredRoute, param: string) =>
  r.url.replace(/:[A-Za-z]+/g, param).replace(/\*/g, 'track');

async function call(
  base: string,
  r: DeclaredRoute,
  headers: Record<string, string>,
  param = 'p_unknown',
) {
  const body =
    r.method === 'GET' || r.method === 'DELETE' || r.method === 'OPTIONS'
      ? undefined
      : JSON.stringify({
          batch: [{ type: 'track', event: 'access test', anonymousId: 'a1' }],
          type: 'track',
          event: 'access test',
          anonymousId: 'a1',
        });
  return fetch(`${base}${concrete(r, param)}`, {
    method: r.method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body ? { body } : {}),
  });
}

test('every route declares who may call it, and each declaration holds: no credential, a wrong one or the other kind of key is refused', async () => {
  const s = await startTestServer();
  try {
    const other = await createWorkspace(s.store, {
      name: 'Other',
      currency: 'USD',
      timezone: 'UTC',
    });
    const routes = s.app.declaredRoutes;
    // the registry holds what the server serves (a route with no declaration cannot be registered at all)
    assert.ok(routes.length >= 40, `only ${routes.length} routes declared`);
    for (const r of routes)
      assert.ok(
        s.app.hasRoute({ method: r.method as 'GET', url: r.url }),
        `${r.method} ${r.url} not served`,
      );
    // what anyone may call is a short, reviewed list: a new public route must be added here on purpose
    const open = routes
      .filter((r) => r.access.who === 'anyone' && r.method !== 'OPTIONS')
      .map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(open.sort(), [
      'GET /',
      'GET /:page',
      // the browsable reference (openapi.ts): its page, its files and its copy of the document
      'GET /api/docs',
      'GET /api/docs/json',
      'GET /api/docs/static/*',
      'GET /api/docs/static/index.html',
      'GET /api/docs/static/swagger-initializer.js',
      'GET /api/docs/yaml',
      'GET /api/openapi.json',
      'GET /assets/*',
      'GET /cl.js',
      'GET /healthz',
      'GET /readyz',
      'POST /api/auth/accept-invitation',
      'POST /api/auth/forgot-password',
      'POST /api/auth/login',
      'POST /api/auth/reset-password',
      'POST /v1/m',
    ]);
    const kinds = new Set(routes.map((r) => r.access.who));
    assert.deepEqual([...kinds].sort(), [
      'admin',
      'anyone',
      'instance',
      'secret',
      'signature',
      'user',
      'write-key',
    ]);
    const admin = { authorization: `Bearer ${s.adminToken}` };
    for (const r of routes) {
      const what = `${r.method} ${r.url} (${r.access.who})`;
      if (r.access.who === 'secret') {
        for (const headers of [
          {} as Record<string, string>,
          { authorization: 'Bearer sk_wrong' },
          { authorization: `Bearer ${s.workspace.writeKey}` },
          { authorization: basicAuth(s.workspace.writeKey) },
        ]) {
          const res = await call(s.base, r, headers);
          assert.equal(res.status, 401, `${what} with ${JSON.stringify(headers)}: ${res.status}`);
          assert.equal(
            ((await res.json()) as { error: { code: string } }).error.code,
            'unauthorized',
          );
        }
        // the right key gets past the check (whatever the route then says about its input)
        const ok = await call(s.base, r, { authorization: `Bearer ${other.secretKey}` });
        assert.notEqual(ok.status, 401, `${what} refused its own secret key`);
        assert.ok(ok.status < 500, `${what}: ${ok.status}`);
        // the admin token acts on the workspace its header names, and only on one that exists
        const asAdmin = await call(s.base, r, {
          ...admin,
          'x-closedloop-workspace': other.workspace.id,
        });
        assert.ok(
          asAdmin.status !== 401 && asAdmin.status < 500,
          `${what} as admin: ${asAdmin.status}`,
        );
        assert.equal(
          (await call(s.base, r, admin)).status,
          400,
          `${what} as admin without a workspace`,
        );
        assert.equal(
          (await call(s.base, r, { ...admin, 'x-closedloop-workspace': 'ws_missing' })).status,
          404,
          `${what} as admin, unknown workspace`,
        );
      } else if (r.access.who === 'admin') {
        // the admin token only: a workspace's secret key (even with the header), its write key, a wrong token
        const refusedAdmin = [
          {} as Record<string, string>,
          { authorization: 'Bearer adm_wrong' },
          { authorization: `Bearer ${s.adminToken}x` },
          { authorization: `Bearer ${s.secretKey}`, 'x-closedloop-workspace': s.workspace.id },
          { authorization: basicAuth(s.workspace.writeKey) },
        ];
        for (const headers of refusedAdmin) {
          const res = await call(s.base, r, headers, s.workspace.id);
          assert.equal(res.status, 401, `${what} with ${JSON.stringify(headers)}: ${res.status}`);
          assert.equal(
            ((await res.json()) as { error: { code: string } }).error.code,
            'unauthorized',
          );
        }
        const ok = await call(s.base, r, admin, 'ws_missing');
        assert.ok(
          ok.status !== 401 && ok.status < 500,
          `${what} with the admin token: ${ok.status}`,
        );
      } else if (r.access.who === 'write-key') {
        // the SDK settings routes (GET) answer an unknown key as an unknown resource, as the vendors' CDNs do
        const refused = r.method === 'GET' ? [401, 404] : [401];
        for (const headers of [
          {} as Record<string, string>,
          { authorization: basicAuth('wk_wrong') },
          { authorization: `Bearer ${s.secretKey}` },
        ]) {
          const res = await call(s.base, r, headers, 'wk_wrong');
          assert.ok(
            refused.includes(res.status),
            `${what} with ${JSON.stringify(headers)}: ${res.status}`,
          );
        }
        const ok = await call(
          s.base,
          r,
          { authorization: basicAuth(s.workspace.writeKey) },
          s.workspace.writeKey,
        );
        assert.ok(ok.status !== 401 && ok.status < 500, `${what} with its write key: ${ok.status}`);
      } else if (r.access.who === 'signature') {
        // a webhook receiver: no API key of ours is its credential, and where no connector with a
        // webhook secret is set (an unknown workspace, or ours before setup) there is no receiver at all;
        // the signature checks themselves are held by routes/hooks.test.ts
        for (const [param, headers] of [
          ['p_unknown', {}],
          [s.workspace.id, {}],
          [s.workspace.id, admin],
          [s.workspace.id, { authorization: `Bearer ${s.secretKey}` }],
          [s.workspace.id, { authorization: basicAuth(s.workspace.writeKey) }],
        ] as const) {
          const res = await call(s.base, r, headers, param);
          assert.equal(res.status, 404, `${what} ${param} with ${JSON.stringify(headers)}`);
        }
      } else if (r.access.who === 'user' || r.access.who === 'instance') {
        // sessions and roles: authorisation-*.test.ts walk these with every kind of caller
        for (const headers of [
          {} as Record<string, string>,
          { authorization: `Bearer ${s.secretKey}` },
          { authorization: basicAuth(s.workspace.writeKey) },
        ]) {
          const res = await call(s.base, r, headers);
          assert.equal(res.status, 401, `${what} with ${JSON.stringify(headers)}: ${res.status}`);
        }
      } else {
        const res = await call(s.base, r, {});
        assert.ok(
          res.status !== 401 && res.status !== 403 && res.status < 500,
          `${what}: ${res.status}`,
        );
      }
    }
  } finally {
    await s.close();
  }
});

test('a server given no admin check refuses every admin-token request', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  const app = Fastify();
  installErrorHandlers(app);
  installAccess(app, store);
  app.get('/api/admin-only', { config: access.admin() }, async () => ({ ok: true }));
  try {
    for (const authorization of [undefined, 'Bearer adm_anything']) {
      const res = await app.inject({
        method: 'GET',
        url: '/api/admin-only',
        headers: authorization ? { authorization } : {},
      });
      assert.equal(res.statusCode, 401);
    }
  } finally {
    await app.close();
    await store.close();
    cleanup();
  }
});

test('a route that declares no access is refused at start-up, naming it', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  const app = Fastify();
  try {
    installAccess(app, store);
    assert.throws(
      () => app.get('/api/undeclared', async () => ({})),
      /GET \/api\/undeclared declares no access/,
    );
  } finally {
    await app.close();
    await store.close();
    cleanup();
  }
});
