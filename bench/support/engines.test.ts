import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStoreUrl } from '../../src/store/store-url.js';
import { benchEngines, chdbStoreUrl } from './engines.js';

test('BENCH_ENGINES: both when unset or empty, DuckDB first, names trimmed and case-blind', () => {
  assert.deepEqual(benchEngines(undefined), ['duckdb', 'clickhouse']);
  assert.deepEqual(benchEngines(' '), ['duckdb', 'clickhouse']);
  assert.deepEqual(benchEngines('duckdb'), ['duckdb']);
  assert.deepEqual(benchEngines('ClickHouse'), ['clickhouse']);
  assert.deepEqual(benchEngines('clickhouse, duckdb'), ['duckdb', 'clickhouse']);
});

test('BENCH_ENGINES: an unknown engine stops the bench, naming it', () => {
  assert.throws(() => benchEngines('duckdb,postgres'), /unknown engine "postgres"/);
});

test('the chdb store URL of a bench directory reads back as its clickhouse/ folder, odd names too', () => {
  for (const dir of ['/tmp/bench-x', '/tmp/a b/50%#?x']) {
    const location = parseStoreUrl(chdbStoreUrl(dir));
    assert.equal(location.engine, 'chdb');
    assert.equal(location.engine === 'chdb' && location.path, `${dir}/clickhouse`);
  }
});
