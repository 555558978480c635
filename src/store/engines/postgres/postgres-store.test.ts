// The PostgreSQL control engine's own behaviour (the shared contract is src/store/control.test.ts):
// migrations, the server's clock for leases, and what a failed start says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTestSchema,
  TEST_POSTGRES_URL,
  urlWithSchema,
} from '../../../test-helpers/postgres.js';
import { StoreUnavailable } from '../../types.js';
import { MIGRATIONS } from './migrations.js';
import { openPostgresControl } from './postgres-store.js';

test('migrations: processes starting together apply each once; a restart applies nothing and keeps the rows', async () => {
  const pg = await createTestSchema();
  try {
    const opened = await Promise.all([1, 2, 3].map(() => openPostgresControl(pg.url)));
    const last = MIGRATIONS.at(-1)!.version;
    for (const c of opened) assert.equal(await c.controlSchemaVersion(), last);
    const applied = await pg.admin.query<{ version: number }>(
      `SELECT version FROM ${pg.schema}.schema_migrations ORDER BY version`,
    );
    assert.deepEqual(
      applied.rows.map((r) => r.version),
      MIGRATIONS.map((m) => m.version),
    );
    await opened[0]!.createWorkspace({
      id: 'w',
      name: 'w',
      currency: 'USD',
      timezone: 'UTC',
      writeKey: 'wk_w',
      secretKeyHash: 'h_w',
    });
    await Promise.all(opened.map((c) => c.close()));
    const again = await openPostgresControl(pg.url);
    try {
      assert.equal(await again.controlSchemaVersion(), last);
      assert.deepEqual(
        (await again.listWorkspaces()).map((w) => w.id),
        ['w'],
      );
      assert.equal(again.ready(), true);
    } finally {
      await again.close();
    }
    assert.equal(again.ready(), false);
  } finally {
    await pg.drop();
  }
});

test('each key is unique under a named constraint, and the tables live in the URL’s schema only', async () => {
  const pg = await createTestSchema();
  const control = await openPostgresControl(pg.url);
  try {
    const constraints = await pg.admin.query<{ conname: string; contype: string }>(
      `SELECT conname, contype FROM pg_constraint
       WHERE conrelid = $1::regclass ORDER BY conname`,
      [`${pg.schema}.workspaces`],
    );
    assert.deepEqual(constraints.rows, [
      { conname: 'workspaces_pkey', contype: 'p' },
      { conname: 'workspaces_secret_key_hash_unique', contype: 'u' },
      { conname: 'workspaces_write_key_unique', contype: 'u' },
    ]);
    const tables = await pg.admin.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [pg.schema],
    );
    assert.deepEqual(
      tables.rows.map((r) => r.table_name),
      [
        'api_keys',
        'audit_log',
        'connectors',
        'invitations',
        'leases',
        'login_attempts',
        'password_resets',
        'schema_migrations',
        'user_sessions',
        'users',
        'workspace_members',
        'workspace_settings',
        'workspaces',
      ],
    );
  } finally {
    await control.close();
    await pg.drop();
  }
});

test('a lease expires by the server’s clock: expires_at is set from now(), and passes on once now() is past it', async () => {
  const pg = await createTestSchema();
  const control = await openPostgresControl(pg.url);
  try {
    assert.equal(await control.acquireLease('derive:w', 'a', 90_000), true);
    const left = await pg.admin.query<{ ms: number }>(
      `SELECT extract(epoch FROM expires_at - now()) * 1000 AS ms FROM ${pg.schema}.leases`,
    );
    const ms = Number(left.rows[0]!.ms);
    assert.ok(ms > 80_000 && ms <= 90_000, `${ms} ms left`);
    // the server says it expired a second ago (the callers' clocks have no say)
    await pg.admin.query(`UPDATE ${pg.schema}.leases SET expires_at = now() - interval '1 second'`);
    assert.equal(await control.renewLease('derive:w', 'a', 90_000), false);
    assert.equal(await control.acquireLease('derive:w', 'b', 90_000), true);
  } finally {
    await control.close();
    await pg.drop();
  }
});

test('a server that is down, refuses the role or lacks the database or schema: StoreUnavailable naming the URL without its password', async () => {
  const noDatabase = new URL(TEST_POSTGRES_URL);
  noDatabase.pathname = '/no_such_database';
  noDatabase.searchParams.set('password', 'hunter2');
  const cases: [string, RegExp][] = [
    [
      'postgres://ops:hunter2@127.0.0.1:1/control',
      /postgres:\/\/ops@127\.0\.0\.1:1\/control: connecting: .*ECONNREFUSED/,
    ],
    [
      'postgres://no_such_role:hunter2@127.0.0.1:5432/test',
      /postgres:\/\/no_such_role@127\.0\.0\.1:5432\/test: connecting: role "no_such_role" does not exist \(28000\)/,
    ],
    [
      noDatabase.toString(),
      /\/no_such_database: connecting: database "no_such_database" does not exist \(3D000\)/,
    ],
    [
      urlWithSchema(TEST_POSTGRES_URL, 'no_such_schema'),
      /migrating: no schema has been selected to create in \(3F000\)/,
    ],
  ];
  for (const [url, expected] of cases) {
    await assert.rejects(openPostgresControl(url), (err: unknown) => {
      assert.ok(err instanceof StoreUnavailable, String(err));
      assert.match(err.message, /^cannot open the control database postgres:\/\//);
      assert.match(err.message, expected);
      assert.ok(!err.message.includes('hunter2'), err.message);
      return true;
    });
  }
});
