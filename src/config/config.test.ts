import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { tempDir } from '../test-helpers/tmp.js';

test('defaults, then the config file, then the environment, then flags', () => {
  const { dir, cleanup } = tempDir();
  try {
    assert.equal(loadConfig({ env: {}, cwd: dir }).port, 8787);
    writeFileSync(
      join(dir, 'closedloop.config.json'),
      JSON.stringify({ port: 9000, dataDir: '/data' }),
    );
    assert.deepEqual(
      [loadConfig({ env: {}, cwd: dir }).port, loadConfig({ env: {}, cwd: dir }).dataDir],
      [9000, '/data'],
    );
    assert.equal(loadConfig({ env: { PORT: '9100' }, cwd: dir }).port, 9100);
    assert.equal(
      loadConfig({ env: { PORT: '9100' }, cwd: dir, overrides: { port: '9200' } }).port,
      9200,
    );
  } finally {
    cleanup();
  }
});

test('every bad value is reported on its own line, naming where it came from', () => {
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(
      join(dir, 'closedloop.config.json'),
      JSON.stringify({ prot: 1, logLevel: 'loud' }),
    );
    assert.throws(
      () => loadConfig({ env: { PORT: 'abc', CLOSEDLOOP_TRACKER_PATH: 'cl.js' }, cwd: dir }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 4, err.message);
        assert.ok(err.problems.some((p) => p.includes('prot: unknown setting')));
        assert.ok(
          err.problems.some((p) =>
            p.startsWith('PORT: must be an integer from 1 to 65535 (got "abc")'),
          ),
        );
        assert.ok(
          err.problems.some((p) => p.startsWith('closedloop.config.json logLevel: must be one of')),
        );
        assert.ok(err.problems.some((p) => p.startsWith('CLOSEDLOOP_TRACKER_PATH:')));
        return true;
      },
    );
    writeFileSync(join(dir, 'closedloop.config.json'), '{ nope');
    assert.throws(() => loadConfig({ env: {}, cwd: dir }), /not valid JSON/);
  } finally {
    cleanup();
  }
});

test('server limits: trustProxy is a list of addresses or ranges (never true), IPs are truncated by default', () => {
  const { dir, cleanup } = tempDir();
  try {
    const defaults = loadConfig({ env: {}, cwd: dir });
    assert.deepEqual(
      [
        defaults.trustProxy,
        defaults.truncateIps,
        defaults.requestTimeout,
        defaults.headersTimeout,
        defaults.maxConnectionsPerIp,
      ],
      [[], true, 30, 10, 128],
    );
    assert.deepEqual(
      loadConfig({ env: { CLOSEDLOOP_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,loopback' }, cwd: dir })
        .trustProxy,
      ['10.0.0.1', '192.168.0.0/16', 'loopback'],
    );
    assert.deepEqual(
      loadConfig({ env: { CLOSEDLOOP_TRUST_PROXY: 'false' }, cwd: dir }).trustProxy,
      [],
    );
    writeFileSync(
      join(dir, 'closedloop.config.json'),
      JSON.stringify({ trustProxy: ['2001:db8::/32'], truncateIps: false }),
    );
    assert.deepEqual(loadConfig({ env: {}, cwd: dir }).trustProxy, ['2001:db8::/32']);
    assert.equal(loadConfig({ env: {}, cwd: dir }).truncateIps, false);
    writeFileSync(join(dir, 'closedloop.config.json'), JSON.stringify({ trustProxy: true }));
    assert.throws(
      () => loadConfig({ env: {}, cwd: dir }),
      /closedloop\.config\.json trustProxy: must be a list of proxy addresses/,
    );
    assert.throws(
      () => loadConfig({ env: { CLOSEDLOOP_TRUST_PROXY: '10.0.0.0/33' }, cwd: '/nonexistent' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems[0]!.endsWith('"10.0.0.0/33": the prefix length must be 0 to 32'),
    );
    assert.throws(
      () => loadConfig({ env: { CLOSEDLOOP_TRUST_PROXY: 'proxy.local' }, cwd: '/nonexistent' }),
      /"proxy\.local" is not an IP address/,
    );
    assert.throws(
      () => loadConfig({ env: { CLOSEDLOOP_REQUEST_TIMEOUT: '0' }, cwd: '/nonexistent' }),
      /CLOSEDLOOP_REQUEST_TIMEOUT: must be seconds/,
    );
  } finally {
    cleanup();
  }
});

test('control: a postgres:// URL from the file or CLOSEDLOOP_CONTROL, unset by default, never echoed with its password', () => {
  const { dir, cleanup } = tempDir();
  try {
    assert.equal(loadConfig({ env: {}, cwd: dir }).control, undefined);
    const url = 'postgres://closedloop:s3cret@db.internal:5432/control';
    assert.equal(loadConfig({ env: { CLOSEDLOOP_CONTROL: url }, cwd: dir }).control, url);
    writeFileSync(
      join(dir, 'closedloop.config.json'),
      JSON.stringify({ control: 'postgresql://db/control' }),
    );
    assert.equal(loadConfig({ env: {}, cwd: dir }).control, 'postgresql://db/control');
    assert.equal(loadConfig({ env: { CLOSEDLOOP_CONTROL: url }, cwd: dir }).control, url);
    for (const bad of ['mysql://closedloop:s3cret@db/control', 'postgres://', 's3cret']) {
      assert.throws(
        () => loadConfig({ env: { CLOSEDLOOP_CONTROL: bad }, cwd: dir }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.equal(err.problems.length, 1, err.message);
          assert.match(err.problems[0]!, /^CLOSEDLOOP_CONTROL: must be a postgres:\/\//);
          assert.ok(!err.message.includes('s3cret'), err.message);
          return true;
        },
      );
    }
    assert.match(
      (() => {
        try {
          loadConfig({
            env: { CLOSEDLOOP_CONTROL: 'mysql://closedloop:s3cret@db/control' },
            cwd: dir,
          });
          return '';
        } catch (err) {
          return (err as Error).message;
        }
      })(),
      /\(got "mysql:\/\/closedloop@db\/control"\)/,
    );
  } finally {
    cleanup();
  }
});

test('store: CLOSEDLOOP_STORE or the file names the data engine, unset by default (DuckDB); a URL store-url.ts cannot read is refused without its password', () => {
  const { dir, cleanup } = tempDir();
  try {
    assert.equal(loadConfig({ env: {}, cwd: dir }).store, undefined);
    const url = 'clickhouse://closedloop:s3cret@ch.internal:8123/analytics';
    assert.equal(loadConfig({ env: { CLOSEDLOOP_STORE: url }, cwd: dir }).store, url);
    writeFileSync(join(dir, 'closedloop.config.json'), JSON.stringify({ store: 'chdb:///var/ch' }));
    assert.equal(loadConfig({ env: {}, cwd: dir }).store, 'chdb:///var/ch');
    assert.equal(loadConfig({ env: { CLOSEDLOOP_STORE: 'duckdb' }, cwd: dir }).store, 'duckdb');
    for (const bad of [
      'https://closedloop:s3cret@ch.internal/analytics',
      'chdb://relative',
      's3cret',
      'mysql://u:s3cret@h/db',
    ]) {
      assert.throws(
        () => loadConfig({ env: { CLOSEDLOOP_STORE: bad }, cwd: dir }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.equal(err.problems.length, 1, err.message);
          assert.match(
            err.problems[0]!,
            /^CLOSEDLOOP_STORE: must be duckdb \(the default\), clickhouse:\/\//,
          );
          assert.ok(!err.message.includes('s3cret'), err.message);
          return true;
        },
      );
    }
  } finally {
    cleanup();
  }
});
