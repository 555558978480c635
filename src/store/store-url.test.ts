import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseStoreUrl, redactUrl, StoreUrlError } from './store-url.js';

/** Asserts the URL is refused with a message containing `part`, and never the password. */
function refuses(url: string, part: string | RegExp, password?: string): void {
  assert.throws(
    () => parseStoreUrl(url),
    (e: unknown) => {
      assert.ok(e instanceof StoreUrlError, `not a StoreUrlError: ${String(e)}`);
      if (typeof part === 'string') assert.ok(e.message.includes(part), e.message);
      else assert.match(e.message, part);
      if (password) assert.ok(!e.message.includes(password), `password in: ${e.message}`);
      return true;
    },
  );
}

describe('parseStoreUrl', () => {
  test('nothing, or duckdb, is the default embedded DuckDB', () => {
    assert.deepEqual(parseStoreUrl(undefined), { engine: 'duckdb' });
    assert.deepEqual(parseStoreUrl(''), { engine: 'duckdb' });
    assert.deepEqual(parseStoreUrl('  DuckDB '), { engine: 'duckdb' });
  });

  test('clickhouse:// is a server over HTTP: origin, credentials, database, and a display without the password', () => {
    assert.deepEqual(parseStoreUrl('clickhouse://ingest:s3cret@ch.internal:8123/analytics'), {
      engine: 'clickhouse',
      url: 'http://ch.internal:8123',
      username: 'ingest',
      password: 's3cret',
      database: 'analytics',
      display: 'http://ingest@ch.internal:8123/analytics',
    });
  });

  test('clickhouses:// is TLS (https, port 8443 by default); user, password and database have defaults', () => {
    assert.deepEqual(parseStoreUrl('clickhouses://ch.example.com'), {
      engine: 'clickhouse',
      url: 'https://ch.example.com:8443',
      username: 'default',
      password: '',
      database: 'default',
      display: 'https://default@ch.example.com:8443/default',
    });
    const plain = parseStoreUrl('clickhouse://h/');
    assert.equal(plain.engine === 'clickhouse' && plain.url, 'http://h:8123');
  });

  test('percent-escaped credentials are decoded, and an IPv6 host keeps its brackets', () => {
    const loc = parseStoreUrl('clickhouse://us%65r:p%40ss%3Aw%2Frd@[::1]:9000/db_1');
    assert.equal(loc.engine, 'clickhouse');
    if (loc.engine !== 'clickhouse') return;
    assert.equal(loc.username, 'user');
    assert.equal(loc.password, 'p@ss:w/rd');
    assert.equal(loc.url, 'http://[::1]:9000');
    assert.equal(loc.display, 'http://user@[::1]:9000/db_1');
  });

  test('chdb:/// is the embedded engine on an absolute directory, with ?database=', () => {
    assert.deepEqual(parseStoreUrl('chdb:///var/lib/closedloop/ch'), {
      engine: 'chdb',
      path: '/var/lib/closedloop/ch',
      database: 'default',
      display: 'chdb:///var/lib/closedloop/ch',
    });
    const named = parseStoreUrl('chdb:///data/my%20dir?database=closedloop');
    assert.equal(named.engine === 'chdb' && named.path, '/data/my dir');
    assert.equal(named.engine === 'chdb' && named.database, 'closedloop');
  });

  test('bad URLs are refused naming the part at fault, never the password', () => {
    refuses('postgres://u:pw123@h/db', 'unknown scheme "postgres:"', 'pw123');
    refuses('http://u:pw123@h:8123', 'write clickhouse://', 'pw123');
    refuses('https://h:8443', 'write clickhouses://');
    refuses('clickhouse:///db', 'the host is missing');
    refuses('clickhouse://u:pw123@h:8123/a/b', 'one database name', 'pw123');
    refuses('clickhouse://u:pw123@h/my-db', 'database name "my-db"', 'pw123');
    refuses('clickhouse://u:pw123@h/1db', 'database name "1db"', 'pw123');
    refuses('clickhouse://u:pw123@h/db?secure=1', 'unknown parameter "secure"', 'pw123');
    refuses('clickhouse://u:pw%ZZ@h/db', 'the password has a broken %-escape', 'pw%ZZ');
    refuses('clickhouse://u:pw123@h:99999/db', 'not a valid URL', 'pw123');
    refuses('chdb:relative/dir', 'chdb:///absolute/path');
    refuses('chdb://host/dir', 'takes no host');
    refuses('chdb:///', 'the data directory is missing');
    refuses('chdb:///d?db=x', 'unknown parameter "db"');
    refuses('chdb:///d?database=a.b', 'database name "a.b"');
    refuses('not a url', 'not a URL');
  });
});

describe('redactUrl', () => {
  test('leaves the user and host, drops the password', () => {
    assert.equal(redactUrl('clickhouse://u:secret@h:8123/db'), 'clickhouse://u@h:8123/db');
    assert.equal(redactUrl('http://u:secret@h'), 'http://u@h');
    assert.equal(redactUrl('clickhouse://u@h/db'), 'clickhouse://u@h/db');
    assert.equal(redactUrl('chdb:///a/b?database=x'), 'chdb:///a/b?database=x');
  });

  test('errs towards removing more on text that is not a valid URL', () => {
    // an unescaped '/' or '@' in the password: whatever a parser makes of it, the secret goes
    assert.equal(redactUrl('clickhouse://u:se/cr@et@h/db'), 'clickhouse://u@h/db');
    assert.equal(redactUrl('clickhouse://u:12/ss@h'), 'clickhouse://u@h');
    assert.ok(!redactUrl('x://u:top secret@h').includes('top secret'));
  });

  test('hides a password or key given as a parameter', () => {
    assert.equal(
      redactUrl('http://h:8123/?user=u&password=secret&x=1'),
      'http://h:8123/?user=u&password=***&x=1',
    );
    assert.equal(redactUrl('http://h/?KEY=abc'), 'http://h/?KEY=***');
  });
});
