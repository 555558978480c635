import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayOfNumber, zoneSegments } from './local-days.js';

test('a zone’s offsets over a range: one where it keeps its offset, each change to the millisecond', () => {
  const from = Date.parse('2026-10-01T00:00:00Z');
  const to = Date.parse('2026-12-31T00:00:00Z');
  assert.deepEqual(zoneSegments('UTC', from, to), [{ from, offsetMs: 0 }]);
  assert.deepEqual(zoneSegments('Asia/Kolkata', from, to), [{ from, offsetMs: 19_800_000 }]);
  // New York leaves daylight time on 2026-11-01 at 02:00 EDT (06:00 UTC)
  assert.deepEqual(zoneSegments('America/New_York', from, to), [
    { from, offsetMs: -4 * 3_600_000 },
    { from: Date.parse('2026-11-01T06:00:00Z'), offsetMs: -5 * 3_600_000 },
  ]);
});

test('a day number is its day', () => {
  assert.equal(dayOfNumber(0), '1970-01-01');
  assert.equal(
    dayOfNumber(Math.floor(Date.parse('2026-03-05T23:59:59Z') / 86_400_000)),
    '2026-03-05',
  );
});
