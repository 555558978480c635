import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, median } from './stats.js';

test('median of odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
});

test('aggregate: one figure per name, the median with min, max and the number of runs, the note of the median run', () => {
  const run = (v: number, note: string) => [
    { name: 'rate', value: v, unit: 'events/s', target: '>= 1', note },
    { name: 'fixed', value: 5, unit: 'events' },
  ];
  const got = aggregate([run(10, 'a'), run(30, 'c'), run(20, 'b')]);
  assert.deepEqual(got, [
    {
      name: 'rate',
      value: 20,
      unit: 'events/s',
      min: 10,
      max: 30,
      runs: 3,
      target: '>= 1',
      note: 'b',
    },
    { name: 'fixed', value: 5, unit: 'events', min: 5, max: 5, runs: 3 },
  ]);
});
