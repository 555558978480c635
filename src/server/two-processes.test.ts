// Several API processes, one ClickHouse, one PostgreSQL (issue 14, item 6): two real server processes on
// one ClickHouse HTTP endpoint (the real client against chdb, in this process) and one PostgreSQL control
// plane, each with its own journal. Each person's devices and identifies go to different processes, one
// process is killed with SIGKILL mid-run and restarted on its journal, and afterwards every acknowledged
// event is stored once, and the persons, sessions, leads and credits the live derive made in two processes
// are exactly those a rebuild of the same facts in one process makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { runCli } from '../test-helpers/cli.js';
import { freePort } from '../test-helpers/port.js';
import { tempDir } from '../test-helpers/tmp.js';
import { createTestSchema } from '../test-helpers/postgres.js';
import { freshDatabase } from '../test-helpers/clickhouse.js';
import { startClickHouseHttpEndpoint } from '../test-helpers/clickhouse-http-endpoint.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { rebuild } from '../derive/derive.js';

const MAIN = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
const PERSONS = 24;

function startServer(dataDir: string, port: number, env: Record<string, string>): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      MAIN,
      'serve',
      '--no-demo',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--data-dir',
      dataDir,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env, LOG_LEVEL: 'warn', CLOSEDLOOP_INGEST_RATE_LIMIT: '0' },
    },
  );
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[server ${port}] ${d.toString()}`));
  return child;
}

async function waitReady(base: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server at ${base} did not become ready`);
}

const exited = (c: ChildProcess) =>
  new Promise<void>((r) =>
    c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r()),
  );

type Ev = Record<string, unknown> & { messageId: string };

/** Person i: a laptop (campaign traffic) and a phone, each identified with the person's e-mail; every other person fills a form. */
function personEvents(i: number, run: string): { toA: Ev[]; toB: Ev[] } {
  const day = (h: number) => new Date(Date.UTC(2026, 10, 1 + (i % 20), 9 + h)).toISOString();
  const id = (what: string) => `${run}-${what}-${i}`;
  const laptop = `laptop-${i}`;
  const phone = `phone-${i}`;
  const email = `person${i}@example.com`;
  const source = ['google', 'linkedin', 'newsletter', 'facebook'][i % 4]!;
  const page = (anon: string, at: string, url: string, messageId: string): Ev => ({
    type: 'page',
    messageId,
    anonymousId: anon,
    timestamp: at,
    context: { page: { url } },
  });
  const toA: Ev[] = [
    page(laptop, day(0), `https://shop.example/?utm_source=${source}&utm_medium=cpc`, id('l1')),
    {
      type: 'identify',
      messageId: id('pi'),
      anonymousId: phone,
      timestamp: day(3),
      traits: { email },
    },
  ];
  const toB: Ev[] = [
    page(phone, day(2), 'https://shop.example/pricing', id('p1')),
    {
      type: 'identify',
      messageId: id('li'),
      anonymousId: laptop,
      timestamp: day(1),
      traits: { email },
    },
  ];
  if (i % 2 === 0)
    toB.push({
      type: 'track',
      event: 'Form Submitted',
      messageId: id('form'),
      anonymousId: laptop,
      timestamp: day(1),
    });
  return { toA, toB };
}

async function post(base: string, writeKey: string, batch: Ev[]): Promise<void> {
  const res = await fetch(`${base}/v1/batch`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({ batch }),
  });
  assert.equal(res.status, 200, await res.text());
}

/** Everything derived about a workspace, in an order of its own (row order is not promised). */
async function derivedState(store: Store, ws: string) {
  const identities = (await store.currentIdentities(ws)).map((r) => JSON.stringify(r)).sort();
  const persons = [...new Set((await store.currentIdentities(ws)).map((r) => r.personId))].sort();
  const credits: string[] = [];
  for (const p of persons)
    for (const c of await store.personCredits(ws, p)) credits.push(JSON.stringify(c));
  const sessions = (await store.listSessions(ws)).map((s) => JSON.stringify(s)).sort();
  const leads = await store.leadsByFirstTouchChannel(ws);
  return { identities, persons, credits: credits.sort(), sessions, leads };
}

test(
  'two server processes on one ClickHouse and one PostgreSQL, one killed mid-run: every acknowledged event stored once, and persons and credits as one process derives them',
  { timeout: 300_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const endpoint = await startClickHouseHttpEndpoint({
      user: 'closedloop',
      password: `pw-${randomUUID()}`,
    });
    const pg = await createTestSchema();
    const database = freshDatabase('two');
    const storeUrl = `clickhouse://${endpoint.user}:${endpoint.password}@${endpoint.url.replace(/^http:\/\//, '')}/${database}`;
    const env = { CLOSEDLOOP_STORE: storeUrl, CLOSEDLOOP_CONTROL: pg.url };
    const servers: ChildProcess[] = [];
    let store: Store | undefined;
    try {
      const created = await runCli(
        ['workspace', 'create', 'Two', '--currency', 'USD', '--timezone', 'UTC', '--json'],
        { ...env, CLOSEDLOOP_DATA_DIR: join(dir, 'cli') },
      );
      assert.equal(created.code, 0, created.stderr);
      const ws = JSON.parse(created.stdout) as { id: string; writeKey: string };

      const [portA, portB] = [await freePort(), await freePort()];
      const [baseA, baseB] = [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`];
      const [dirA, dirB] = [join(dir, 'a'), join(dir, 'b')];
      let a = startServer(dirA, portA, env);
      const b = startServer(dirB, portB, env);
      servers.push(a, b);
      await Promise.all([waitReady(baseA), waitReady(baseB)]);

      const run = randomUUID().slice(0, 8);
      const all = Array.from({ length: PERSONS }, (_, i) => personEvents(i, run));
      let acked = 0;
      const sendPerson = async (p: { toA: Ev[]; toB: Ev[] }) => {
        await Promise.all([post(baseA, ws.writeKey, p.toA), post(baseB, ws.writeKey, p.toB)]);
        acked += p.toA.length + p.toB.length;
      };
      const half = PERSONS / 2;
      for (const p of all.slice(0, half)) await sendPerson(p);
      // process A dies with its journal and its lease (if it held one) as they are
      a.kill('SIGKILL');
      await exited(a);
      a = startServer(dirA, portA, env);
      servers[0] = a;
      await waitReady(baseA);
      for (const p of all.slice(half)) await sendPerson(p);

      // both stop gracefully: each loads what it journalled and derives what it loaded
      for (const s of servers) s.kill('SIGTERM');
      await Promise.all(servers.map(exited));

      store = await openStore(join(dir, 'reader'), { store: storeUrl, control: pg.url });
      assert.equal(await store.countEvents(ws.id), acked, 'every acknowledged event, once');
      const live = await derivedState(store, ws.id);
      assert.equal(live.persons.length, PERSONS, 'each person is one person across both processes');
      assert.ok(live.credits.length > 0, 'the leads got credits');

      // the same facts derived again from scratch in one process
      await rebuild(store, ws.id);
      const once = await derivedState(store, ws.id);
      assert.deepEqual(live, once);
    } finally {
      for (const s of servers) if (s.exitCode === null && s.signalCode === null) s.kill('SIGKILL');
      await Promise.all(servers.map(exited));
      await store?.close();
      await endpoint.close();
      await pg.drop();
      cleanup();
    }
  },
);
