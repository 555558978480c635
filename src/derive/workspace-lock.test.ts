// The derive lock across processes: two holders on one PostgreSQL control plane (two pools, as two API
// processes hold) never run a workspace's derive at once, and a crashed holder's lease passes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestSchema } from '../test-helpers/postgres.js';
import { openPostgresControl } from '../store/engines/postgres/postgres-store.js';
import type { ControlStore } from '../store/control.js';
import { deriveLeaseName, withWorkspaceLock } from './workspace-lock.js';

async function withTwoProcesses(fn: (a: ControlStore, b: ControlStore) => Promise<void>) {
  const schema = await createTestSchema();
  const a = await openPostgresControl(schema.url);
  const b = await openPostgresControl(schema.url);
  try {
    await fn(a, b);
  } finally {
    await Promise.all([a.close(), b.close()]);
    await schema.drop();
  }
}

test(
  'two processes never derive one workspace at once; another workspace is not held up',
  { timeout: 30_000 },
  async () => {
    await withTwoProcesses(async (a, b) => {
      const log: string[] = [];
      const work = (who: string, ms: number) => async () => {
        log.push(`${who} start`);
        await sleep(ms);
        log.push(`${who} end`);
        return who;
      };
      const first = withWorkspaceLock(a, 'w1', work('a', 300), { holder: 'proc-a' });
      await sleep(50); // a holds the lease now
      const second = withWorkspaceLock(b, 'w1', work('b', 10), { holder: 'proc-b' });
      const other = withWorkspaceLock(b, 'w2', work('b-w2', 10), { holder: 'proc-b' });
      assert.equal(await other, 'b-w2');
      assert.ok(!log.includes('a end'), 'w2 did not wait for w1');
      assert.deepEqual(await Promise.all([first, second]), ['a', 'b']);
      const w1 = log.filter((l) => !l.startsWith('b-w2'));
      assert.deepEqual(w1, ['a start', 'a end', 'b start', 'b end']);
      // released after each: a third holder takes it at once
      assert.equal(await a.acquireLease(deriveLeaseName('w1'), 'proc-c', 1000), true);
    });
  },
);

test("a crashed holder's lease passes on when it expires", { timeout: 30_000 }, async () => {
  await withTwoProcesses(async (a, b) => {
    // a process took the lease and died without releasing it
    assert.equal(await a.acquireLease(deriveLeaseName('w1'), 'crashed', 400), true);
    const started = Date.now();
    const ran = await withWorkspaceLock(b, 'w1', () => Promise.resolve('b ran'), {
      holder: 'proc-b',
    });
    assert.equal(ran, 'b ran');
    assert.ok(Date.now() - started >= 300, 'b waited for the expiry');
  });
});

test(
  'a lease held through long work is renewed, so no other holder takes it meanwhile',
  { timeout: 30_000 },
  async () => {
    await withTwoProcesses(async (a, b) => {
      const lost: string[] = [];
      const long = withWorkspaceLock(a, 'w1', () => sleep(1200), {
        holder: 'proc-a',
        leaseMs: 300,
        onLost: (n) => lost.push(n),
      });
      await sleep(700); // past two lease lives: only renewals keep it
      assert.equal(await b.acquireLease(deriveLeaseName('w1'), 'proc-b', 300), false);
      await long;
      assert.deepEqual(lost, []);
    });
  },
);

test(
  'an error in the work releases the lease and reaches the caller',
  { timeout: 30_000 },
  async () => {
    await withTwoProcesses(async (a, b) => {
      await assert.rejects(
        withWorkspaceLock(a, 'w1', () => Promise.reject(new Error('boom')), { holder: 'proc-a' }),
        /boom/,
      );
      assert.equal(await b.acquireLease(deriveLeaseName('w1'), 'proc-b', 1000), true);
    });
  },
);
