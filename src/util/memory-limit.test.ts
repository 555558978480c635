import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultMemoryLimit,
  formatByteSize,
  machineMemory,
  MIN_MEMORY_LIMIT,
  parseByteSize,
  threadsFor,
} from './memory-limit.js';

test('sizes: DuckDB units (KB..TB powers of 1000, KiB..TiB powers of 1024), any case, optional space', () => {
  assert.equal(parseByteSize('2GB'), 2_000_000_000);
  assert.equal(parseByteSize('2gb'), 2_000_000_000);
  assert.equal(parseByteSize('1.5 GiB'), 1.5 * 1024 ** 3);
  assert.equal(parseByteSize('512MB'), 512_000_000);
  assert.equal(parseByteSize('512MiB'), 512 * 1024 ** 2);
  assert.equal(parseByteSize('300000000'), 300_000_000);
  assert.equal(parseByteSize(300_000_000), 300_000_000);
  assert.equal(parseByteSize('1TB'), 1e12);
});

test('sizes: anything else is not a size', () => {
  for (const bad of [
    '',
    'GB',
    '2 G B',
    '-1GB',
    '2XB',
    '2GB extra',
    '0',
    '1e9',
    'lots',
    '2,000MB',
  ]) {
    assert.equal(parseByteSize(bad), undefined, bad);
  }
  assert.equal(parseByteSize(0), undefined);
  assert.equal(parseByteSize(1.5), undefined);
  assert.equal(parseByteSize(-5), undefined);
});

test('the default is half of the memory this process may use, never below the minimum', () => {
  const d = defaultMemoryLimit();
  assert.ok(d >= MIN_MEMORY_LIMIT);
  assert.ok(
    Math.abs(d - machineMemory() / 2) <= 1_000_000 || d === MIN_MEMORY_LIMIT,
    `${d} vs ${machineMemory()}`,
  );
});

test('threads: about one per GB of the limit, at least one, at most the cores', () => {
  assert.equal(threadsFor(256e6, 8), 1);
  assert.equal(threadsFor(999e6, 8), 1);
  assert.equal(threadsFor(2e9, 8), 2);
  assert.equal(threadsFor(2e9, 1), 1);
  assert.equal(threadsFor(64e9, 4), 4);
});

test('sizes are printed for people', () => {
  assert.equal(formatByteSize(2e9), '2 GB');
  assert.equal(formatByteSize(1.25e9), '1.25 GB');
  assert.equal(formatByteSize(256e6), '256 MB');
});
