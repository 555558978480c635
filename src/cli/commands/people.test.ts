import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rebuild } from '../../derive/derive.js';
import { openTestStore } from '../../test-helpers/store.js';
import { runCli } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

const ws = {
  id: 'ws_cli',
  name: 'Cli',
  currency: 'USD',
  timezone: 'UTC',
  writeKey: 'wk_cli',
  secretKeyHash: 'h_cli',
};
const EMAIL = 'ann.cli.erased@example.com';
const ANON = 'anon-cli-ann-erased';

test(
  'closedloop people export and erase: by e-mail, to a file, the journal loaded first, an audit record, clear errors',
  { timeout: 180_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const store = await openTestStore(dir);
      await store.createWorkspace(ws);
      await store.appendEvents(
        ws.id,
        [
          {
            type: 'page',
            messageId: 'c-1',
            anonymousId: ANON,
            timestamp: '2026-04-01T10:00:00Z',
            context: { page: { url: 'https://shop.example/' } },
          },
          {
            type: 'identify',
            messageId: 'c-2',
            anonymousId: ANON,
            timestamp: '2026-04-01T10:01:00Z',
            traits: { email: EMAIL },
          },
          {
            type: 'page',
            messageId: 'c-3',
            anonymousId: 'anon-cli-bob-kept',
            timestamp: '2026-04-01T11:00:00Z',
            context: { page: { url: 'https://shop.example/' } },
          },
        ],
        { origin: 'import', receivedAt: new Date() },
      );
      await rebuild(store, ws.id);
      await store.close();

      const out = join(dir, 'ann.json');
      const exp = await runCli([
        'people',
        'export',
        '--email',
        EMAIL.toUpperCase(),
        '--out',
        out,
        '--data-dir',
        dir,
      ]);
      assert.equal(exp.code, 0, exp.stderr);
      assert.equal(statSync(out).mode & 0o777, 0o600, 'the export is readable by its owner only');
      const data = JSON.parse(readFileSync(out, 'utf8')) as {
        tables: Record<string, { message_id?: string }[]>;
      };
      assert.deepEqual(data.tables.events!.map((e) => e.message_id).sort(), ['c-1', 'c-2']);
      const stdout = await runCli([
        'people',
        'export',
        '--email',
        EMAIL,
        '--workspace',
        ws.id,
        '--data-dir',
        dir,
      ]);
      assert.equal(stdout.code, 0, stdout.stderr);
      assert.deepEqual(
        (JSON.parse(stdout.stdout) as typeof data).tables.events,
        data.tables.events,
      );

      // bad input: exit 2 naming the option
      const both = await runCli([
        'people',
        'erase',
        '--email',
        EMAIL,
        '--person',
        'p_1',
        '--data-dir',
        dir,
      ]);
      assert.equal(both.code, 2);
      assert.match(both.stderr, /--email.*exactly one/);
      const bad = await runCli(['people', 'erase', '--email', 'not-an-email', '--data-dir', dir]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--email: is not a valid e-mail/);
      const unknown = await runCli([
        'people',
        'erase',
        '--email',
        'nobody@example.com',
        '--data-dir',
        dir,
      ]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /nothing is stored about that e-mail/);
      const noWs = await runCli([
        'people',
        'export',
        '--email',
        EMAIL,
        '--workspace',
        'ws_nope',
        '--data-dir',
        dir,
      ]);
      assert.equal(noWs.code, 2);
      assert.match(noWs.stderr, /--workspace/);

      // an event of hers the server acknowledged but never loaded (it stopped uncleanly): loaded, then erased
      mkdirSync(join(dir, 'journal'), { recursive: true });
      const line = {
        type: 'page',
        messageId: 'c-4',
        anonymousId: ANON,
        timestamp: '2026-04-02T10:00:00Z',
        _ws: ws.id,
        _recv: '2026-04-02T10:00:01Z',
        _origin: 'api',
        _batch: 'b1',
      };
      writeFileSync(
        join(dir, 'journal', 'events-000000000001.ndjson'),
        `${JSON.stringify(line)}\n`,
      );
      const erase = await runCli([
        'people',
        'erase',
        '--email',
        EMAIL,
        '--json',
        '--data-dir',
        dir,
      ]);
      assert.equal(erase.code, 0, erase.stderr);
      const erasure = JSON.parse(erase.stdout) as {
        id: string;
        via: string;
        rowCounts: Record<string, number>;
        rederivedAt: string | null;
      };
      assert.equal(erasure.via, 'cli');
      assert.equal(
        erasure.rowCounts.events,
        3,
        'the two stored events and the one from the journal',
      );
      assert.ok(erasure.rederivedAt);
      assert.ok(!erase.stdout.includes(EMAIL) && !erase.stdout.includes(ANON));
      assert.deepEqual(readdirSync(join(dir, 'journal')), []);

      const list = await runCli(['people', 'erasures', '--json', '--data-dir', dir]);
      assert.equal(list.code, 0, list.stderr);
      assert.deepEqual(
        (JSON.parse(list.stdout) as { id: string }[]).map((e) => e.id),
        [erasure.id],
      );
      const again = await runCli(['people', 'export', '--email', EMAIL, '--data-dir', dir]);
      assert.equal(again.code, 2, 'nothing left to export');

      const after = await openTestStore(dir);
      try {
        assert.deepEqual(
          (await after.queryEvents(ws.id)).map((e) => e.messageId),
          ['c-3'],
        );
      } finally {
        await after.close();
      }
    } finally {
      cleanup();
    }
  },
);
