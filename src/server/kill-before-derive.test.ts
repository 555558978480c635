// kill -9 between a journal load and its derive (issues 12 and 14): a real server process stores the
// events it acknowledged, its derive is held back (another holder keeps the workspace's derive lease in
// the PostgreSQL control plane, as a second API process would), and it is killed there. The restarted
// process derives those persons by itself, no rebuild asked for, and what it derives equals a rebuild.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startCli, type RunningCli } from '../test-helpers/cli.js';
import { testStoreEnv } from '../test-helpers/child-store.js';
import { freePort } from '../test-helpers/port.js';
import { createTestSchema } from '../test-helpers/postgres.js';
import { tempDir } from '../test-helpers/tmp.js';
import { openPostgresControl } from '../store/engines/postgres/postgres-store.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { rebuild } from '../derive/derive.js';
import { deriveLeaseName } from '../derive/workspace-lock.js';

const PERSONS = 4;

function startServer(dataDir: string, port: number, control: string): Promise<RunningCli> {
  return startCli(
    ['serve', '--no-demo', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir],
    { LOG_LEVEL: 'warn', CLOSEDLOOP_INGEST_RATE_LIMIT: '0', CLOSEDLOOP_CONTROL: control },
  );
}

async function waitReady(base: string, server: RunningCli): Promise<void> {
  let ended = false;
  void server.exited.then(() => (ended = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !ended) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const { stdout, stderr } = server.output();
  throw new Error(`server did not become ready${ended ? ' (it exited)' : ''}: ${stderr}${stdout}`);
}

/** Polls `check` until it gives a value, failing after `ms` with `what`. */
async function until<T>(
  what: string | (() => string),
  ms: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    assert.ok(Date.now() < deadline, typeof what === 'string' ? what : what());
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Person i: a campaign visit on a laptop, a visit on a phone, both identified by the e-mail, a form. */
function personEvents(i: number): Record<string, unknown>[] {
  const at = (h: number) => new Date(Date.UTC(2026, 10, 2 + i, 9 + h)).toISOString();
  const email = `person${i}@example.com`;
  return [
    {
      type: 'page',
      messageId: `l1-${i}`,
      anonymousId: `laptop-${i}`,
      timestamp: at(0),
      context: { page: { url: `https://shop.example/?utm_source=google&utm_medium=cpc` } },
    },
    {
      type: 'identify',
      messageId: `li-${i}`,
      anonymousId: `laptop-${i}`,
      timestamp: at(1),
      traits: { email },
    },
    {
      type: 'track',
      event: 'Form Submitted',
      messageId: `form-${i}`,
      anonymousId: `laptop-${i}`,
      timestamp: at(1),
    },
    {
      type: 'page',
      messageId: `p1-${i}`,
      anonymousId: `phone-${i}`,
      timestamp: at(2),
      context: { page: { url: 'https://shop.example/pricing' } },
    },
    {
      type: 'identify',
      messageId: `pi-${i}`,
      anonymousId: `phone-${i}`,
      timestamp: at(3),
      traits: { email },
    },
  ];
}

/** Everything derived about the workspace, in an order of its own. */
async function derivedState(store: Store, ws: string) {
  const identities = (await store.currentIdentities(ws)).map((r) => JSON.stringify(r)).sort();
  const persons = [...new Set((await store.currentIdentities(ws)).map((r) => r.personId))].sort();
  const credits: string[] = [];
  for (const p of persons)
    for (const c of await store.personCredits(ws, p)) credits.push(JSON.stringify(c));
  const sessions = (await store.listSessions(ws)).map((s) => JSON.stringify(s)).sort();
  return { identities, persons, credits: credits.sort(), sessions };
}

test(
  'kill -9 after a journal load and before its derive: the restarted server derives those persons itself, as a rebuild would',
  { timeout: 180_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const pg = await createTestSchema();
    const blocker = await openPostgresControl(pg.url);
    let server: RunningCli | undefined;
    let store: Store | undefined;
    try {
      const created = await runCli(
        ['workspace', 'create', 'K', '--currency', 'USD', '--timezone', 'UTC', '--json'],
        { CLOSEDLOOP_CONTROL: pg.url, CLOSEDLOOP_DATA_DIR: dir },
      );
      assert.equal(created.code, 0, created.stderr);
      const ws = JSON.parse(created.stdout) as { id: string; writeKey: string; secretKey: string };
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const api = async (path: string): Promise<unknown> => {
        const r = await fetch(`${base}${path}`, {
          headers: { authorization: `Bearer ${ws.secretKey}` },
        });
        const text = await r.text();
        assert.equal(r.status, 200, text);
        return JSON.parse(text);
      };
      const stored = async () => ((await api('/api/events?limit=1000')) as { count: number }).count;
      const people = async (i: number) =>
        (
          (await api(`/api/people?email=person${i}%40example.com`)) as {
            people: { personId: string; identifiers: { kind: string; value: string }[] }[];
          }
        ).people;
      const send = async (events: Record<string, unknown>[]) => {
        const r = await fetch(`${base}/v1/batch`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}`,
          },
          body: JSON.stringify({ batch: events }),
        });
        assert.equal(r.status, 200, await r.text());
      };

      // another holder derives the workspace meanwhile: this process's derive waits for the lease
      assert.equal(
        await blocker.acquireLease(deriveLeaseName(ws.id), 'other-process', 120_000),
        true,
      );
      server = await startServer(dir, port, pg.url);
      await waitReady(base, server);

      const half = PERSONS / 2;
      let sent = 0;
      for (let i = 0; i < PERSONS; i++) {
        const events = personEvents(i);
        await send(events);
        sent += events.length;
        // the loader keeps its own pace while the derive waits: each batch is stored
        await until(`${sent} events stored`, 30_000, async () =>
          (await stored()) === sent ? true : undefined,
        );
        if (i === half - 1) await new Promise((r) => setTimeout(r, 300)); // two loads, at least
      }
      for (let i = 0; i < PERSONS; i++)
        assert.deepEqual(await people(i), [], `person ${i} is stored, not derived yet`);

      // killed between the load and the derive
      await server.stop('SIGKILL');
      server = undefined;
      await blocker.releaseLease(deriveLeaseName(ws.id), 'other-process');

      server = await startServer(dir, port, pg.url);
      await waitReady(base, server);
      for (let i = 0; i < PERSONS; i++) {
        const found = await until(`person ${i} derived after the restart`, 30_000, async () => {
          const p = await people(i);
          return p.length > 0 ? p : undefined;
        });
        assert.equal(found.length, 1, `person ${i}: one person for both devices`);
        const anon = found[0]!.identifiers.filter((x) => x.kind === 'anonymous_id');
        assert.deepEqual(
          anon.map((x) => x.value).sort(),
          [`laptop-${i}`, `phone-${i}`],
          `person ${i}: both devices`,
        );
      }
      // once derived, the stored segments are gone
      const journal = join(dir, 'journal');
      const kept = () => readdirSync(journal).filter((f) => f.endsWith('.loaded'));
      await until(
        () => `stored segments left in the journal: ${kept().join(', ')}`,
        30_000,
        async () => (kept().length === 0 ? true : undefined),
      );
      assert.equal(await server.stop('SIGTERM'), 0, server.output().stderr);
      server = undefined;

      const env = await testStoreEnv(dir);
      // (the data where the server had it: the DuckDB file, or the suite's ClickHouse database)
      store = await openStore(dir, {
        control: pg.url,
        ...(env.CLOSEDLOOP_STORE ? { store: env.CLOSEDLOOP_STORE } : {}),
      });
      assert.equal(await store.countEvents(ws.id), sent);
      const live = await derivedState(store, ws.id);
      assert.equal(live.persons.length, PERSONS);
      assert.ok(live.credits.length > 0, 'the leads got credits');
      await rebuild(store, ws.id);
      assert.deepEqual(live, await derivedState(store, ws.id));
    } finally {
      await server?.stop('SIGKILL');
      await store?.close();
      await blocker.close();
      await pg.drop();
      cleanup();
    }
  },
);
