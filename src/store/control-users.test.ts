// The control plane's users, memberships, sessions, reset tokens, API keys and audit log: the same cases
// on the DuckDB file's control part and on PostgreSQL (a schema of each test's own).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestSchema } from '../test-helpers/postgres.js';
import { tempDir } from '../test-helpers/tmp.js';
import type { ControlStore } from './control.js';
import { openPostgresControl } from './engines/postgres/postgres-store.js';
import { storeParts } from './join.js';
import { openStore } from './open.js';
import { UserConflict, type NewUser } from './types.js';

const ENGINES: Record<string, () => Promise<{ c: ControlStore; close(): Promise<void> }>> = {
  async duckdb() {
    const { dir, cleanup } = tempDir();
    const store = await openStore(dir);
    return {
      c: storeParts(store)!.control,
      async close() {
        await store.close();
        cleanup();
      },
    };
  },
  async postgres() {
    const schema = await createTestSchema();
    const c = await openPostgresControl(schema.url);
    return {
      c,
      async close() {
        await c.close();
        await schema.drop();
      },
    };
  },
};

function conformance(name: string, fn: (c: ControlStore) => Promise<void>) {
  for (const [engine, open] of Object.entries(ENGINES)) {
    test(`${engine} control: ${name}`, { timeout: 30_000 }, async () => {
      const o = await open();
      try {
        await fn(o.c);
      } finally {
        await o.close();
      }
    });
  }
}

const user = (id: string, over: Partial<NewUser> = {}): NewUser => ({
  id,
  email: `${id}@example.com`,
  role: null,
  passwordHash: `hash_${id}`,
  ...over,
});

conformance(
  'users are created once per e-mail, listed, found; the hash only by userCredentials',
  async (c) => {
    const ann = await c.createUser(user('ann', { role: 'owner' }));
    assert.deepEqual(
      { ...ann, createdAt: undefined },
      {
        id: 'ann',
        email: 'ann@example.com',
        role: 'owner',
        createdAt: undefined,
      },
    );
    assert.match(ann.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await sleep(5);
    const bob = await c.createUser(user('bob'));
    assert.equal(bob.role, null);
    await assert.rejects(c.createUser(user('other', { email: 'ann@example.com' })), UserConflict);
    assert.deepEqual(
      (await c.listUsers()).map((u) => u.id),
      ['ann', 'bob'],
    );
    assert.ok(!JSON.stringify(await c.listUsers()).includes('hash_'));
    assert.deepEqual(await c.getUser('bob'), bob);
    assert.equal(await c.getUser('nobody'), undefined);
    assert.deepEqual(await c.userCredentials('ann@example.com'), {
      user: ann,
      passwordHash: 'hash_ann',
    });
    assert.equal(await c.userCredentials('nobody@example.com'), undefined);
    assert.equal(await c.setUserPassword('ann', 'fresh'), true);
    assert.equal((await c.userCredentials('ann@example.com'))?.passwordHash, 'fresh');
    assert.equal(await c.setUserPassword('nobody', 'x'), false);
  },
);

conformance(
  'memberships: set, changed, listed both ways, removed; a workspace deletion removes its own',
  async (c) => {
    for (const id of ['w1', 'w2'])
      await c.createWorkspace({
        id,
        name: id,
        currency: 'USD',
        timezone: 'UTC',
        writeKey: `wk_${id}`,
        secretKeyHash: `sk_${id}`,
      });
    await c.createUser(user('ann'));
    await c.createUser(user('bob'));
    await c.setMembership({ workspaceId: 'w1', userId: 'ann', role: 'viewer' });
    await c.setMembership({ workspaceId: 'w1', userId: 'ann', role: 'admin' });
    await c.setMembership({ workspaceId: 'w2', userId: 'ann', role: 'analyst' });
    await c.setMembership({ workspaceId: 'w1', userId: 'bob', role: 'viewer' });
    assert.deepEqual(await c.listMemberships('ann'), [
      { workspaceId: 'w1', userId: 'ann', role: 'admin' },
      { workspaceId: 'w2', userId: 'ann', role: 'analyst' },
    ]);
    assert.deepEqual(
      (await c.listMembers('w1')).map((m) => `${m.userId}:${m.role}`),
      ['ann:admin', 'bob:viewer'],
    );
    assert.equal(await c.removeMembership('w2', 'ann'), true);
    assert.equal(await c.removeMembership('w2', 'ann'), false);
    await c.createApiKey({
      id: 'k1',
      workspaceId: 'w1',
      name: 'ci',
      role: 'viewer',
      keyHash: 'kh1',
    });
    const removed = await c.deleteWorkspaceControl('w1');
    assert.equal(removed?.workspace_members, 2);
    assert.equal(removed?.api_keys, 1);
    assert.deepEqual(await c.listMemberships('ann'), []);
    assert.equal(await c.findApiKeyByHash('kh1'), undefined);
  },
);

conformance(
  'sessions live until they expire (the database clock), and end one by one or all of a user',
  async (c) => {
    await c.createUser(user('ann'));
    await c.createUserSession({ tokenHash: 's1', userId: 'ann', ttlMs: 60_000 });
    await c.createUserSession({ tokenHash: 's2', userId: 'ann', ttlMs: 60_000 });
    // long enough to be found on a loaded machine (50 ms expired before the first read under load)
    await c.createUserSession({ tokenHash: 'short', userId: 'ann', ttlMs: 1_500 });
    const s1 = await c.findUserSession('s1');
    assert.equal(s1?.userId, 'ann');
    assert.ok(Math.abs(Date.parse(s1!.expiresAt) - Date.now() - 60_000) < 30_000);
    assert.ok(await c.findUserSession('short'));
    await sleep(1_600);
    assert.equal(await c.findUserSession('short'), undefined);
    assert.equal(await c.findUserSession('unknown'), undefined);
    await c.deleteUserSession('s1');
    assert.equal(await c.findUserSession('s1'), undefined);
    assert.ok(await c.findUserSession('s2'));
    // a new session clears the expired ones: s2 and s3 are left of ann's
    await c.createUserSession({ tokenHash: 's3', userId: 'ann', ttlMs: 60_000 });
    assert.equal(await c.deleteUserSessions('ann'), 2);
    assert.equal(await c.findUserSession('s2'), undefined);
  },
);

conformance(
  'a reset token is used once, only while live, and a new one replaces the old',
  async (c) => {
    await c.createUser(user('ann'));
    await c.createPasswordReset({ tokenHash: 'r1', userId: 'ann', ttlMs: 60_000 });
    await c.createPasswordReset({ tokenHash: 'r2', userId: 'ann', ttlMs: 60_000 });
    assert.equal(await c.consumePasswordReset('r1'), undefined);
    assert.equal(await c.consumePasswordReset('r2'), 'ann');
    assert.equal(await c.consumePasswordReset('r2'), undefined);
    await c.createPasswordReset({ tokenHash: 'r3', userId: 'ann', ttlMs: 30 });
    await sleep(80);
    assert.equal(await c.consumePasswordReset('r3'), undefined);
  },
);

conformance(
  'API keys: created with a role, listed per workspace, found by hash, revoked once',
  async (c) => {
    const k1 = await c.createApiKey({
      id: 'k1',
      workspaceId: 'w1',
      name: 'ci',
      role: 'viewer',
      keyHash: 'kh1',
    });
    assert.deepEqual(
      { ...k1, createdAt: undefined },
      {
        id: 'k1',
        workspaceId: 'w1',
        name: 'ci',
        role: 'viewer',
        createdAt: undefined,
        revokedAt: null,
      },
    );
    await sleep(5);
    await c.createApiKey({
      id: 'k2',
      workspaceId: 'w1',
      name: 'bi',
      role: 'analyst',
      keyHash: 'kh2',
    });
    await c.createApiKey({ id: 'k3', workspaceId: 'w2', name: 'x', role: 'admin', keyHash: 'kh3' });
    assert.deepEqual(
      (await c.listApiKeys('w1')).map((k) => k.id),
      ['k1', 'k2'],
    );
    assert.ok(!JSON.stringify(await c.listApiKeys('w1')).includes('kh'));
    assert.equal((await c.findApiKeyByHash('kh2'))?.role, 'analyst');
    // another workspace's key is not revoked through this one
    assert.equal(await c.revokeApiKey('w1', 'k3'), false);
    assert.equal(await c.revokeApiKey('w1', 'k1'), true);
    assert.equal(await c.revokeApiKey('w1', 'k1'), false);
    assert.ok((await c.findApiKeyByHash('kh1'))?.revokedAt);
    assert.equal((await c.findApiKeyByHash('kh3'))?.revokedAt, null);
  },
);

conformance('the audit log lists newest first, per workspace or all', async (c) => {
  await c.appendAudit({
    workspaceId: null,
    actor: 'user:ann',
    action: 'login',
    target: null,
    address: '10.0.0.1',
  });
  await sleep(5);
  await c.appendAudit({
    workspaceId: 'w1',
    actor: 'user:ann',
    action: 'key_created',
    target: 'k1',
    address: null,
  });
  await sleep(5);
  await c.appendAudit({
    workspaceId: 'w2',
    actor: 'secret-key',
    action: 'key_revoked',
    target: 'k9',
    address: null,
  });
  assert.deepEqual(
    (await c.listAudit({ limit: 10 })).map((e) => e.action),
    ['key_revoked', 'key_created', 'login'],
  );
  const w1 = await c.listAudit({ workspaceId: 'w1', limit: 10 });
  assert.equal(w1.length, 1);
  assert.deepEqual(
    { ...w1[0], id: undefined, at: undefined },
    {
      id: undefined,
      at: undefined,
      workspaceId: 'w1',
      actor: 'user:ann',
      action: 'key_created',
      target: 'k1',
      address: null,
    },
  );
  assert.equal((await c.listAudit({ limit: 1 })).length, 1);
});

conformance('an invitation is found while live and claimed once', async (c) => {
  const invite = (tokenHash: string, email: string, ttlMs: number) =>
    c.createInvitation({ tokenHash, workspaceId: 'w1', email, role: 'analyst', ttlMs });
  await invite('i1', 'a@example.com', 60_000);
  await invite('i2', 'b@example.com', 30);
  const found = await c.findInvitation('i1');
  assert.deepEqual(
    { ...found, expiresAt: undefined },
    { workspaceId: 'w1', email: 'a@example.com', role: 'analyst', expiresAt: undefined },
  );
  assert.ok(Math.abs(Date.parse(found!.expiresAt) - Date.now() - 60_000) < 30_000);
  // two claims at once: one wins
  const claims = await Promise.all([c.claimInvitation('i1'), c.claimInvitation('i1')]);
  assert.deepEqual(claims.sort(), [false, true]);
  assert.equal(await c.findInvitation('i1'), undefined);
  await sleep(80);
  assert.equal(await c.findInvitation('i2'), undefined);
  assert.equal(await c.claimInvitation('i2'), false);
  await invite('i3', 'c@example.com', 60_000);
  await c.createWorkspace({
    id: 'w1',
    name: 'w1',
    currency: 'USD',
    timezone: 'UTC',
    writeKey: 'wk_w1',
    secretKeyHash: 'sk_w1',
  });
  // the live one and the expired one
  assert.equal((await c.deleteWorkspaceControl('w1'))?.invitations, 2);
  assert.equal(await c.findInvitation('i3'), undefined);
});
