// The test endpoint itself, through plain HTTP requests rather than the client: so a fault in the
// endpoint cannot hide behind a client that happens to tolerate it.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { freshDatabase } from './clickhouse.js';
import {
  startClickHouseHttpEndpoint,
  type ClickHouseHttpEndpoint,
} from './clickhouse-http-endpoint.js';

const USER = 'tester';
const PASSWORD = 'pw-endpoint-5521';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as sent (still compressed, if it was). */
  raw: Buffer;
  /** The body decompressed by its Content-Encoding. */
  text: string;
}

interface Call {
  method?: string;
  path?: string;
  params?: Record<string, string>;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Default: Basic auth with the endpoint's user. */
  auth?: 'basic' | 'none';
}

/** One raw HTTP request to the endpoint (node:http, so nothing is decompressed behind our back). */
function call(ep: ClickHouseHttpEndpoint, c: Call): Promise<Answer> {
  const url = new URL(c.path ?? '/', ep.url);
  for (const [k, v] of Object.entries(c.params ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { ...c.headers };
  if ((c.auth ?? 'basic') === 'basic')
    headers.Authorization = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: c.method ?? 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('error', reject);
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const enc = res.headers['content-encoding'];
        const plain =
          enc === 'gzip'
            ? zlib.gunzipSync(raw)
            : enc === 'deflate'
              ? zlib.inflateSync(raw)
              : enc === 'br'
                ? zlib.brotliDecompressSync(raw)
                : raw;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, text: plain.toString() });
      });
    });
    req.on('error', reject);
    req.end(c.body);
  });
}

/** Asserts a ClickHouse error answer: status, code header, and the exception text. */
function assertError(a: Answer, status: number, code: number, name: string): void {
  assert.equal(a.status, status, a.text);
  assert.equal(a.headers['x-clickhouse-exception-code'], String(code));
  assert.match(
    a.text,
    new RegExp(`^Code: ${code}\\. DB::Exception: .*\\(${name}\\) \\(version [^)]+\\)\\n$`, 's'),
  );
}

describe('the ClickHouse HTTP test endpoint', { timeout: 60_000 }, () => {
  let ep: ClickHouseHttpEndpoint;
  let db: string;
  before(async () => {
    ep = await startClickHouseHttpEndpoint({ user: USER, password: PASSWORD });
    db = freshDatabase();
    const created = await call(ep, { body: `CREATE DATABASE ${db}` });
    assert.equal(created.status, 200, created.text);
  });
  after(async () => {
    await call(ep, { body: `DROP DATABASE IF EXISTS ${db}` });
    await ep.close();
  });

  test('/ping and a bare GET / answer "Ok." without credentials', async () => {
    for (const path of ['/ping', '/']) {
      const a = await call(ep, { method: 'GET', path, auth: 'none' });
      assert.equal(a.status, 200);
      assert.equal(a.text, 'Ok.\n');
    }
    const missing = await call(ep, { method: 'GET', path: '/play' });
    assert.equal(missing.status, 404);
  });

  test('a query in the body: the result in TabSeparated, with the server headers', async () => {
    const a = await call(ep, {
      body: "SELECT 1 AS x, 'a\tb' AS y",
      params: { query_id: 'q-123' },
    });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.text, '1\ta\\tb\n');
    assert.equal(a.headers['x-clickhouse-format'], 'TabSeparated');
    assert.equal(a.headers['x-clickhouse-query-id'], 'q-123');
    assert.ok(a.headers['x-clickhouse-timezone']);
    assert.equal(a.headers['x-clickhouse-server-display-name'], 'closedloop-test-endpoint');
    assert.match(String(a.headers['content-type']), /^text\/tab-separated-values/);
    const summary = JSON.parse(String(a.headers['x-clickhouse-summary'])) as Record<string, string>;
    assert.equal(summary.result_bytes, String(a.raw.length));
    for (const v of Object.values(summary)) assert.match(v, /^\d+$/);
    const generated = await call(ep, { body: 'SELECT 1' });
    assert.match(String(generated.headers['x-clickhouse-query-id']), /^[0-9a-f-]{36}$/);
  });

  test('the query parameter, a line break, then the body; default_format, or the FORMAT clause', async () => {
    const a = await call(ep, {
      params: { query: 'SELECT 2 AS a,', default_format: 'JSONEachRow' },
      body: '3 AS b',
    });
    assert.equal(a.text, '{"a":2,"b":3}\n');
    assert.equal(a.headers['x-clickhouse-format'], 'JSONEachRow');
    const own = await call(ep, {
      params: { default_format: 'JSONEachRow' },
      body: 'SELECT 4 AS c \nFORMAT CSVWithNames',
    });
    assert.equal(own.text, '"c"\n4\n');
    assert.equal(own.headers['x-clickhouse-format'], 'CSVWithNames');
  });

  test('param_ parameters are read by the type the query declares', async () => {
    const a = await call(ep, {
      params: {
        default_format: 'JSONEachRow',
        // as the client writes them: escaped text for a scalar, a quoted literal for an array
        param_s: "it\\'s\\ta \\\\ b\\nc",
        param_a: "['x','y\\'z','\\\\n']",
        param_t: "(1,'two')",
        param_m: "{'k':[1,2]}",
        param_n: '\\N',
        param_i: '42',
      },
      body:
        'SELECT {s:String} AS s, {a:Array(String)} AS a, {t:Tuple(Int64, String)} AS t, ' +
        '{m:Map(String, Array(Int64))} AS m, {n:Nullable(Int64)} AS n, {i:Int64} + 1 AS i',
    });
    assert.equal(a.status, 200, a.text);
    assert.deepEqual(JSON.parse(a.text), {
      s: "it's\ta \\ b\nc",
      a: ['x', "y'z", '\\n'],
      t: ['1', 'two'],
      m: { k: ['1', '2'] },
      n: null,
      i: '43',
    });
  });

  test('settings in the URL apply to that request alone; an unknown one is refused', async () => {
    const q = "SELECT getSetting('join_use_nulls') AS j FORMAT JSONEachRow";
    assert.equal(
      (await call(ep, { params: { join_use_nulls: '1' }, body: q })).text,
      '{"j":true}\n',
    );
    assert.equal((await call(ep, { body: q })).text, '{"j":false}\n');
    // the request starts from server-like settings, not chdb's own
    const quoted = await call(ep, { body: 'SELECT toInt64(7) AS n FORMAT JSONEachRow' });
    assert.equal(quoted.text, '{"n":"7"}\n');
    assertError(
      await call(ep, { params: { no_such_setting: '1' }, body: 'SELECT 1' }),
      404,
      115,
      'UNKNOWN_SETTING',
    );
    assertError(
      await call(ep, { params: { 'bad name': '1' }, body: 'SELECT 1' }),
      404,
      115,
      'UNKNOWN_SETTING',
    );
  });

  test('database sets the current database; a missing one is refused', async () => {
    const a = await call(ep, { params: { database: db }, body: 'SELECT currentDatabase()' });
    assert.equal(a.text, `${db}\n`);
    assertError(
      await call(ep, { params: { database: 'no_such_db' }, body: 'SELECT 1' }),
      404,
      81,
      'UNKNOWN_DATABASE',
    );
  });

  test('GET is readonly: it reads, and may not write', async () => {
    const read = await call(ep, { method: 'GET', params: { query: 'SELECT 5' } });
    assert.equal(read.text, '5\n');
    assertError(
      await call(ep, {
        method: 'GET',
        params: { query: `CREATE TABLE ${db}.ro (a Int8) ENGINE = Memory` },
      }),
      500,
      164,
      'READONLY',
    );
  });

  test('INSERT ... FORMAT JSONEachRow: the statement in the URL, the rows in a gzip body', async () => {
    await call(ep, {
      body: `CREATE TABLE ${db}.ins (n Int64, s String) ENGINE = MergeTree ORDER BY n`,
    });
    const rows = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ n: i, s: `r${i}` })).join(
      '\n',
    );
    const a = await call(ep, {
      params: { query: `INSERT INTO ${db}.ins FORMAT JSONEachRow` },
      headers: { 'Content-Encoding': 'gzip' },
      body: zlib.gzipSync(rows),
    });
    assert.equal(a.status, 200, a.text);
    const count = await call(ep, { body: `SELECT count(), sum(n) FROM ${db}.ins` });
    assert.equal(count.text, '1000\t499500\n');
  });

  test('request bodies in gzip, deflate or br; others refused', async () => {
    const body = 'SELECT 6';
    for (const [encoding, packed] of [
      ['gzip', zlib.gzipSync(body)],
      ['deflate', zlib.deflateSync(body)],
      ['br', zlib.brotliCompressSync(body)],
    ] as const) {
      const a = await call(ep, { headers: { 'Content-Encoding': encoding }, body: packed });
      assert.equal(a.text, '6\n', encoding);
    }
    assertError(
      await call(ep, { headers: { 'Content-Encoding': 'zstd' }, body: 'x' }),
      501,
      48,
      'NOT_IMPLEMENTED',
    );
  });

  test('a response is compressed only when enable_http_compression=1 and the client accepts it', async () => {
    const body = 'SELECT number FROM numbers(1000)';
    const plain = await call(ep, { headers: { 'Accept-Encoding': 'gzip' }, body });
    assert.equal(plain.headers['content-encoding'], undefined);
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const packed = await call(ep, {
        params: { enable_http_compression: '1' },
        headers: { 'Accept-Encoding': encoding },
        body,
      });
      assert.equal(packed.headers['content-encoding'], encoding);
      assert.ok(packed.raw.length < plain.raw.length);
      assert.equal(packed.text, plain.text);
    }
    // an error of the query is compressed as its result would have been
    const failed = await call(ep, {
      params: { enable_http_compression: '1' },
      headers: { 'Accept-Encoding': 'gzip' },
      body: 'SELECT * FROM no_such_table',
    });
    assert.equal(failed.headers['content-encoding'], 'gzip');
    assertError(failed, 404, 60, 'UNKNOWN_TABLE');
  });

  test("errors: the exception text, its code in a header, and the server's status for it", async () => {
    assertError(await call(ep, { body: 'SELEC 1' }), 400, 62, 'SYNTAX_ERROR');
    assertError(await call(ep, { body: 'SELECT nosuchfn(1)' }), 404, 46, 'UNKNOWN_FUNCTION');
    assertError(
      await call(ep, { body: 'SELECT throwIf(1)' }),
      500,
      395,
      'FUNCTION_THROW_IF_VALUE_IS_NON_ZERO',
    );
    assertError(await call(ep, { body: '' }), 400, 62, 'SYNTAX_ERROR');
  });

  test('credentials: Basic, X-ClickHouse headers or parameters, one way at a time', async () => {
    const ok = (a: Answer) => assert.equal(a.text, '1\n', a.text);
    ok(await call(ep, { body: 'SELECT 1' }));
    ok(
      await call(ep, {
        auth: 'none',
        headers: { 'X-ClickHouse-User': USER, 'X-ClickHouse-Key': PASSWORD },
        body: 'SELECT 1',
      }),
    );
    ok(
      await call(ep, {
        auth: 'none',
        params: { user: USER, password: PASSWORD },
        body: 'SELECT 1',
      }),
    );
    const refused = [
      await call(ep, { auth: 'none', body: 'SELECT 1' }), // the default user, not configured
      await call(ep, { auth: 'none', params: { user: USER, password: 'nope' }, body: 'SELECT 1' }),
      await call(ep, {
        auth: 'none',
        headers: { 'X-ClickHouse-User': 'someone', 'X-ClickHouse-Key': PASSWORD },
        body: 'SELECT 1',
      }),
      await call(ep, { params: { user: USER }, body: 'SELECT 1' }), // Basic and parameters
      await call(ep, {
        auth: 'none',
        headers: { Authorization: 'Bearer abc' },
        body: 'SELECT 1',
      }),
    ];
    for (const a of refused) assertError(a, 403, 516, 'AUTHENTICATION_FAILED');
    assert.match(
      refused[3]!.text,
      /not allowed to use Authorization HTTP header and authentication via parameters simultaneously/,
    );
    // a refusal never echoes a password, nor does the request log keep one
    for (const a of refused) assert.ok(!a.text.includes(PASSWORD));
    assert.ok(!JSON.stringify(ep.requests).includes(PASSWORD));
  });

  test('a multipart body carries the query and param_ fields', async () => {
    const boundary = '----test-boundary-1';
    const part = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const a = await call(ep, {
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body:
        part(
          'query',
          'SELECT length({ids:Array(String)}) AS n, {s:String} AS s FORMAT JSONEachRow',
        ) +
        part('param_ids', `[${Array.from({ length: 3000 }, (_, i) => `'id-${i}'`).join(',')}]`) +
        part('param_s', 'two\\nlines') +
        `--${boundary}--\r\n`,
    });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.text, '{"n":"3000","s":"two\\nlines"}\n');
  });

  test('what it does not do is refused plainly: sessions, native compression, external tables', async () => {
    assertError(
      await call(ep, { params: { session_id: 's1' }, body: 'SELECT 1' }),
      501,
      48,
      'NOT_IMPLEMENTED',
    );
    assertError(
      await call(ep, { params: { compress: '1' }, body: 'SELECT 1' }),
      501,
      48,
      'NOT_IMPLEMENTED',
    );
    const boundary = 'b2';
    assertError(
      await call(ep, {
        headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
        body: `--${boundary}\r\nContent-Disposition: form-data; name="t"; filename="t.tsv"\r\n\r\n1\r\n--${boundary}--\r\n`,
      }),
      501,
      48,
      'NOT_IMPLEMENTED',
    );
  });
});
