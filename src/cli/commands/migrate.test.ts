// closedloop migrate: a simulated workspace imported through the real CLI and moved into ClickHouse
// (chdb). The command runs in this process where the test reads the target itself (chdb holds one data
// directory per process), and as a CLI process of its own where only its output and exit code matter
// (then on a chdb directory no other process opens).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { simulate } from '../../sim/index.js';
import { chdbTestDir, freshDatabase } from '../../test-helpers/clickhouse.js';
import { cliWorkspaceWith, runCli, serveCli } from '../../test-helpers/cli.js';
import { freePort } from '../../test-helpers/port.js';
import { tempDir } from '../../test-helpers/tmp.js';
import { openChdbConnection } from '../../store/engines/clickhouse/chdb-connection.js';
import { openStore } from '../../store/open.js';
import { UsageError } from '../errors.js';
import { runMigrate } from './migrate.js';

// migrate reads the DuckDB file of the data directory, whatever engine the suite runs on: the source
// is filled on DuckDB (the CLI told so explicitly; the test's own store opened on it)
const ENV = { LOG_LEVEL: 'warn', CLOSEDLOOP_STORE: 'duckdb' };
const openSourceStore = (dataDir: string) => openStore(dataDir, { store: 'duckdb' });

/** Events of a small simulated world, as its NDJSON file holds them. */
async function simulatedEvents(dir: string, seed: number): Promise<unknown[]> {
  const outDir = join(dir, `sim-${seed}`);
  await simulate({ seed, days: 7, visitorsPerDay: 20, end: '2026-10-31' }, { outDir });
  return readFileSync(join(outDir, 'events.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

test(
  'migrate in this process: equal counts and checksums; stopped midway and run again, no row twice; --workspace moves one',
  { timeout: 300_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const data = join(dir, 'data');
    const database = freshDatabase('cli');
    const conn = await openChdbConnection(chdbTestDir());
    try {
      const first = await cliWorkspaceWith(data, await simulatedEvents(dir, 1), ENV);
      const to = `chdb://${chdbTestDir()}?database=${database}`;
      const eventsIn = async (ws: string) =>
        Number(
          (
            await conn.query<{ n: number }>(
              `SELECT count() AS n FROM ${database}.events WHERE workspace_id = {ws:String}`,
              { ws },
            )
          )[0]!.n,
        );

      // stopped after the third stored chunk
      let chunks = 0;
      await assert.rejects(
        runMigrate(
          { to, dataDir: data, chunkRows: '50' },
          {
            afterChunkStored: () => {
              if (++chunks === 3) throw new Error('stopped');
            },
          },
        ),
        /stopped/,
      );
      assert.equal(await eventsIn(first), 150);

      const r = await runMigrate({ to, dataDir: data, chunkRows: '50' });
      assert.deepEqual(r.mismatches, []);
      const events = r.tables.find((t) => t.table === 'events')!;
      assert.ok(events.source.rows > 150);
      assert.equal(events.copied, events.source.rows - 100);
      assert.equal(events.target.checksum, events.source.checksum);
      assert.equal(await eventsIn(first), events.source.rows);
      for (const t of r.tables) assert.ok(t.ok && t.source.rows === t.target.rows, t.table);
      assert.ok(r.tables.find((t) => t.table === 'sessions')!.target.rows > 0);

      // --workspace: a second workspace in this data directory moves alone, the first untouched
      const store = await openSourceStore(data);
      try {
        await store.createWorkspace({
          id: 'ws_two',
          name: 'Two',
          currency: 'USD',
          timezone: 'UTC',
          writeKey: 'wk_two',
          secretKeyHash: 'h_two',
        });
        await store.appendEvents(
          'ws_two',
          [
            {
              type: 'track',
              event: 'Signed up',
              messageId: 'two-1',
              anonymousId: 'a2',
              timestamp: '2026-10-01T00:00:00Z',
            },
          ],
          { origin: 'api', receivedAt: new Date() },
        );
        await store.appendEvents(
          first,
          [
            {
              type: 'track',
              event: 'Late',
              messageId: 'late-1',
              anonymousId: 'a1',
              timestamp: '2026-10-02T00:00:00Z',
            },
          ],
          { origin: 'api', receivedAt: new Date() },
        );
      } finally {
        await store.close();
      }
      const one = await runMigrate({ to, dataDir: data, workspace: 'ws_two' });
      assert.deepEqual(one.mismatches, []);
      assert.equal(one.workspaces, 1);
      assert.equal(one.tables.find((t) => t.table === 'events')!.target.rows, 1);
      assert.equal(await eventsIn('ws_two'), 1);
      assert.equal(
        await eventsIn(first),
        events.source.rows,
        "the first workspace's new event stays",
      );

      await assert.rejects(
        runMigrate({ to, dataDir: data, workspace: 'nope' }),
        (e: Error) => e instanceof UsageError && e.field === '--workspace',
      );
    } finally {
      await conn.command(`DROP DATABASE IF EXISTS ${database}`);
      await conn.close();
      cleanup();
    }
  },
);

test(
  'closedloop migrate as a command: a table and exit 0, a difference exit 3 naming it; wrong targets and a running server are usage errors',
  { timeout: 300_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const data = join(dir, 'data');
    try {
      const ws = await cliWorkspaceWith(data, await simulatedEvents(dir, 2), ENV);
      const to = `chdb://${join(dir, 'chdb')}?database=closedloop`;
      const run = (args: string[]) => runCli(['migrate', ...args, '--data-dir', data], ENV);

      const ok = await run(['--to', to]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /^1 workspace\(s\) to chdb:\/\//);
      assert.match(ok.stdout, /^events +\d+ +\d+ +\d+ +[0-9a-f]{16} +yes$/m);
      assert.doesNotMatch(ok.stdout, / NO$/m);

      // the DuckDB file gains an event the target does not have: the check fails, naming both figures
      const store = await openSourceStore(data);
      try {
        await store.appendEvents(
          ws,
          [
            {
              type: 'track',
              event: 'Late',
              messageId: 'late-1',
              anonymousId: 'a1',
              timestamp: '2026-10-02T00:00:00Z',
            },
          ],
          { origin: 'api', receivedAt: new Date() },
        );
      } finally {
        await store.close();
      }
      const diff = await run(['--to', to, '--json']);
      assert.equal(diff.code, 3, diff.stderr);
      const result = JSON.parse(diff.stdout) as { tables: { table: string; ok: boolean }[] };
      assert.deepEqual(
        result.tables.filter((t) => !t.ok).map((t) => t.table),
        ['events'],
      );
      assert.match(
        diff.stderr,
        /^error: events: DuckDB has (\d+) rows \(checksum [0-9a-f]{16}\), ClickHouse \d+ rows \(checksum [0-9a-f]{16}\)$/m,
      );

      // wrong targets: exit 2, the flag named, no password shown
      const port = await freePort();
      for (const [url, message] of [
        ['http://h:8123/db', /--to: store URL http:\/\/h:8123\/db: write clickhouse:\/\/\.\.\./],
        ['duckdb', /--to: the target is a ClickHouse store/],
        ['mysql://h/db', /--to: store URL mysql:\/\/h\/db: unknown scheme "mysql:"/],
        [
          `clickhouse://u:s3cret@127.0.0.1:${port}/db`,
          new RegExp(
            `--to: cannot reach ClickHouse at http://u@127\\.0\\.0\\.1:${port}/db: ECONNREFUSED`,
          ),
        ],
      ] as const) {
        const bad = await run(['--to', url]);
        assert.equal(bad.code, 2, `${url}: ${bad.stderr}`);
        assert.match(bad.stderr, message);
        assert.doesNotMatch(bad.stderr, /s3cret/);
      }
      const badChunk = await run(['--to', to, '--chunk-rows', '0']);
      assert.equal(badChunk.code, 2);
      assert.match(badChunk.stderr, /--chunk-rows: "0" is not a positive whole number/);
      const help = await runCli(['migrate', '--help']);
      assert.match(help.stdout, /stay where the control plane is/);

      // local only: a server holding the data directory is named, and nothing is read
      const { server, url } = await serveCli(data, ENV);
      try {
        const held = await run(['--to', to]);
        assert.equal(held.code, 2);
        assert.match(
          held.stderr,
          new RegExp(`--data-dir: the server at ${url} holds the data directory`),
        );
      } finally {
        await server.stop();
      }
    } finally {
      cleanup();
    }
  },
);
