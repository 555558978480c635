import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStoreUrl } from '../../src/store/store-url.js';
import { benchEngines, benchMemoryLimit, chdbStoreUrl, deriveSizes } from './engines.js';

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

test('BENCH_DERIVE_SIZES: all three by default, huge alone when named, none of huge at 0 visitors', () => {
  assert.deepEqual([...deriveSizes(undefined, 30000)], ['small', 'large', 'huge']);
  assert.deepEqual([...deriveSizes('huge', 30000)], ['huge']);
  assert.deepEqual([...deriveSizes(' Large, small ', 30000)], ['large', 'small']);
  assert.deepEqual([...deriveSizes(undefined, 0)], ['small', 'large']);
  assert.throws(() => deriveSizes('huge', 0), /no world left/);
  assert.throws(() => deriveSizes('medium', 30000), /unknown size "medium"/);
});

test('BENCH_DERIVE_MEMORY_LIMIT: a size as CLOSEDLOOP_MEMORY_LIMIT reads it, unset for the default', () => {
  assert.equal(benchMemoryLimit(undefined), undefined);
  assert.equal(benchMemoryLimit(''), undefined);
  assert.equal(benchMemoryLimit('4GB'), 4e9);
  assert.throws(() => benchMemoryLimit('lots'), /not a size: lots/);
});
