// Signing in, sessions and role-scoped keys on a server whose control plane is PostgreSQL
// (CLOSEDLOOP_CONTROL), as a deployment with several processes runs: a session one process starts is
// found by another, and a key revoked through one stops at the other at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { loadConfig } from '../../config/config.js';
import { openStore } from '../../store/open.js';
import { createTestSchema } from '../../test-helpers/postgres.js';
import { tempDir } from '../../test-helpers/tmp.js';
import { addUser, sessionHeaders, signIn } from '../../test-helpers/users.js';
import { createWorkspace } from '../../workspaces/create.js';
import { buildApp } from '../app.js';

async function serverOn(controlUrl: string) {
  const { dir, cleanup } = tempDir();
  const store = await openStore(dir, { control: controlUrl });
  const config = loadConfig({ env: {}, cwd: dir, overrides: { dataDir: dir } });
  const app = await buildApp({ store, config, logger: pino({ level: 'silent' }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr !== 'object') throw new Error('no address');
  return {
    base: `http://127.0.0.1:${addr.port}`,
    store,
    async close() {
      await app.close();
      await store.close();
      cleanup();
    },
  };
}

test(
  'with the control plane in PostgreSQL, a session and a revocation made through one server hold at another',
  { timeout: 60_000 },
  async () => {
    const pg = await createTestSchema();
    const one = await serverOn(pg.url);
    const two = await serverOn(pg.url);
    try {
      const { workspace, secretKey } = await createWorkspace(one.store, {
        name: 'Shared',
        currency: 'USD',
        timezone: 'UTC',
      });
      await addUser(one.store, 'hal@example.com', 'admin', workspace.id);
      const hal = await signIn(one.base, 'hal@example.com');
      const stored = await pg.admin.query<{ token_hash: string }>(
        `SELECT token_hash FROM ${pg.schema}.user_sessions`,
      );
      assert.equal(stored.rows.length, 1);
      assert.notEqual(stored.rows[0]!.token_hash, hal.sessionToken, 'stored hashed');
      // the other process knows the session
      const me = await fetch(`${two.base}/api/auth/me`, { headers: { cookie: hal.cookie } });
      assert.equal(me.status, 200);
      const made = await fetch(`${two.base}/api/keys?workspace=${workspace.id}`, {
        method: 'POST',
        headers: { ...sessionHeaders(hal), 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bi', role: 'viewer' }),
      });
      assert.equal(made.status, 201);
      const key = (await made.json()) as { key: { id: string }; secretKey: string };
      const read = (base: string, k: string) =>
        fetch(`${base}/api/attribution/settings`, { headers: { authorization: `Bearer ${k}` } });
      assert.equal((await read(one.base, key.secretKey)).status, 200);
      const revoke = await fetch(`${one.base}/api/keys/${key.key.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${secretKey}` },
      });
      assert.equal(revoke.status, 200);
      assert.equal((await read(two.base, key.secretKey)).status, 401);
      // signing out at one ends the session at the other
      await fetch(`${one.base}/api/auth/logout`, { method: 'POST', headers: sessionHeaders(hal) });
      assert.equal(
        (await fetch(`${two.base}/api/auth/me`, { headers: { cookie: hal.cookie } })).status,
        401,
      );
      const actions = (await two.store.listAudit({ limit: 10 })).map((e) => e.action);
      assert.deepEqual(actions, ['logout', 'key_revoked', 'key_created', 'login']);
    } finally {
      await one.close();
      await two.close();
      await pg.drop();
    }
  },
);
