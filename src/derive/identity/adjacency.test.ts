import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adjacency } from './adjacency.js';

const listOf = (adj: ReturnType<typeof adjacency>, x: number) =>
  [...adj.neighbours.subarray(adj.start[x]!, adj.start[x + 1]!)].sort();

test('neighbour lists hold each kept direction of every link, and nothing else', () => {
  // links 0-1, 0-2, 2-3, 1-1 (a self link), 3-0
  const a = [0, 0, 2, 1, 3];
  const b = [1, 2, 3, 1, 0];
  const all = adjacency(5, a, b, a.length, (from, to) => from !== to);
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((x) => listOf(all, x)),
    [[1, 2, 3], [0], [0, 3], [0, 2], []],
  );
  // only edges into even ids
  const even = adjacency(5, a, b, a.length, (from, to) => from !== to && to % 2 === 0);
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((x) => listOf(even, x)),
    [[2], [0], [0], [0, 2], []],
  );
  // linkCount limits the links read
  const first = adjacency(5, a, b, 1, (from, to) => from !== to);
  assert.deepEqual(
    [0, 1, 2].map((x) => listOf(first, x)),
    [[1], [0], []],
  );
});
