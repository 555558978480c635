import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOADER_SHARE, nextLoadAt } from './journal-loader.js';

test('loader pacing: quick loads stay one interval apart, long ones leave the rest of the time to the requests', () => {
  assert.equal(
    nextLoadAt(1_000, 1_010, 200),
    1_210,
    'a 10 ms load: the next one interval after it ends',
  );
  // a 600 ms load (a burst's backlog): the next starts no sooner than 600 / share after this one started
  const next = nextLoadAt(1_000, 1_600, 200);
  assert.equal(next, 1_000 + 600 / LOADER_SHARE);
  assert.ok((1_600 - 1_000) / (next - 1_000) <= LOADER_SHARE);
  assert.equal(
    nextLoadAt(1_000, 900, 200),
    1_100,
    'a clock that stepped back counts as a zero-length load',
  );
});
