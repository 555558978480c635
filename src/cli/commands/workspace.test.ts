// `closedloop workspace` with the control plane in PostgreSQL (CLOSEDLOOP_CONTROL): the workspace lives
// there and not in the DuckDB file, and a control database that is down stops the command plainly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, DB_FILE } from '../../store/open.js';
import { runCli, startCli } from '../../test-helpers/cli.js';
import { freePort } from '../../test-helpers/port.js';
import { createTestSchema } from '../../test-helpers/postgres.js';
import { tempDir } from '../../test-helpers/tmp.js';

test(
  'with CLOSEDLOOP_CONTROL at PostgreSQL, create, list and delete act on its workspaces, none in the DuckDB file',
  { timeout: 90_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const pg = await createTestSchema();
    try {
      const env = { CLOSEDLOOP_CONTROL: pg.url };
      const created = await runCli(
        [
          'workspace',
          'create',
          'Acme',
          '--currency',
          'EUR',
          '--timezone',
          'UTC',
          '--data-dir',
          dir,
          '--json',
        ],
        env,
      );
      assert.equal(created.code, 0, created.stderr);
      const ws = JSON.parse(created.stdout) as { id: string; writeKey: string; secretKey: string };

      const inPostgres = await pg.admin.query<{ id: string; write_key: string }>(
        `SELECT id, write_key FROM ${pg.schema}.workspaces`,
      );
      assert.deepEqual(inPostgres.rows, [{ id: ws.id, write_key: ws.writeKey }]);
      // the data directory's DuckDB file (explicitly: on the clickhouse suite the data plane is elsewhere and
      // the children leave no file) holds no control rows: its own control tables stay empty
      const duck = await openStore(dir, { store: 'duckdb' });
      try {
        assert.equal(duck.controlEngine, 'duckdb');
        assert.deepEqual(await duck.listWorkspaces(), []);
      } finally {
        await duck.close();
      }

      const listed = await runCli(['workspace', 'list', '--data-dir', dir, '--json'], env);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(
        (JSON.parse(listed.stdout) as { id: string }[]).map((w) => w.id),
        [ws.id],
      );

      const deleted = await runCli(
        ['workspace', 'delete', '--workspace', ws.id, '--yes', '--data-dir', dir, '--json'],
        env,
      );
      assert.equal(deleted.code, 0, deleted.stderr);
      const { removed } = JSON.parse(deleted.stdout) as { removed: Record<string, number> };
      assert.equal(removed.workspaces, 1);
      assert.equal(removed.events, 0);
      const left = await pg.admin.query(`SELECT id FROM ${pg.schema}.workspaces`);
      assert.equal(left.rowCount, 0);
    } finally {
      await pg.drop();
      cleanup();
    }
  },
);

test(
  'a control database that is down stops a command and the server at start, naming the URL without its password',
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      // nothing listens on port 1
      const env = { CLOSEDLOOP_CONTROL: 'postgres://ops:hunter2@127.0.0.1:1/control' };
      const expected =
        /^error: CLOSEDLOOP_CONTROL: cannot open the control database postgres:\/\/ops@127\.0\.0\.1:1\/control: connecting: .*ECONNREFUSED/m;
      const listed = await runCli(['workspace', 'list', '--data-dir', dir], env);
      assert.equal(listed.code, 2, listed.stderr);
      assert.match(listed.stderr, expected);
      assert.ok(!listed.stderr.includes('hunter2'), listed.stderr);

      const port = String(await freePort());
      const server = await startCli(['serve', '--port', port, '--data-dir', dir, '--no-demo'], env);
      assert.equal(await server.exited, 2);
      assert.match(server.output().stderr, expected);
      assert.ok(!JSON.stringify(server.output()).includes('hunter2'));
      // stopped before the data file was touched
      assert.equal(existsSync(join(dir, DB_FILE)), false);
    } finally {
      cleanup();
    }
  },
);

test(
  'a ClickHouse store that is down stops a command and the server at start, naming CLOSEDLOOP_STORE and the URL without its password',
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const closed = await freePort();
      const env = { CLOSEDLOOP_STORE: `clickhouse://ops:hunter2@127.0.0.1:${closed}/analytics` };
      const expected = new RegExp(
        `^error: CLOSEDLOOP_STORE: cannot open http://ops@127\\.0\\.0\\.1:${closed}/analytics: cannot reach ClickHouse: ECONNREFUSED$`,
        'm',
      );
      const listed = await runCli(['workspace', 'list', '--data-dir', dir], env);
      assert.equal(listed.code, 2, listed.stderr);
      assert.match(listed.stderr, expected);
      assert.ok(!listed.stderr.includes('hunter2'), listed.stderr);

      const port = String(await freePort());
      const server = await startCli(['serve', '--port', port, '--data-dir', dir, '--no-demo'], env);
      assert.equal(await server.exited, 2);
      assert.match(server.output().stderr, expected);
      assert.ok(!JSON.stringify(server.output()).includes('hunter2'));
      assert.equal(existsSync(join(dir, DB_FILE)), false);
    } finally {
      cleanup();
    }
  },
);
