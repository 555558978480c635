// The sign-in throttle's attempts in the control plane: the same cases on the DuckDB file's control part
// and on PostgreSQL (two pools on one schema, as two processes hold it): counted per subject against its
// limit, refused past it with the ages a Retry-After is made of, cleared by a success, pruned once out of
// the window, and never past a limit under concurrent attempts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestSchema } from '../test-helpers/postgres.js';
import { tempDir } from '../test-helpers/tmp.js';
import type { ControlStore } from './control.js';
import { duckDbOf } from './engines/duckdb/duckdb-store.js';
import { openPostgresControl } from './engines/postgres/postgres-store.js';
import { storeParts } from './join.js';
import { openStore } from './open.js';
import type { AttemptSubject, LoginAttempt } from './types.js';

interface Opened {
  a: ControlStore;
  b: ControlStore;
  /** The table's rows per subject, read behind the store's back. */
  rows(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

const ENGINES: Record<string, () => Promise<Opened>> = {
  // one process holds the file: its two "processes" are two tasks on the one store
  async duckdb() {
    const { dir, cleanup } = tempDir();
    const store = await openStore(dir);
    const parts = storeParts(store)!;
    const db = duckDbOf(parts.data)!;
    return {
      a: parts.control,
      b: parts.control,
      async rows() {
        const r = await db.query(
          'SELECT subject, count(*)::INTEGER AS n FROM login_attempts GROUP BY 1',
        );
        return Object.fromEntries(r.map((x) => [String(x.subject), Number(x.n)]));
      },
      async close() {
        await store.close();
        cleanup();
      },
    };
  },
  async postgres() {
    const schema = await createTestSchema();
    const a = await openPostgresControl(schema.url);
    const b = await openPostgresControl(schema.url);
    return {
      a,
      b,
      async rows() {
        const r = await schema.admin.query<{ subject: string; n: number }>(
          `SELECT subject, count(*)::integer AS n FROM ${schema.schema}.login_attempts GROUP BY 1`,
        );
        return Object.fromEntries(r.rows.map((x) => [x.subject, x.n]));
      },
      async close() {
        await Promise.all([a.close(), b.close()]);
        await schema.drop();
      },
    };
  },
};

function conformance(name: string, fn: (c: Opened) => Promise<void>) {
  for (const [engine, open] of Object.entries(ENGINES)) {
    test(`${engine} control: ${name}`, { timeout: 60_000 }, async () => {
      const c = await open();
      try {
        await fn(c);
      } finally {
        await c.close();
      }
    });
  }
}

let ids = 0;
const attempt = (
  email: string,
  address: string,
  windowMs = 60_000,
  limits: [number, number] = [3, 5],
): LoginAttempt => ({
  id: `att_${++ids}`,
  subjects: [
    { key: `email:${email}`, limit: limits[0] },
    { key: `address:${address}`, limit: limits[1] },
  ] satisfies AttemptSubject[],
  windowMs,
});

conformance(
  'attempts count per subject up to its limit, from either process; past it nothing is written and the ages say how long',
  async ({ a, b, rows }) => {
    for (const c of [a, b, a])
      assert.deepEqual(await c.beginLoginAttempt(attempt('ann', '10.0.0.1')), { admitted: true });
    // ann's three are spent: refused from any address, with her attempts' ages newest first
    const refused = await b.beginLoginAttempt(attempt('ann', '10.0.0.2'));
    assert.equal(refused.admitted, false);
    if (refused.admitted) return;
    const [annAges, addressAges] = refused.recent;
    assert.equal(annAges!.length, 3);
    assert.deepEqual(addressAges, []);
    assert.ok(annAges!.every((age) => age >= 0 && age < 30_000));
    assert.deepEqual(
      annAges,
      [...annAges!].sort((x, y) => x - y),
      'newest first',
    );
    assert.equal((await rows())['address:10.0.0.2'], undefined, 'a refusal is not recorded');
    // the address: two more e-mails bring it to five, and then it refuses every e-mail
    assert.equal((await a.beginLoginAttempt(attempt('bob', '10.0.0.1'))).admitted, true);
    assert.equal((await b.beginLoginAttempt(attempt('cat', '10.0.0.1'))).admitted, true);
    const byAddress = await a.beginLoginAttempt(attempt('dan', '10.0.0.1'));
    assert.equal(byAddress.admitted, false);
    if (!byAddress.admitted) {
      assert.deepEqual(byAddress.recent[0], []);
      assert.equal(byAddress.recent[1]!.length, 5);
    }
    assert.equal((await a.beginLoginAttempt(attempt('dan', '10.0.0.3'))).admitted, true);
    assert.deepEqual(await rows(), {
      'email:ann': 3,
      'email:bob': 1,
      'email:cat': 1,
      'email:dan': 1,
      'address:10.0.0.1': 5,
      'address:10.0.0.3': 1,
    });
  },
);

conformance(
  "a success removes its own attempt and the e-mail's failures; the address keeps its others",
  async ({ a, b, rows }) => {
    await a.beginLoginAttempt(attempt('eve', '10.0.0.1'));
    await b.beginLoginAttempt(attempt('eve', '10.0.0.2'));
    await a.beginLoginAttempt(attempt('fay', '10.0.0.1'));
    const ok = attempt('eve', '10.0.0.1');
    assert.equal((await b.beginLoginAttempt(ok)).admitted, true);
    await a.clearLoginAttempts(ok.id, 'email:eve');
    assert.deepEqual(await rows(), {
      'email:fay': 1,
      'address:10.0.0.1': 2,
      'address:10.0.0.2': 1,
    });
  },
);

conformance(
  'attempts leave the window by the database clock, and old ones of every subject are deleted',
  async ({ a, b, rows }) => {
    const windowMs = 400;
    for (let i = 0; i < 3; i++)
      assert.equal(
        (await a.beginLoginAttempt(attempt('gus', '10.0.0.1', windowMs))).admitted,
        true,
      );
    await b.beginLoginAttempt(attempt('hal', '10.0.0.9', windowMs));
    assert.equal((await b.beginLoginAttempt(attempt('gus', '10.0.0.2', windowMs))).admitted, false);
    await sleep(windowMs + 100);
    assert.equal((await b.beginLoginAttempt(attempt('gus', '10.0.0.2', windowMs))).admitted, true);
    assert.deepEqual(await rows(), { 'email:gus': 1, 'address:10.0.0.2': 1 });
  },
);

conformance(
  'concurrent attempts from two processes never take a subject past its limit',
  async ({ a, b, rows }) => {
    const tries = Array.from({ length: 24 }, (_, i) =>
      (i % 2 ? a : b).beginLoginAttempt(attempt('ivy', `10.0.1.${i}`, 60_000, [5, 20])),
    );
    const admitted = (await Promise.all(tries)).filter((r) => r.admitted).length;
    assert.equal(admitted, 5);
    assert.equal((await rows())['email:ivy'], 5);
  },
);

conformance('an attempt no engine should store is refused', async ({ a }) => {
  await assert.rejects(a.beginLoginAttempt({ ...attempt('x', 'y'), subjects: [] }), RangeError);
  await assert.rejects(
    a.beginLoginAttempt({ ...attempt('x', 'y'), subjects: [{ key: 'k', limit: 0 }] }),
    RangeError,
  );
  await assert.rejects(a.beginLoginAttempt({ ...attempt('x', 'y'), windowMs: 1.5 }), RangeError);
});
