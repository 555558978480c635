// A day's first instant in a time zone, across daylight-saving changes and half-hour offsets: the
// bounds every report's range is read between.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayStart, daysBetween } from './common-params.js';

test('a day starts at local midnight, whatever the offset that day', () => {
  const at = (day: string, zone: string) => new Date(dayStart(day, zone)).toISOString();
  assert.equal(at('2026-01-01', 'UTC'), '2026-01-01T00:00:00.000Z');
  // New York moves to UTC-4 on March 8th at 02:00: that day still starts at UTC-5
  assert.equal(at('2026-03-08', 'America/New_York'), '2026-03-08T05:00:00.000Z');
  assert.equal(at('2026-03-09', 'America/New_York'), '2026-03-09T04:00:00.000Z');
  assert.equal(at('2026-11-02', 'America/New_York'), '2026-11-02T05:00:00.000Z');
  assert.equal(at('2026-03-30', 'Europe/London'), '2026-03-29T23:00:00.000Z');
  assert.equal(at('2026-03-01', 'Asia/Kolkata'), '2026-02-28T18:30:00.000Z');
  assert.equal(daysBetween('2026-02-27', '2026-03-01'), 3);
});
