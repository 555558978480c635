// Reading a request as ClickHouse's HTTP interface does, on real requests to a real node:http server.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { authenticate, authWay, readForm, Refusal } from './clickhouse-http-request.js';

interface Reading {
  query: string;
  settings: Record<string, string>;
  params: Record<string, string>;
  auth: string;
  refused?: string;
}

describe('reading a ClickHouse HTTP request', () => {
  let server: http.Server;
  let base: string;
  before(async () => {
    // answers with what it read, or the refusal
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      readForm(req, url)
        .then((form) => {
          const out: Reading = {
            query: form.query,
            settings: form.settings,
            params: form.params,
            auth: authWay(req, url),
          };
          try {
            authenticate(req, form, 'u', 'pw');
          } catch (e) {
            out.refused = e instanceof Refusal ? e.message : String(e);
          }
          res.end(JSON.stringify(out));
        })
        .catch((e: unknown) => res.end(JSON.stringify({ refused: String(e) })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const read = async (path: string, init: RequestInit = {}): Promise<Reading> =>
    (await (await fetch(base + path, { method: 'POST', ...init })).json()) as Reading;

  test('settings are the fields neither reserved nor param_; the first param_ of a name wins', async () => {
    const r = await read(
      '/?query_id=q&database=d&default_format=JSON&user=u&password=pw&session_timeout=5' +
        '&join_use_nulls=1&param_a=1&param_a=2&param_b=%5B%27x%27%5D&max_threads=2',
      { body: 'SELECT 1' },
    );
    assert.deepEqual(r.settings, { join_use_nulls: '1', max_threads: '2' });
    assert.deepEqual(r.params, { a: '1', b: "['x']" });
    assert.equal(r.query, 'SELECT 1');
    assert.equal(r.auth, 'params');
    assert.equal(r.refused, undefined);
  });

  test('the query: the parameter, a line break, the body, decompressed', async () => {
    const r = await read('/?query=INSERT%20INTO%20t%20FORMAT%20JSONEachRow', {
      headers: { 'Content-Encoding': 'gzip' },
      body: zlib.gzipSync('{"n":1}\n'),
    });
    assert.equal(r.query, 'INSERT INTO t FORMAT JSONEachRow\n{"n":1}\n');
  });

  test('a multipart body: its query and param_ fields', async () => {
    const form = new FormData();
    form.append('query', 'SELECT {a:String}');
    form.append('param_a', 'line\\none');
    const r = await read('/?max_threads=1', { body: form });
    assert.equal(r.query, 'SELECT {a:String}');
    assert.deepEqual(r.params, { a: 'line\\none' });
    assert.deepEqual(r.settings, { max_threads: '1' });
  });

  test('credentials: one way at a time, each checked', async () => {
    const basic = (user: string, pw: string) =>
      `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
    const ok = await read('/', { headers: { Authorization: basic('u', 'pw') }, body: 'SELECT 1' });
    assert.equal(ok.auth, 'basic');
    assert.equal(ok.refused, undefined);
    const headers = await read('/', {
      headers: { 'X-ClickHouse-User': 'u', 'X-ClickHouse-Key': 'pw' },
      body: 'SELECT 1',
    });
    assert.equal(headers.auth, 'headers');
    assert.equal(headers.refused, undefined);
    const wrong = await read('/', {
      headers: { Authorization: basic('u', 'x') },
      body: 'SELECT 1',
    });
    assert.match(wrong.refused ?? '', /^Code: 516\. .*\(AUTHENTICATION_FAILED\)$/);
    const both = await read('/?user=u', {
      headers: { 'X-ClickHouse-User': 'u', 'X-ClickHouse-Key': 'pw' },
      body: 'SELECT 1',
    });
    assert.match(both.refused ?? '', /X-ClickHouse HTTP headers and authentication via parameters/);
    const empty = await read('/', {
      headers: { Authorization: basic('', 'pw') },
      body: 'SELECT 1',
    });
    assert.match(empty.refused ?? '', /empty user name/);
  });
});
