import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStoreUrl } from '../store/store-url.js';
import { cliStoreEnv, testStoreEnv } from './child-store.js';
import { runCli } from './cli.js';
import { openTestStore, testDatabaseName } from './store.js';
import { tempDir } from './tmp.js';

/** Runs `fn` with the suite's engine set to `engine` (as CLOSEDLOOP_TEST_ENGINE would). */
async function onEngine(engine: string, fn: () => Promise<void>): Promise<void> {
  const before = process.env.CLOSEDLOOP_TEST_ENGINE;
  process.env.CLOSEDLOOP_TEST_ENGINE = engine;
  try {
    await fn();
  } finally {
    if (before === undefined) delete process.env.CLOSEDLOOP_TEST_ENGINE;
    else process.env.CLOSEDLOOP_TEST_ENGINE = before;
  }
}

/** The database a child environment names, or undefined when it names no store. */
function databaseOf(env: Record<string, string>): string | undefined {
  if (env.CLOSEDLOOP_STORE === undefined) return undefined;
  const at = parseStoreUrl(env.CLOSEDLOOP_STORE);
  assert.equal(at.engine, 'clickhouse');
  return at.engine === 'clickhouse' ? at.database : undefined;
}

test('on duckdb a child needs nothing: it opens the DuckDB file of its data directory', async () => {
  await onEngine('duckdb', async () => {
    assert.deepEqual(await testStoreEnv('/tmp/x'), {});
    assert.deepEqual(await cliStoreEnv(['workspace', 'list', '--data-dir', '/tmp/x'], {}), {});
  });
});

test(
  "on clickhouse a child's data directory is found as the CLI finds it, and its store is that directory's database; a store the test names is left alone",
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      await onEngine('clickhouse', async () => {
        const d = join(dir, 'd');
        const want = testDatabaseName(d);
        assert.equal(databaseOf(await testStoreEnv(d)), want);
        assert.equal(databaseOf(await cliStoreEnv(['x', '--data-dir', d], {})), want);
        assert.equal(databaseOf(await cliStoreEnv(['x', `--data-dir=${d}`], {})), want);
        assert.equal(databaseOf(await cliStoreEnv(['x'], { CLOSEDLOOP_DATA_DIR: d })), want);
        // a relative directory is the working directory's, and the flag wins over the environment
        assert.equal(databaseOf(await cliStoreEnv(['x', '--data-dir', 'd'], {}, dir)), want);
        assert.equal(
          databaseOf(await cliStoreEnv(['x', '--data-dir', d], { CLOSEDLOOP_DATA_DIR: '/nope' })),
          want,
        );
        // no flag, no environment: the config file's dataDir, else ./.closedloop
        assert.equal(
          databaseOf(await cliStoreEnv(['x'], {}, dir)),
          testDatabaseName(join(dir, '.closedloop')),
        );
        const withFile = join(dir, 'conf');
        mkdirSync(withFile);
        writeFileSync(join(withFile, 'closedloop.config.json'), JSON.stringify({ dataDir: d }));
        assert.equal(databaseOf(await cliStoreEnv(['x'], {}, withFile)), want);
        // the test's own choice of store, or a configuration the CLI will refuse: nothing added
        assert.deepEqual(
          await cliStoreEnv(['x', '--data-dir', d], { CLOSEDLOOP_STORE: 'duckdb' }),
          {},
        );
        assert.deepEqual(await cliStoreEnv(['x', '--data-dir', d], { LOG_LEVEL: 'loud' }), {});
      });
    } finally {
      cleanup();
    }
  },
);

test(
  'on clickhouse the CLI as a child and the test itself see one store: events a child imports are in openTestStore, a workspace the test makes is in the child',
  { timeout: 120_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      await onEngine('clickhouse', async () => {
        const store = await openTestStore(dir);
        try {
          assert.equal(store.engine, 'clickhouse');
          await store.createWorkspace({
            id: 'w',
            name: 'w',
            currency: 'USD',
            timezone: 'UTC',
            writeKey: 'wk',
            secretKeyHash: 'h',
          });
          await store.appendEvents(
            'w',
            [
              {
                type: 'page',
                messageId: 'by-test',
                anonymousId: 'a',
                timestamp: '2026-01-01T00:00:00Z',
              },
            ],
            { origin: 'api', receivedAt: new Date() },
          );
        } finally {
          await store.close();
        }
        const file = join(dir, 'events.ndjson');
        writeFileSync(
          file,
          `${JSON.stringify({ type: 'track', event: 'X', messageId: 'by-child', anonymousId: 'b', timestamp: '2026-01-02T00:00:00Z' })}\n`,
        );
        const imported = await runCli([
          'import',
          'events',
          file,
          '--workspace',
          'w',
          '--data-dir',
          dir,
        ]);
        assert.equal(imported.code, 0, imported.stderr);
        const reopened = await openTestStore(dir);
        try {
          const ids = (await reopened.queryEvents('w', { limit: 10 })).map((e) => e.messageId);
          assert.deepEqual(ids.sort(), ['by-child', 'by-test']);
        } finally {
          await reopened.close();
        }
      });
    } finally {
      cleanup();
    }
  },
);
