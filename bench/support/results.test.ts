import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BenchSuite } from '../types.js';
import { mergeResults, resultsMarkdown } from './results.js';

const suite = (commit: string, value: number, dirty = false): BenchSuite => ({
  commit,
  dirty,
  machine: { cores: 2, cpu: 'x', memoryGiB: 8, node: 'v20' },
  date: '2026-12-06T00:00:00Z',
  results: [{ name: 'rate', value, unit: 'events/s', min: value - 1, max: value + 1, runs: 3 }],
});

test('a full run replaces every suite; a partial run only its own', () => {
  const before = {
    suites: { a: suite('c1'.padEnd(40, '0'), 1), b: suite('c1'.padEnd(40, '0'), 2) },
  };
  assert.deepEqual(
    Object.keys(mergeResults(before, { a: suite('c2'.padEnd(40, '0'), 3) }, true).suites),
    ['a'],
  );
  const partial = mergeResults(before, { a: suite('c2'.padEnd(40, '0'), 3) }, false);
  assert.deepEqual(Object.keys(partial.suites), ['a', 'b']);
  assert.equal(partial.suites.a!.commit.slice(0, 2), 'c2');
  assert.equal(partial.suites.b!.commit.slice(0, 2), 'c1');
});

test("the markdown names each suite's commit and says plainly when suites differ", () => {
  const one = resultsMarkdown({
    suites: { a: suite('aaaa'.padEnd(40, '0'), 1), b: suite('aaaa'.padEnd(40, '0'), 2) },
  });
  assert.match(one, /Every suite below was measured on commit aaaa0000/);
  assert.doesNotMatch(one, /different commits/);
  assert.match(one, /\| rate \| 1 \| 0-2 \| 3 \| events\/s \|/);
  const mixed = resultsMarkdown({
    suites: { a: suite('aaaa'.padEnd(40, '0'), 1), b: suite('bbbb'.padEnd(40, '0'), 2, true) },
  });
  assert.match(mixed, /measured on 2 different commits/);
  assert.match(mixed, /Commit bbbb00000000 \(with uncommitted changes\)/);
});
