import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addMonthsClamped, monthsPerInterval, periodAt } from './billing-periods.js';
import type { BillingInterval } from './types.js';

const iso = (t: number) => new Date(t).toISOString();

test('an interval in months: a year is 12, a week 12/52, a day 12/365; counts multiply', () => {
  assert.equal(monthsPerInterval('month', 1), 1);
  assert.equal(monthsPerInterval('month', 3), 3);
  assert.equal(monthsPerInterval('year', 1), 12);
  assert.equal(monthsPerInterval('year', 2), 24);
  assert.equal(monthsPerInterval('week', 1), 12 / 52);
  assert.equal(monthsPerInterval('day', 30), (12 / 365) * 30);
});

test('a month after the 31st is the last day of a shorter month, and the 31st again after that', () => {
  const jan31 = Date.UTC(2026, 0, 31, 15, 30);
  assert.equal(iso(addMonthsClamped(jan31, 1)), '2026-02-28T15:30:00.000Z');
  assert.equal(iso(addMonthsClamped(jan31, 2)), '2026-03-31T15:30:00.000Z');
  assert.equal(iso(addMonthsClamped(Date.UTC(2024, 1, 29), 12)), '2025-02-28T00:00:00.000Z');
  assert.equal(iso(addMonthsClamped(jan31, -2)), '2025-11-30T15:30:00.000Z');
});

test('the period that holds a moment, counted from the anchor; before it, the first partial period', () => {
  const anchor = Date.UTC(2026, 0, 31);
  const feb = periodAt(Date.UTC(2026, 2, 1), anchor, 'month', 1, anchor);
  assert.deepEqual(
    [iso(feb.start), iso(feb.end)],
    ['2026-02-28T00:00:00.000Z', '2026-03-31T00:00:00.000Z'],
  );
  // exactly at a boundary the new period has begun
  assert.equal(
    periodAt(Date.UTC(2026, 2, 31), anchor, 'month', 1, anchor).start,
    Date.UTC(2026, 2, 31),
  );
  // quarterly
  const q = periodAt(
    Date.UTC(2026, 5, 1),
    Date.UTC(2026, 0, 15),
    'month',
    3,
    Date.UTC(2026, 0, 15),
  );
  assert.deepEqual(
    [iso(q.start), iso(q.end)],
    ['2026-04-15T00:00:00.000Z', '2026-07-15T00:00:00.000Z'],
  );
  // a trial from 1 Jan with the anchor at its end on 15 Jan
  const trial = periodAt(
    Date.UTC(2026, 0, 5),
    Date.UTC(2026, 0, 15),
    'month',
    1,
    Date.UTC(2026, 0, 1),
  );
  assert.deepEqual(
    [iso(trial.start), iso(trial.end)],
    ['2026-01-01T00:00:00.000Z', '2026-01-15T00:00:00.000Z'],
  );
  const weekly = periodAt(
    Date.UTC(2026, 0, 20),
    Date.UTC(2026, 0, 1),
    'week',
    2,
    Date.UTC(2026, 0, 1),
  );
  assert.deepEqual(
    [iso(weekly.start), iso(weekly.end)],
    ['2026-01-15T00:00:00.000Z', '2026-01-29T00:00:00.000Z'],
  );
});

test('every moment after the anchor falls in exactly one period, and periods tile without gaps', () => {
  const intervals: BillingInterval[] = ['day', 'week', 'month', 'year'];
  fc.assert(
    fc.property(
      fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
      fc.integer({ min: 0, max: 4000 * 86_400_000 }),
      fc.constantFrom(...intervals),
      fc.integer({ min: 1, max: 3 }),
      (anchor, offset, interval, count) => {
        const t = anchor + offset;
        const p = periodAt(t, anchor, interval, count, anchor);
        assert.ok(p.start <= t && t < p.end, `${iso(t)} in [${iso(p.start)}, ${iso(p.end)})`);
        assert.equal(periodAt(p.end, anchor, interval, count, anchor).start, p.end);
        assert.equal(periodAt(p.end - 1, anchor, interval, count, anchor).start, p.start);
      },
    ),
    { numRuns: 300, seed: 20260331 },
  );
});
