// Every report's output formats through a real listening server: `?format=csv` parsed back with
// csv-parse and `?format=parquet` read back with DuckDB's read_parquet, each equal to the report's table
// form; the Content-Type and Content-Disposition of each; a format or a parameter that is not one is a
// 400 naming it. The pipeline reports run over the hand-computed pipeline world.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { REPORTS } from '../../reports/index.js';
import { leadQuality } from '../../reports/lead-quality.js';
import { qualityWorld } from '../../test-helpers/quality-world.js';
import { clientFor, startTestServer, type TestServer } from '../../test-helpers/server.js';

let s: TestServer;
let api: ReturnType<typeof clientFor>['api'];
before(async () => {
  s = await startTestServer();
  api = clientFor(s).api;
  await qualityWorld(s.store, s.workspace.id);
});
after(() => s.close());

const MARCH = 'from=2026-03-01&to=2026-03-31';

/** The report's table form, as the route would render it, from its JSON answer. */
async function tableOf(name: string, query: string) {
  const report = REPORTS.find((r) => r.name === name)!;
  const json: unknown = await (await api(`/api/reports/${name}?${query}`)).json();
  const params = report.params.parse(Object.fromEntries(new URLSearchParams(query)));
  return report.table(json, params).rows;
}

test('CSV: the table form with a header, as text/csv, an attachment named after the report', async () => {
  const r = await api(`/api/reports/lead-quality?${MARCH}&format=csv`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(r.headers.get('content-disposition'), 'attachment; filename="lead-quality.csv"');
  const rows = parse(await r.text(), { columns: true }) as Record<string, string>[];
  const want = await tableOf('lead-quality', MARCH);
  assert.equal(rows.length, 4);
  assert.deepEqual(Object.keys(rows[0]!), Object.keys(want[0]!));
  // every cell as the table has it (CSV is text: numbers as DuckDB prints them, NULL empty)
  // numbers compared as numbers (DuckDB prints a DOUBLE 1 as 1.0)
  const cell = (v: string, like: unknown) =>
    v === '' ? (like === '' ? '' : null) : typeof like === 'number' ? Number(v) : v;
  assert.deepEqual(
    rows.map((x, i) =>
      Object.fromEntries(Object.entries(x).map(([k, v]) => [k, cell(v, want[i]![k])])),
    ),
    want.map((w) => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v ?? null]))),
  );
  // a cell with the separator is quoted, not split
  assert.equal(
    rows.find((x) => x['first touch channel'] === 'Paid Search')!['lost reasons'],
    'price: 1; timing: 1',
  );
});

test('Parquet: read back by DuckDB, typed columns, the same rows', async () => {
  const r = await api(`/api/reports/lead-quality?${MARCH}&groupBy=channel&format=parquet`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/vnd.apache.parquet');
  assert.equal(r.headers.get('content-disposition'), 'attachment; filename="lead-quality.parquet"');
  const file = join(s.dir, 'lq.parquet');
  writeFileSync(file, Buffer.from(await r.arrayBuffer()));
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const read = await conn.runAndReadAll(
      `SELECT * FROM read_parquet('${file}') ORDER BY "first touch channel"`,
    );
    const types = Object.fromEntries(
      read.columnNames().map((n, i) => [n, read.columnTypes()[i]!.toString()]),
    );
    assert.equal(types.leads, 'BIGINT');
    assert.equal(types['loss rate'], 'DOUBLE');
    assert.equal(types['first touch channel'], 'VARCHAR');
    const rows = read.getRowObjectsJson();
    const want = (await tableOf('lead-quality', `${MARCH}&groupBy=channel`)).sort((a, b) =>
      String(a['first touch channel']).localeCompare(String(b['first touch channel'])),
    );
    // BIGINTs come back as text from getRowObjectsJson: compare as numbers where the table has numbers
    assert.deepEqual(
      rows.map((x) =>
        Object.fromEntries(
          Object.entries(x).map(([k, v]) => [
            k,
            typeof want[0]![k] === 'number' && v !== null ? Number(v) : v,
          ]),
        ),
      ),
      want.map((w) => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v ?? null]))),
    );
  } finally {
    conn.closeSync();
    db.closeSync();
  }
});

test('every report answers in every format', async () => {
  for (const report of REPORTS)
    for (const format of ['json', 'csv', 'parquet']) {
      const r = await api(`/api/reports/${report.name}?format=${format}`);
      assert.equal(
        r.status,
        200,
        `${report.name} ${format}: ${r.status} ${await r.clone().text()}`,
      );
      await r.arrayBuffer();
    }
});

test('a format, a day, a dimension or a parameter that is not one: 400 naming it', async () => {
  for (const [path, field] of [
    ['/api/reports/lead-quality?format=xml', 'format'],
    ['/api/reports/costs?format=CSV', 'format'],
    ['/api/reports/lead-quality?from=2026-03-10&to=2026-03-01', 'to'],
    ['/api/reports/lead-quality?groupBy=channel,colour', 'groupBy'],
    ['/api/reports/lead-quality?from=March', 'from'],
    ['/api/reports/sales-cycle?from=2026-03-10&to=2026-03-01', 'to'],
    ['/api/reports/sales-cycle?groupBy=keyword', 'groupBy'],
    ['/api/reports/sales-cycle?to=2026-02-30', 'to'],
    ['/api/reports/subscriptions?from=2026-05&to=2026-04', 'to'],
    ['/api/reports/subscriptions?to=2026-13', 'to'],
    ['/api/reports/subscriptions?from=2000-01&to=2026-04', 'from'],
    ['/api/reports/subscriptions?groupBy=keyword', 'groupBy'],
    ['/api/reports/subscriptions?format=pdf', 'format'],
  ] as const) {
    const r = await api(path);
    assert.equal(r.status, 400, path);
    const body = (await r.json()) as { error: { field: string } };
    assert.equal(body.error.field, field, `${path}: ${JSON.stringify(body)}`);
  }
  void leadQuality;
  // a parameter no report knows: the strict schema's refusal names it in its message
  const r = await api('/api/reports/lead-quality?colour=red');
  assert.equal(r.status, 400);
  assert.match(((await r.json()) as { error: { message: string } }).error.message, /colour/);
});
