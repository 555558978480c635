// One contract for every ClickHouse connection: each implementation runs the same cases against a real
// engine (chdb in this process; the HTTP client against a local endpoint that executes with chdb).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openTestChdb } from '../../../test-helpers/clickhouse.js';
import { openTestHttp } from '../../../test-helpers/clickhouse-http-endpoint.js';
import { ClickHouseError, parseClickHouseError, type ClickHouseConnection } from './connection.js';

interface Opened {
  conn: ClickHouseConnection;
  database: string;
  close(): Promise<void>;
}

const IMPLEMENTATIONS: Record<string, () => Promise<Opened>> = {
  chdb: openTestChdb,
  // the official client against the local HTTP endpoint, which executes with chdb
  http: openTestHttp,
};

for (const [name, open] of Object.entries(IMPLEMENTATIONS)) {
  describe(`ClickHouse connection: ${name}`, { timeout: 60_000 }, () => {
    const withConn = async (fn: (c: ClickHouseConnection, db: string) => Promise<void>) => {
      const o = await open();
      try {
        await fn(o.conn, o.database);
      } finally {
        await o.close();
      }
    };

    test('binds typed parameters, lists included, and returns 64-bit integers as numbers', () =>
      withConn(async (c) => {
        const rows = await c.query<{ y: number; arr: string[]; s: string; n: number }>(
          'SELECT {x:Int64} + 1 AS y, {a:Array(String)} AS arr, {s:String} AS s, count() AS n FROM numbers(3)',
          { x: 41, a: ['a', "b'c"], s: "it's; DROP TABLE x" },
        );
        assert.deepEqual(rows, [{ y: 42, arr: ['a', "b'c"], s: "it's; DROP TABLE x", n: 3 }]);
      }));

    test('the pinned settings hold on the connection', () =>
      withConn(async (c) => {
        const rows = await c.query<{ name: string; value: string }>(
          `SELECT name, value FROM system.settings
           WHERE name IN ('async_insert', 'join_use_nulls', 'output_format_json_quote_64bit_integers') ORDER BY name`,
        );
        assert.deepEqual(rows, [
          { name: 'async_insert', value: '0' },
          { name: 'join_use_nulls', value: '1' },
          { name: 'output_format_json_quote_64bit_integers', value: '0' },
        ]);
        const joined = await c.query<{ b: number | null }>(
          'SELECT r.b AS b FROM (SELECT 1 AS k) l LEFT JOIN (SELECT 2 AS k, 7 AS b) r ON l.k = r.k',
        );
        assert.deepEqual(joined, [{ b: null }]);
      }));

    test('inserts objects and JSONEachRow text, and reads them back in a table of its database', () =>
      withConn(async (c, db) => {
        await c.command(
          `CREATE TABLE ${db}.t (ws String, n Int64, at DateTime64(3, 'UTC'), tags Array(String))
           ENGINE = MergeTree ORDER BY (ws, n)`,
        );
        await c.insert(`${db}.t`, [
          { ws: 'a', n: 1, at: '2024-01-01T10:00:00.123Z', tags: ['x'] },
          { ws: 'a', n: 2, at: '2024-01-01 10:00:01', tags: [] },
        ]);
        await c.insert(
          `${db}.t`,
          '{"ws":"b","n":3,"at":"2024-01-02T00:00:00Z","tags":["y","z"]}\n',
        );
        await c.insert(`${db}.t`, Buffer.from('{"ws":"b","n":4}\n'), ['ws', 'n']);
        await c.insert(`${db}.t`, []);
        const rows = await c.query(
          `SELECT ws, n, toString(at) AS at, tags FROM ${db}.t WHERE ws IN {w:Array(String)} ORDER BY n`,
          { w: ['a', 'b'] },
        );
        assert.deepEqual(rows, [
          { ws: 'a', n: 1, at: '2024-01-01 10:00:00.123', tags: ['x'] },
          { ws: 'a', n: 2, at: '2024-01-01 10:00:01.000', tags: [] },
          { ws: 'b', n: 3, at: '2024-01-02 00:00:00.000', tags: ['y', 'z'] },
          { ws: 'b', n: 4, at: '1970-01-01 00:00:00.000', tags: [] },
        ]);
      }));

    test('a parameter with quotes, backslashes, tabs and newlines arrives as it was sent', () =>
      withConn(async (c, db) => {
        const nasty = `it's "quoted"; \\ back\\slash \\' \ttab\nnew line\r\n'); DROP TABLE x; -- \\N é`;
        const list = [nasty, "'", '\\', '\n', '', "a','b"];
        const rows = await c.query<{ s: string; a: string[]; n: number }>(
          'SELECT {s:String} AS s, {a:Array(String)} AS a, length({s:String}) AS n',
          { s: nasty, a: list },
        );
        assert.deepEqual(rows, [{ s: nasty, a: list, n: Buffer.byteLength(nasty) }]);
        // the same through a statement that writes it
        await c.command(`CREATE TABLE ${db}.p (s String) ENGINE = MergeTree ORDER BY s`);
        await c.command(`INSERT INTO ${db}.p SELECT arrayJoin({a:Array(String)})`, { a: list });
        const stored = await c.query<{ s: string }>(`SELECT s FROM ${db}.p ORDER BY s`);
        assert.deepEqual(
          stored.map((r) => r.s),
          [...list].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))),
        );
      }));

    test('a list parameter of 5,000 ids (too long for a URL) is bound whole', () =>
      withConn(async (c) => {
        const ids = Array.from({ length: 5000 }, (_, i) => `anon-${i}-${'x'.repeat(20)}`);
        const rows = await c.query<{ n: number; last: number; has: number }>(
          `SELECT length({ids:Array(String)}) AS n, indexOf({ids:Array(String)}, {probe:String}) AS last,
                  has({ids:Array(String)}, 'anon-17-${'x'.repeat(20)}') AS has`,
          { ids, probe: ids[4999] },
        );
        assert.deepEqual(rows, [{ n: 5000, last: 5000, has: 1 }]);
      }));

    test('a large insert: 200,000 rows as NDJSON text', { timeout: 120_000 }, (t) =>
      withConn(async (c, db) => {
        await c.command(
          `CREATE TABLE ${db}.big (ws String, n Int64, at DateTime64(3, 'UTC'), tags Array(String))
           ENGINE = MergeTree ORDER BY (ws, n)`,
        );
        const rows = 200_000;
        let ndjson = '';
        for (let i = 0; i < rows; i++)
          ndjson +=
            JSON.stringify({
              ws: `w${i % 7}`,
              n: i,
              at: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
              tags: i % 3 === 0 ? ['a', `t${i}`] : [],
            }) + '\n';
        const started = performance.now();
        await c.insert(`${db}.big`, Buffer.from(ndjson));
        t.diagnostic(
          `${rows} rows (${(ndjson.length / 1e6).toFixed(1)} MB) inserted in ${Math.round(performance.now() - started)} ms`,
        );
        const [sums] = await c.query<{
          count: number;
          total: number;
          ws: number;
          tags: number;
          last: string;
        }>(
          `SELECT count() AS count, sum(n) AS total, uniqExact(ws) AS ws, sum(length(tags)) AS tags,
                  toString(max(at)) AS last FROM ${db}.big`,
        );
        assert.deepEqual(sums, {
          count: rows,
          total: (rows * (rows - 1)) / 2,
          ws: 7,
          tags: 2 * Math.ceil(rows / 3),
          last: '2024-01-03 07:33:19.000',
        });
      }),
    );

    test('concurrent queries with parameters each get their own answer', () =>
      withConn(async (c) => {
        const answers = await Promise.all(
          Array.from({ length: 24 }, (_, i) =>
            c.query<{ v: number; s: string }>('SELECT {i:Int64} * 2 AS v, {s:String} AS s', {
              i,
              s: `q${i}`,
            }),
          ),
        );
        assert.deepEqual(
          answers,
          Array.from({ length: 24 }, (_, i) => [{ v: i * 2, s: `q${i}` }]),
        );
      }));

    test('an engine error carries its code and name', () =>
      withConn(async (c, db) => {
        await assert.rejects(
          c.query(`SELECT * FROM ${db}.missing`),
          (e: unknown) =>
            e instanceof ClickHouseError && e.code === 60 && e.codeName === 'UNKNOWN_TABLE',
        );
        await assert.rejects(
          c.command('SELEC 1'),
          (e: unknown) => e instanceof ClickHouseError && e.code === 62,
        );
      }));
  });
}

test('parseClickHouseError reads the code and name of a server error text', () => {
  const e = parseClickHouseError(
    'Code: 60. DB::Exception: Table x.y does not exist. (UNKNOWN_TABLE) (version 26.7.2.1)\n',
  );
  assert.equal(e.code, 60);
  assert.equal(e.codeName, 'UNKNOWN_TABLE');
});
