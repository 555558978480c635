import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestServer } from '../test-helpers/server.js';

interface Doc {
  openapi: string;
  paths: Record<
    string,
    Record<string, { security?: unknown[]; parameters?: { name: string; in: string }[] }>
  >;
}

test('GET /api/openapi.json is a valid OpenAPI 3.1 document holding every route, with its security and its schema', async () => {
  const s = await startTestServer();
  try {
    const res = await fetch(`${s.base}/api/openapi.json`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as Doc;
    assert.match(doc.openapi, /^3\.1\./);
    const result = await new Validator().validate(
      doc as unknown as Parameters<Validator['validate']>[0],
    );
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1));
    // every route the server declares is documented, under the same method
    const missing = s.app.declaredRoutes.filter((r) => {
      const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}').replace(/\*/g, '{*}');
      // a prefixed plugin's root ('/api/docs') is served with and without its slash, documented with it
      return !(doc.paths[path] ?? doc.paths[`${path}/`])?.[r.method.toLowerCase()];
    });
    assert.deepEqual(missing, []);
    // security follows each route's declaration
    const WORKSPACE = [{ secretKey: [] }, { sessionCookie: [] }, { adminToken: [] }];
    assert.deepEqual(doc.paths['/api/events']!.get!.security, WORKSPACE);
    // with the least role a session or a role-scoped key needs
    const role = (path: string, method: string) =>
      (doc.paths[path]![method] as Record<string, unknown>)['x-closedloop-role'];
    assert.equal(role('/api/events', 'get'), 'analyst');
    assert.equal(role('/api/reports/attribution', 'get'), 'viewer');
    assert.equal(role('/api/reports/journeys', 'get'), 'analyst');
    assert.equal(role('/api/channels/rules', 'put'), 'admin');
    assert.equal(role('/api/users', 'post'), 'admin');
    assert.deepEqual(doc.paths['/api/auth/me']!.get!.security, [{ sessionCookie: [] }]);
    assert.deepEqual(doc.paths['/api/auth/login']!.post!.security, []);
    assert.deepEqual(doc.paths['/api/workspaces']!.post!.security, [{ adminToken: [] }]);
    assert.deepEqual(doc.paths['/v1/batch']!.post!.security, [{ writeKey: [] }]);
    assert.deepEqual(doc.paths['/healthz']!.get!.security, []);
    assert.deepEqual(doc.paths['/hooks/stripe/{workspaceId}']!.post!.security, [
      { webhookSignature: [] },
    ]);
    assert.deepEqual(doc.paths['/api/connectors/{name}']!.put!.security, WORKSPACE);
    // the connectors' sync: the secret key or admin token, and the ad platforms' period
    const sync = doc.paths['/api/connectors/{name}/sync']!.post!;
    assert.deepEqual(sync.security, WORKSPACE);
    for (const n of ['query:from', 'query:to', 'query:wait'])
      assert.ok(
        sync.parameters!.some((p) => `${p.in}:${p.name}` === n),
        `${n} missing`,
      );
    // query parameters come from the route's zod schema
    const names = doc.paths['/api/reports/attribution']!.get!.parameters!.map(
      (p) => `${p.in}:${p.name}`,
    );
    for (const n of ['query:model', 'query:groupBy', 'query:from', 'query:lookbackDays'])
      assert.ok(names.includes(n), `${n} missing`);
  } finally {
    await s.close();
  }
});
