// The HTTP connection's own behaviour, beyond the shared contract (connection.test.ts): what it sends
// (seen by the local endpoint), how it opens, and how it fails. Every failure names the URL and never
// the password.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { after, before, describe, test } from 'node:test';
import {
  openTestHttp,
  startClickHouseHttpEndpoint,
  type ClickHouseHttpEndpoint,
} from '../../../test-helpers/clickhouse-http-endpoint.js';
import { freePort } from '../../../test-helpers/port.js';
import { ClickHouseError } from './connection.js';
import { openHttpConnection } from './http-connection.js';

const PASSWORD = 'pw-correct-horse-7731';
const WRONG = 'pw-wrong-battery-0042';

/** Everything an error could show: message, stack, String(), inspect() with its causes. */
function everything(e: unknown): string {
  return [String(e), e instanceof Error ? e.stack : '', inspect(e, { depth: 5 })].join('\n');
}

describe('openHttpConnection', { timeout: 60_000 }, () => {
  let endpoint: ClickHouseHttpEndpoint;
  before(async () => {
    endpoint = await startClickHouseHttpEndpoint({ user: 'closedloop', password: PASSWORD });
  });
  after(() => endpoint.close());

  test('opens on the right credentials; neither toString nor inspect shows the password', async () => {
    const conn = await openHttpConnection(endpoint.url, {
      username: 'closedloop',
      password: PASSWORD,
    });
    try {
      assert.equal(conn.kind, 'http');
      assert.deepEqual(await conn.query('SELECT 1 AS one'), [{ one: 1 }]);
      const port = new URL(endpoint.url).port;
      assert.equal(
        String(conn),
        `ClickHouse over HTTP at http://closedloop@127.0.0.1:${port}/default`,
      );
      for (const shown of [String(conn), inspect(conn, { depth: 5 }), JSON.stringify(conn)])
        assert.ok(!shown.includes(PASSWORD), shown);
    } finally {
      await conn.close();
    }
  });

  test('wrong credentials: a clear error naming the URL, without either password', async () => {
    const port = new URL(endpoint.url).port;
    for (const [username, password] of [
      ['closedloop', WRONG],
      ['intruder', PASSWORD],
    ] as const) {
      const error = await openHttpConnection(endpoint.url, { username, password }).then(
        () => assert.fail('opened with wrong credentials'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ClickHouseError, everything(error));
      assert.equal(error.code, 516);
      assert.equal(error.codeName, 'AUTHENTICATION_FAILED');
      assert.equal(
        error.message,
        `ClickHouse at http://${username}@127.0.0.1:${port}/default refused the credentials (code 516 AUTHENTICATION_FAILED)`,
      );
      for (const secret of [PASSWORD, WRONG]) assert.ok(!everything(error).includes(secret));
    }
  });

  test('endpoint down: a clear error naming the URL, without the password', async () => {
    const port = await freePort();
    const error = await openHttpConnection(`http://127.0.0.1:${port}`, {
      username: 'closedloop',
      password: PASSWORD,
      database: 'events',
    }).then(
      () => assert.fail('opened a port nothing listens on'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof Error);
    assert.equal(
      error.message,
      `cannot reach ClickHouse at http://closedloop@127.0.0.1:${port}/events: ECONNREFUSED`,
    );
    assert.ok(!everything(error).includes(PASSWORD));
  });

  test('an endpoint that never answers: refused once the connect timeout passes', async () => {
    // accepts connections and reads requests, but never answers
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const started = Date.now();
      await assert.rejects(
        openHttpConnection(`http://127.0.0.1:${port}`, { connectTimeoutMs: 300 }),
        {
          message: `cannot reach ClickHouse at http://default@127.0.0.1:${port}/default: no answer within 0.3 s`,
        },
      );
      assert.ok(Date.now() - started < 5_000);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('a database that does not exist is refused on open, with its code', async () => {
    await assert.rejects(
      openHttpConnection(endpoint.url, {
        username: 'closedloop',
        password: PASSWORD,
        database: 'no_such_db',
      }),
      (e: unknown) =>
        e instanceof ClickHouseError &&
        e.code === 81 &&
        e.codeName === 'UNKNOWN_DATABASE' &&
        e.message.startsWith(
          `ClickHouse at http://closedloop@127.0.0.1:${new URL(endpoint.url).port}/no_such_db refused the check query:`,
        ) &&
        !e.message.includes(PASSWORD),
    );
  });

  test('a URL that carries credentials or a path is refused without echoing the password', async () => {
    await assert.rejects(openHttpConnection(`http://u:${PASSWORD}@127.0.0.1:1`), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, /as options, not in the URL \(http:\/\/127\.0\.0\.1:1\)/);
      assert.ok(!everything(e).includes(PASSWORD));
      return true;
    });
    await assert.rejects(
      openHttpConnection('http://127.0.0.1:1/db'),
      /give the database as an option/,
    );
    await assert.rejects(openHttpConnection(`ftp://u:${PASSWORD}@h`), (e: unknown) => {
      assert.ok(e instanceof Error && !everything(e).includes(PASSWORD), everything(e));
      return true;
    });
  });

  test('the server going away mid-use: an error naming the URL', async () => {
    const own = await startClickHouseHttpEndpoint({ user: 'closedloop', password: PASSWORD });
    const conn = await openHttpConnection(own.url, { username: 'closedloop', password: PASSWORD });
    await own.close();
    try {
      await assert.rejects(conn.query('SELECT 1'), (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.match(e.message, /^ClickHouse at http:\/\/closedloop@127\.0\.0\.1:\d+\/default: /);
        assert.ok(!everything(e).includes(PASSWORD));
        return true;
      });
    } finally {
      await conn.close();
    }
    await assert.rejects(conn.query('SELECT 1'), /is closed/);
  });
});

describe('what the HTTP connection sends', { timeout: 60_000 }, () => {
  test('gzip both ways, the pinned settings on every request, credentials in a header', async () => {
    const o = await openTestHttp();
    try {
      const before = o.endpoint.requests.length;
      await o.conn.command(`CREATE TABLE ${o.database}.g (n Int64) ENGINE = MergeTree ORDER BY n`);
      await o.conn.insert(`${o.database}.g`, [{ n: 1 }, { n: 2 }]);
      await o.conn.insert(`${o.database}.g`, '{"n":3}\n');
      assert.deepEqual(await o.conn.query(`SELECT sum(n) AS s FROM ${o.database}.g`), [{ s: 6 }]);
      const seen = o.endpoint.requests.slice(before);
      assert.equal(seen.length, 4);
      for (const r of seen) {
        assert.equal(r.auth, 'basic');
        assert.equal(r.settings.join_use_nulls, '1');
        assert.equal(r.settings.output_format_json_quote_64bit_integers, '0');
        assert.equal(r.settings.date_time_input_format, 'best_effort');
        assert.equal(r.settings.async_insert, '0');
        assert.equal(r.settings.mutations_sync, '2');
        assert.equal(r.settings.password, undefined);
      }
      const [create, objects, text, select] = seen as [
        (typeof seen)[0],
        (typeof seen)[0],
        (typeof seen)[0],
        (typeof seen)[0],
      ];
      assert.match(create.query, /^CREATE TABLE/);
      // both kinds of insert: the rows in a gzip body, the statement in the URL
      for (const insert of [objects, text]) {
        assert.match(insert.query, /^INSERT INTO \S+\.g FORMAT JSONEachRow\n/);
        assert.equal(insert.contentEncoding, 'gzip');
      }
      // a query's result comes back gzip-compressed
      assert.match(select.query, /^SELECT sum\(n\)/);
      assert.equal(select.settings.enable_http_compression, '1');
      assert.match(select.acceptEncoding ?? '', /gzip/);
      assert.equal(select.responseEncoding, 'gzip');
    } finally {
      await o.close();
    }
  });

  test('an error answer is read through its compression too', async () => {
    const o = await openTestHttp();
    try {
      await assert.rejects(
        o.conn.query('SELECT * FROM no_such_table'),
        (e: unknown) => e instanceof ClickHouseError && e.code === 60,
      );
      const last = o.endpoint.requests.at(-1)!;
      assert.equal(last.status, 404);
      assert.equal(last.responseEncoding, 'gzip');
    } finally {
      await o.close();
    }
  });

  test('small parameters go in the URL, large ones in a multipart body', async () => {
    const o = await openTestHttp();
    try {
      const before = o.endpoint.requests.length;
      await o.conn.query('SELECT length({a:Array(String)}) AS n', { a: ['x', 'y'] });
      const big = Array.from({ length: 1000 }, (_, i) => `id-${i}`);
      assert.deepEqual(await o.conn.query('SELECT length({a:Array(String)}) AS n', { a: big }), [
        { n: 1000 },
      ]);
      const [small, large] = o.endpoint.requests.slice(before);
      assert.deepEqual(small!.params, ['a']);
      assert.equal(small!.contentType, undefined);
      assert.deepEqual(large!.params, ['a']);
      assert.match(large!.contentType ?? '', /^multipart\/form-data; boundary=/);
    } finally {
      await o.close();
    }
  });
});
