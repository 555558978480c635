import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testEngine } from './store.js';

test('CLOSEDLOOP_TEST_ENGINE chooses the engine the suite runs on, duckdb by default; an unknown one is refused by name', () => {
  assert.equal(testEngine({}), 'duckdb');
  assert.equal(testEngine({ CLOSEDLOOP_TEST_ENGINE: 'duckdb' }), 'duckdb');
  assert.throws(
    () => testEngine({ CLOSEDLOOP_TEST_ENGINE: 'oracle' }),
    /CLOSEDLOOP_TEST_ENGINE=oracle: not an engine of this build \(duckdb\)/,
  );
});
