// `closedloop report <name> --format csv|parquet [--output FILE]`: the table form as CSV on standard
// output, as a Parquet file DuckDB reads back, and a format that is not one refused naming --format.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { cliWorkspaceWith, runCli, TWO_LEADS } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

test('closedloop report --format csv and parquet; a bad format names --format', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = await cliWorkspaceWith(dir, TWO_LEADS);
    const args = (...more: string[]) => [
      ...['report', 'lead-quality', '--workspace', ws, '--data-dir', dir],
      ...['--from', '2026-05-01', '--to', '2026-05-31', '--group-by', 'channel', ...more],
    ];
    const csv = await runCli(args('--format', 'csv'));
    assert.equal(csv.code, 0, csv.stderr);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    // one lead from a Google Ads click, one from the newsletter, neither qualified yet
    assert.deepEqual(rows.map((r) => [r['first touch channel'], r.leads, r.qualified]).sort(), [
      ['Email', '1', '0'],
      ['Paid Search', '1', '0'],
    ]);

    const file = join(dir, 'lq.parquet');
    const pq = await runCli(args('--format', 'parquet', '--output', file));
    assert.equal(pq.code, 0, pq.stderr);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const read = await conn.runAndReadAll(
        `SELECT "first touch channel" AS channel, leads FROM read_parquet('${file}') ORDER BY 1`,
      );
      assert.deepEqual(read.getRowObjectsJson(), [
        { channel: 'Email', leads: '1' },
        { channel: 'Paid Search', leads: '1' },
      ]);
    } finally {
      conn.closeSync();
      db.closeSync();
    }

    const bad = await runCli(args('--format', 'xml'));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format/);
  } finally {
    cleanup();
  }
});
