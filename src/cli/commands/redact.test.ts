import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTestStore } from '../../test-helpers/store.js';
import { runCli } from '../../test-helpers/cli.js';
import { scanDatabase } from '../../test-helpers/scan-db.js';
import { tempDir } from '../../test-helpers/tmp.js';

const PASSWORD = 'cliPW31337';
const TOKEN = 'cliTOK8080';
const NONCE = 'cliNONCE55';

const leaky = (id: string, anon: string, minute: number) => ({
  type: 'page',
  messageId: id,
  anonymousId: anon,
  timestamp: new Date(Date.UTC(2026, 1, 1, 9, minute)).toISOString(),
  context: {
    page: {
      url: `https://x.test/?password=${PASSWORD}&token=${TOKEN}&nonce=${NONCE}&email=u${id}%40example.com&utm_source=mail&gclid=G-${id}`,
    },
  },
});

test(
  'closedloop redact: stored leaks removed, audited, re-derived; settings set and shown; bad names are a usage error',
  { timeout: 120_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const created = await runCli([
        'workspace',
        'create',
        'Acme',
        '--currency',
        'USD',
        '--timezone',
        'UTC',
        '--data-dir',
        dir,
        '--json',
      ]);
      assert.equal(created.code, 0, created.stderr);
      const ws = (JSON.parse(created.stdout) as { id: string }).id;
      // facts stored before redaction existed: written straight into the store
      let store = await openTestStore(dir);
      await store.appendEvents(ws, [leaky('s1', 'a1', 0), leaky('s2', 'a2', 1)], {
        origin: 'import',
        receivedAt: new Date(),
      });
      await store.close();

      const bad = await runCli([
        'redact',
        '--workspace',
        ws,
        '--names',
        'ok,bad name',
        '--data-dir',
        dir,
      ]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--names: "bad name"/);
      const badSet = await runCli([
        'redact',
        '--workspace',
        ws,
        '--set-params',
        'utm_campaign',
        '--data-dir',
        dir,
      ]);
      assert.equal(badSet.code, 2);
      assert.match(badSet.stderr, /--set-params: UTM parameters are never redacted/);
      assert.equal((await runCli(['redact', '--workspace', 'nope', '--data-dir', dir])).code, 2);

      const run = await runCli([
        'redact',
        '--workspace',
        ws,
        '--names',
        'nonce',
        '--data-dir',
        dir,
        '--json',
      ]);
      assert.equal(run.code, 0, run.stderr);
      const out = JSON.parse(run.stdout) as {
        rowsChanged: number;
        redactedNames: string[];
        rederived: boolean;
      };
      assert.deepEqual(
        [out.rowsChanged, out.redactedNames, out.rederived],
        [2, ['email', 'nonce', 'password', 'token'], true],
      );
      assert.match(run.stderr, /2 of 2 candidate events rewritten/);

      // a file import ends with the same redaction (the workspace's stored names apply)
      const set = await runCli([
        'redact',
        '--workspace',
        ws,
        '--set-params',
        'nonce',
        '--identify-param',
        'cl_email',
        '--data-dir',
        dir,
        '--json',
      ]);
      assert.equal(set.code, 0, set.stderr);
      const f = join(dir, 'leaky.ndjson');
      writeFileSync(
        f,
        [leaky('f1', 'a3', 2), leaky('f2', 'a4', 3)].map((e) => JSON.stringify(e)).join('\n'),
      );
      const imp = await runCli([
        'import',
        'events',
        f,
        '--workspace',
        ws,
        '--data-dir',
        dir,
        '--json',
      ]);
      assert.equal(imp.code, 0, imp.stderr);

      const shown = await runCli([
        'redact',
        '--workspace',
        ws,
        '--show',
        '--data-dir',
        dir,
        '--json',
      ]);
      const settings = JSON.parse(shown.stdout) as {
        params: string[];
        identifyParam: string;
        runs: { scope: string; rowsChanged: number }[];
      };
      assert.deepEqual([settings.params, settings.identifyParam], [['nonce'], 'cl_email']);
      assert.deepEqual(
        settings.runs.map((r) => [r.scope.split(':')[0], r.rowsChanged]),
        [
          ['workspace', 2],
          ['workspace', 0],
          ['import', 2],
        ],
      );

      store = await openTestStore(dir);
      try {
        const hits = await scanDatabase(store, [
          PASSWORD,
          TOKEN,
          NONCE,
          'us1',
          'us2',
          'uf1',
          'uf2',
        ]);
        for (const [needle, where] of hits)
          assert.deepEqual(where, [], `${needle} stored in ${JSON.stringify(where)}`);
        const sessions = await store.listSessions(ws);
        assert.equal(sessions.length, 4);
        for (const s of sessions) {
          assert.match(
            s.landingUrl ?? '',
            /password=\[redacted\]&token=\[redacted\]&nonce=\[redacted\]&email=\[email\]&utm_source=mail&gclid=G-/,
          );
          assert.equal(s.clickIds.gclid, `G-${s.landingUrl!.split('gclid=G-')[1]}`);
        }
      } finally {
        await store.close();
      }
    } finally {
      cleanup();
    }
  },
);
