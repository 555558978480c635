// `closedloop import crm` as a user runs it (real CLI processes): on the store it opens, then beside a
// running server (through POST /api/crm/import, said so), with the same report; bad lines are named by
// line and column while the good ones are stored; a re-import stores nothing; bad flags are exit 2.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliWorkspaceWith, runCli, serveCli } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

const ENV = { LOG_LEVEL: 'warn' };

const FILE = [
  'Type,Id,E-mail,Contact Id,Stage,created_at,stage_changed_at,Status,Amount,Currency,Paid at,Deal id,Shoe size',
  'contact,c1,ada@acme.io,,mql,2026-03-01,2026-03-02,,,,,,44',
  'deal,d1,ada@acme.io,c1,,2026-03-05,,open,"12,000.50",EUR,,,',
  'stage,d1,,c1,,,2026-03-20,won,"12,000.50",EUR,,,',
  'deal,d2,bob@acme.io,,,2026-03-05,,open,12k,EUR,,,',
  'revenue,pay1,ada@acme.io,c1,,,,,1200.00,EUR,2026-03-21,d1,',
  'contact,c3,not-an-email,,,2026-03-01,,,,,,,',
].join('\n');

interface Report {
  rows: number;
  changes: { inserted: number; duplicates: number };
  revenue: { inserted: number; duplicates: number };
  errorCount: number;
  errors: { line: number; field: string | null; reason: string }[];
  ignoredColumns: string[];
}

test(
  'import crm: good rows stored and bad ones named by line and column; again changes nothing; beside a server too',
  { timeout: 240_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const data = join(dir, 'data');
    try {
      const ws = await cliWorkspaceWith(data, [], ENV);
      const file = join(dir, 'crm.csv');
      writeFileSync(file, FILE);
      const cli = (args: string[]) =>
        runCli(['import', 'crm', ...args, '--workspace', ws, '--data-dir', data], ENV);

      const text = await cli([file]);
      assert.equal(text.code, 3, text.stderr);
      assert.match(
        text.stdout,
        /4 rows; 4 CRM changes added, 0 already stored; 1 revenue records added, 0 already stored; 2 errors/,
      );
      assert.match(text.stdout, /\n {2}line 5: amount: /);

      const again = await cli([file, '--json']);
      assert.equal(again.code, 3, again.stderr);
      const r = JSON.parse(again.stdout) as Report;
      assert.equal(r.rows, 4);
      // contact: created + mql; deal d1: created (open) + won; revenue: one payment; all stored before
      assert.deepEqual([r.changes.inserted, r.changes.duplicates], [0, 4]);
      assert.deepEqual([r.revenue.inserted, r.revenue.duplicates], [0, 1]);
      assert.deepEqual(r.ignoredColumns, ['Shoe size']);
      assert.equal(r.errorCount, 2);
      assert.deepEqual(
        r.errors.map((e) => [e.line, e.field]),
        [
          [5, 'amount'],
          [7, 'contact_email'],
        ],
      );
      const badType = await cli([file, '--type', 'orders']);
      assert.equal(badType.code, 2, badType.stderr);
      assert.match(badType.stderr, /--type/);

      const { server, url } = await serveCli(data, ENV);
      try {
        const more = join(dir, 'more.csv');
        writeFileSync(
          more,
          'email;stage;stage date\nbob@acme.io;SQL;03.03.2026\nada@acme.io;MQL;02.03.2026\n',
        );
        const there = await cli([more, '--type', 'stages', '--map', 'stage date=stage_changed_at']);
        assert.equal(there.code, 3, there.stderr);
        assert.ok(there.stderr.startsWith(`via the running server at ${url}\n`), there.stderr);
        // a stage change without an id names the column
        assert.match(there.stdout, /line 2: record_id: required/);
        const contacts = await cli([more, '--type', 'contacts', '--json']);
        assert.equal(contacts.code, 0, contacts.stderr + contacts.stdout);
        const c = JSON.parse(contacts.stdout) as Report;
        // bob: a new contact at SQL; ada (known by e-mail, not by c1): a new contact at MQL
        assert.deepEqual([c.rows, c.changes.inserted], [2, 2]);
        for (const [args, flag] of [
          [['--map', 'Id=shoe'], '--map'],
          [['--time-zone', 'Mars/Olympus'], '--time-zone'],
        ] as const) {
          const bad = await cli([file, ...args]);
          assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
          assert.match(bad.stderr, new RegExp(flag));
        }
      } finally {
        await server.stop();
      }
    } finally {
      cleanup();
    }
  },
);
