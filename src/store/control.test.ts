// The control plane's conformance suite: the same cases on each control engine, the DuckDB file's control
// part and PostgreSQL (a schema of each test's own). PostgreSQL unreachable fails these tests, by design.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestSchema } from '../test-helpers/postgres.js';
import { tempDir } from '../test-helpers/tmp.js';
import type { ControlStore } from './control.js';
import { openPostgresControl } from './engines/postgres/postgres-store.js';
import { storeParts } from './join.js';
import { openStore } from './open.js';
import { WorkspaceConflict, type NewWorkspace } from './types.js';
import type { ConnectorSettings } from './areas/connectors.js';

/** Two handles on one control plane (PostgreSQL: two pools, as two processes would hold). */
interface Opened {
  a: ControlStore;
  b: ControlStore;
  close(): Promise<void>;
}

const ENGINES: Record<string, () => Promise<Opened>> = {
  // one process holds the file: its two "holders" are two tasks on the one store
  async duckdb() {
    const { dir, cleanup } = tempDir();
    const store = await openStore(dir);
    const control = storeParts(store)!.control;
    return {
      a: control,
      b: control,
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
      async close() {
        await Promise.all([a.close(), b.close()]);
        await schema.drop();
      },
    };
  },
};

function conformance(name: string, fn: (c: Opened) => Promise<void>) {
  for (const [engine, open] of Object.entries(ENGINES)) {
    test(`${engine} control: ${name}`, { timeout: 30_000 }, async () => {
      const c = await open();
      try {
        await fn(c);
      } finally {
        await c.close();
      }
    });
  }
}

const ws = (id: string, over: Partial<NewWorkspace> = {}): NewWorkspace => ({
  id,
  name: `Workspace ${id}`,
  currency: 'GBP',
  timezone: 'Europe/London',
  writeKey: `wk_${id}`,
  secretKeyHash: `hash_${id}`,
  ...over,
});

conformance(
  'workspaces are created, listed in creation order and found by each key',
  async ({ a }) => {
    assert.ok(a.ready());
    assert.ok((await a.controlSchemaVersion()) > 0);
    const before = Date.now();
    const one = await a.createWorkspace(ws('one'));
    assert.deepEqual(
      { ...one, createdAt: undefined },
      {
        id: 'one',
        name: 'Workspace one',
        currency: 'GBP',
        timezone: 'Europe/London',
        writeKey: 'wk_one',
        createdAt: undefined,
      },
    );
    // the creation time is the database's, in the ISO form every engine gives
    assert.match(one.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(one.createdAt) - before) < 60_000);
    await sleep(5);
    await a.createWorkspace(ws('two'));
    assert.deepEqual(
      (await a.listWorkspaces()).map((w) => w.id),
      ['one', 'two'],
    );
    assert.deepEqual(await a.getWorkspace('one'), one);
    assert.deepEqual(await a.findWorkspaceByWriteKey('wk_one'), one);
    assert.deepEqual(await a.findWorkspaceBySecretHash('hash_one'), one);
    assert.equal(await a.getWorkspace('three'), undefined);
    assert.equal(await a.findWorkspaceByWriteKey('wk_three'), undefined);
    assert.equal(await a.findWorkspaceBySecretHash('hash_three'), undefined);
    // nothing a lookup returns holds the secret key's hash
    assert.ok(!JSON.stringify(await a.listWorkspaces()).includes('hash_'));
  },
);

conformance('a new secret hash replaces the old one, in its workspace only', async ({ a }) => {
  await a.createWorkspace(ws('one'));
  await a.createWorkspace(ws('two'));
  assert.equal(await a.setWorkspaceSecretHash('one', 'fresh'), true);
  assert.equal(await a.findWorkspaceBySecretHash('hash_one'), undefined);
  assert.equal((await a.findWorkspaceBySecretHash('fresh'))?.id, 'one');
  assert.equal((await a.findWorkspaceBySecretHash('hash_two'))?.id, 'two');
  assert.equal(await a.setWorkspaceSecretHash('missing', 'other'), false);
});

conformance(
  'a taken id, write key or secret hash is refused as WorkspaceConflict, writing nothing',
  async ({ a }) => {
    await a.createWorkspace(ws('one'));
    await a.createWorkspace(ws('two'));
    const refused = (key: string) => (e: unknown) =>
      e instanceof WorkspaceConflict && e.key === key && !/wk_|hash_/.test(e.message);
    await assert.rejects(a.createWorkspace(ws('new', { writeKey: 'wk_one' })), refused('writeKey'));
    await assert.rejects(
      a.createWorkspace(ws('new', { secretKeyHash: 'hash_one' })),
      refused('secretKeyHash'),
    );
    await assert.rejects(
      a.createWorkspace(ws('one', { writeKey: 'wk_x', secretKeyHash: 'h_x' })),
      refused('id'),
    );
    await assert.rejects(a.setWorkspaceSecretHash('two', 'hash_one'), refused('secretKeyHash'));
    assert.deepEqual(
      (await a.listWorkspaces()).map((w) => w.id),
      ['one', 'two'],
    );
    assert.equal((await a.findWorkspaceBySecretHash('hash_two'))?.id, 'two');
    assert.equal(await a.getWorkspace('new'), undefined);
  },
);

conformance(
  'settings round-trip as JSON, per workspace and key, the last write winning',
  async ({ a }) => {
    await a.createWorkspace(ws('one'));
    await a.createWorkspace(ws('two'));
    assert.equal(await a.getSetting('one', 'channel_rules'), undefined);
    const rules = {
      version: 2,
      rules: [{ channel: 'Paid Search', when: { medium: ['cpc', 'ppc'] }, weight: 0.25 }],
      note: 'café ☕ "quoted" \\ back',
      empty: {},
      flags: [true, false, null],
    };
    await a.setSetting('one', 'channel_rules', rules);
    await a.setSetting('one', 'lookback', 30);
    await a.setSetting('two', 'channel_rules', ['other']);
    assert.deepEqual(await a.getSetting('one', 'channel_rules'), rules);
    assert.equal(await a.getSetting('one', 'lookback'), 30);
    assert.deepEqual(await a.getSetting('two', 'channel_rules'), ['other']);
    await a.setSetting('one', 'lookback', 'all');
    assert.equal(await a.getSetting('one', 'lookback'), 'all');
    assert.equal(await a.getSetting('two', 'lookback'), undefined);
  },
);

conformance(
  'deleting a workspace removes its row and settings, all of them and only them',
  async ({ a }) => {
    await a.createWorkspace(ws('one'));
    await a.createWorkspace(ws('two'));
    await a.setSetting('one', 'x', 1);
    await a.setSetting('one', 'y', 2);
    await a.setSetting('two', 'x', 3);
    await a.putConnector(connector('one', 'stripe'));
    await a.putConnector(connector('two', 'stripe'));
    assert.deepEqual(await a.deleteWorkspaceControl('one'), {
      workspaces: 1,
      workspace_settings: 2,
      connectors: 1,
      workspace_members: 0,
      api_keys: 0,
      invitations: 0,
    });
    assert.equal(await a.getConnector('one', 'stripe'), undefined);
    assert.ok(await a.getConnector('two', 'stripe'));
    assert.equal(await a.getWorkspace('one'), undefined);
    assert.equal(await a.findWorkspaceByWriteKey('wk_one'), undefined);
    assert.equal(await a.findWorkspaceBySecretHash('hash_one'), undefined);
    assert.equal(await a.getSetting('one', 'x'), undefined);
    assert.equal(await a.getSetting('two', 'x'), 3);
    assert.deepEqual(
      (await a.listWorkspaces()).map((w) => w.id),
      ['two'],
    );
    assert.equal(await a.deleteWorkspaceControl('one'), undefined);
    // its keys are free again
    await a.createWorkspace(ws('again', { writeKey: 'wk_one', secretKeyHash: 'hash_one' }));
  },
);

conformance('of two acquirers racing for a free lease, exactly one wins', async ({ a, b }) => {
  for (let i = 0; i < 25; i++) {
    const name = `derive:w${i}`;
    const [x, y] = await Promise.all([
      a.acquireLease(name, 'process-a', 60_000),
      b.acquireLease(name, 'process-b', 60_000),
    ]);
    assert.equal(Number(x) + Number(y), 1, `${name}: a ${x}, b ${y}`);
    // the winner holds it: the loser still cannot take it, the winner can renew it
    const [winner, loser] = x ? [a, b] : [b, a];
    const [win, lose] = x ? ['process-a', 'process-b'] : ['process-b', 'process-a'];
    assert.equal(await loser.acquireLease(name, lose, 60_000), false);
    assert.equal(await winner.renewLease(name, win, 60_000), true);
  }
});

conformance('of two acquirers racing for an expired lease, exactly one wins', async ({ a, b }) => {
  for (let i = 0; i < 10; i++) await a.acquireLease(`l${i}`, 'crashed', 1);
  await sleep(20);
  for (let i = 0; i < 10; i++) {
    const [x, y] = await Promise.all([
      a.acquireLease(`l${i}`, 'process-a', 60_000),
      b.acquireLease(`l${i}`, 'process-b', 60_000),
    ]);
    assert.equal(Number(x) + Number(y), 1, `l${i}: a ${x}, b ${y}`);
  }
});

conformance(
  'a lease passes on when it expires, and its old holder can no longer renew it',
  async ({ a, b }) => {
    assert.equal(await a.acquireLease('derive:w', 'process-a', 300), true);
    assert.equal(await b.acquireLease('derive:w', 'process-b', 300), false);
    // taking it again while holding it renews it
    assert.equal(await a.acquireLease('derive:w', 'process-a', 300), true);
    await sleep(450);
    assert.equal(await b.acquireLease('derive:w', 'process-b', 60_000), true);
    assert.equal(await a.renewLease('derive:w', 'process-a', 60_000), false);
    assert.equal(await a.acquireLease('derive:w', 'process-a', 60_000), false);
    // a lease that expired with nobody taking it is lost all the same: renewing it fails
    assert.equal(await a.acquireLease('other', 'process-a', 100), true);
    await sleep(250);
    assert.equal(await a.renewLease('other', 'process-a', 60_000), false);
    assert.equal(await a.renewLease('never-held', 'process-a', 60_000), false);
  },
);

conformance('renewing a live lease extends it from now', async ({ a, b }) => {
  assert.equal(await a.acquireLease('derive:w', 'process-a', 1000), true);
  await sleep(600);
  assert.equal(await a.renewLease('derive:w', 'process-a', 1000), true);
  await sleep(600);
  // 1.2 s after the first take: past its first expiry, inside the renewed one
  assert.equal(await b.acquireLease('derive:w', 'process-b', 1000), false);
  assert.equal(await a.renewLease('derive:w', 'process-a', 1000), true);
});

conformance(
  'a released lease is free at once; only its holder can release it',
  async ({ a, b }) => {
    assert.equal(await a.acquireLease('derive:w', 'process-a', 60_000), true);
    await b.releaseLease('derive:w', 'process-b');
    assert.equal(await b.acquireLease('derive:w', 'process-b', 60_000), false);
    await a.releaseLease('derive:w', 'process-a');
    assert.equal(await a.renewLease('derive:w', 'process-a', 60_000), false);
    assert.equal(await b.acquireLease('derive:w', 'process-b', 60_000), true);
    // releasing what one does not hold is a no-op, not an error
    await a.releaseLease('derive:w', 'process-a');
    await a.releaseLease('nothing', 'process-a');
    assert.equal(await a.acquireLease('derive:w', 'process-a', 60_000), false);
  },
);

conformance(
  'a lease request without a name, a holder or a positive whole time is refused',
  async ({ a }) => {
    for (const ttl of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      await assert.rejects(a.acquireLease('l', 'h', ttl), RangeError, `ttl ${ttl}`);
    await assert.rejects(a.renewLease('l', 'h', 0), RangeError);
    await assert.rejects(a.acquireLease('', 'h', 1000), RangeError);
    await assert.rejects(a.acquireLease('l', '', 1000), RangeError);
    await assert.rejects(a.releaseLease('', 'h'), RangeError);
    // nothing was taken
    assert.equal(await a.acquireLease('l', 'other', 1000), true);
  },
);

const connector = (workspaceId: string, vendor: string, over: Partial<ConnectorSettings> = {}) => ({
  workspaceId,
  vendor,
  credentials: `cl1.sealed-credentials-${workspaceId}`,
  webhookSecret: `cl1.sealed-hook-${workspaceId}`,
  baseUrl: null,
  options: {},
  ...over,
});

conformance(
  'a connector is stored per workspace and vendor, replaced by a second put, and deleted',
  async ({ a, b }) => {
    await a.putConnector(connector('one', 'stripe'));
    await a.putConnector(
      connector('one', 'hubspot', { baseUrl: 'http://127.0.0.1:9/', options: { portal: 7 } }),
    );
    await a.putConnector(connector('two', 'stripe', { credentials: null }));
    const got = await b.getConnector('one', 'hubspot');
    assert.ok(got);
    assert.deepEqual(
      { ...got, createdAt: typeof got.createdAt, updatedAt: typeof got.updatedAt },
      {
        workspaceId: 'one',
        vendor: 'hubspot',
        credentials: 'cl1.sealed-credentials-one',
        webhookSecret: 'cl1.sealed-hook-one',
        baseUrl: 'http://127.0.0.1:9/',
        options: { portal: 7 },
        cursor: null,
        lastSync: null,
        createdAt: 'string',
        updatedAt: 'string',
      },
    );
    assert.ok(!Number.isNaN(Date.parse(got.createdAt)));
    assert.deepEqual(
      (await b.listConnectors('one')).map((c) => c.vendor),
      ['hubspot', 'stripe'],
    );
    assert.equal((await b.getConnector('two', 'stripe'))?.credentials, null);
    assert.equal(await b.getConnector('two', 'hubspot'), undefined);
    // a sync's cursor and status survive a change of settings
    const lastSync = { at: '2026-01-02T03:04:05.000Z', status: 'ok' as const, rows: 12, errors: 1 };
    assert.equal(
      await a.recordConnectorSync('one', 'stripe', { cursor: { after: 'x' }, lastSync }),
      true,
    );
    await a.putConnector(connector('one', 'stripe', { webhookSecret: 'cl1.new' }));
    const after = await b.getConnector('one', 'stripe');
    assert.deepEqual(
      [after?.webhookSecret, after?.cursor, after?.lastSync],
      ['cl1.new', { after: 'x' }, lastSync],
    );
    assert.equal(
      await a.recordConnectorSync('one', 'pipedrive', { cursor: null, lastSync }),
      false,
    );
    assert.equal(await a.deleteConnector('one', 'stripe'), true);
    assert.equal(await a.deleteConnector('one', 'stripe'), false);
    assert.equal(await b.getConnector('one', 'stripe'), undefined);
    assert.ok(await b.getConnector('two', 'stripe'));
  },
);
