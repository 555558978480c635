// The sign-in lockout behind two API servers on one control store (issue 17): failures made at either
// count for both, so an e-mail locked at one is locked at the other. PostgreSQL is the deployment's case
// (two stores, each its own pool, on one control schema); with the DuckDB file one process holds it, so
// there the two servers are two app instances in one process on one store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { loadConfig } from '../../config/config.js';
import { storeParts } from '../../store/join.js';
import { openStore } from '../../store/open.js';
import { duckDbOf } from '../../store/engines/duckdb/duckdb-store.js';
import type { Store } from '../../store/store.js';
import { createTestSchema } from '../../test-helpers/postgres.js';
import { tempDir } from '../../test-helpers/tmp.js';
import { addUser, TEST_PASSWORD } from '../../test-helpers/users.js';
import { buildApp } from '../app.js';

/** A server on `store` (its own data directory for the config); closing it leaves the store open. */
async function serverOn(store: Store) {
  const { dir, cleanup } = tempDir();
  const config = loadConfig({ env: {}, cwd: dir, overrides: { dataDir: dir } });
  const app = await buildApp({ store, config, logger: pino({ level: 'silent' }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr !== 'object') throw new Error('no address');
  return {
    base: `http://127.0.0.1:${addr.port}`,
    async close() {
      await app.close();
      cleanup();
    },
  };
}

interface Setup {
  /** The store each server uses (the same one for DuckDB). */
  stores: [Store, Store];
  /** Every stored subject of the attempts table, read behind the store's back. */
  subjects(): Promise<string[]>;
  close(): Promise<void>;
}

const ENGINES: Record<string, () => Promise<Setup>> = {
  async duckdb() {
    const { dir, cleanup } = tempDir();
    const store = await openStore(dir);
    const db = duckDbOf(storeParts(store)!.data)!;
    return {
      stores: [store, store],
      subjects: async () =>
        (await db.query('SELECT subject FROM login_attempts')).map((r) => String(r.subject)),
      async close() {
        await store.close();
        cleanup();
      },
    };
  },
  async postgres() {
    const pg = await createTestSchema();
    const dirs = [tempDir(), tempDir()];
    const one = await openStore(dirs[0]!.dir, { control: pg.url });
    const two = await openStore(dirs[1]!.dir, { control: pg.url });
    return {
      stores: [one, two],
      subjects: async () =>
        (
          await pg.admin.query<{ subject: string }>(
            `SELECT subject FROM ${pg.schema}.login_attempts`,
          )
        ).rows.map((r) => r.subject),
      async close() {
        await one.close();
        await two.close();
        await pg.drop();
        for (const d of dirs) d.cleanup();
      },
    };
  },
};

const login = (base: string, email: string, password: string) =>
  fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });

for (const [engine, open] of Object.entries(ENGINES)) {
  test(
    `${engine} control: failures spread over two servers lock the e-mail at both; parallel guesses get five tries in all`,
    { timeout: 90_000 },
    async () => {
      const setup = await open();
      const one = await serverOn(setup.stores[0]);
      const two = await serverOn(setup.stores[1]);
      try {
        await addUser(setup.stores[0], 'kim@example.com', 'viewer');
        await addUser(setup.stores[0], 'lee@example.com', 'viewer');
        // three failures at one server, two at the other: kim's five are spent
        for (const base of [one.base, two.base, one.base, two.base, one.base])
          assert.equal((await login(base, 'kim@example.com', 'not the password')).status, 401);
        for (const base of [one.base, two.base]) {
          const locked = await login(base, 'Kim@Example.com', TEST_PASSWORD);
          assert.equal(locked.status, 429, `locked at ${base}`);
          const wait = Number(locked.headers.get('retry-after'));
          assert.ok(wait > 800 && wait <= 900, `Retry-After ${wait}`);
        }
        // another e-mail from the same address is not locked (five failures, the address's limit is 20)
        assert.equal((await login(two.base, 'lee@example.com', TEST_PASSWORD)).status, 200);
        // a success at one server clears lee's failures at both
        for (let i = 0; i < 4; i++)
          assert.equal((await login(one.base, 'lee@example.com', 'wrong')).status, 401);
        assert.equal((await login(two.base, 'lee@example.com', TEST_PASSWORD)).status, 200);
        for (let i = 0; i < 4; i++)
          assert.equal((await login(one.base, 'lee@example.com', 'wrong')).status, 401);
        assert.equal((await login(one.base, 'lee@example.com', TEST_PASSWORD)).status, 200);
        // ten guesses at once, half at each server: five are tried, five refused before the password
        const burst = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            login(i % 2 ? one.base : two.base, 'nobody@example.com', `guess ${i}`),
          ),
        );
        const statuses = burst.map((r) => r.status).sort();
        assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
        // what is stored: hashed e-mails and the address, never an e-mail or a password in clear
        const stored = await setup.subjects();
        assert.ok(stored.some((s) => s === 'address:127.0.0.1'));
        assert.ok(stored.length > 0 && stored.every((s) => !/example|guess|password/.test(s)));
      } finally {
        await one.close();
        await two.close();
        await setup.close();
      }
    },
  );
}
