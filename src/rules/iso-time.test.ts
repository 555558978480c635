import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIsoMicros, formatIsoMillis, parseIsoMicros } from './iso-time.js';

test('the grammar: date-times with an optional zone; dates alone, 24:00, leap seconds and impossible days are refused', () => {
  const ok: [string, string][] = [
    ['2026-01-02T03:04:05Z', '2026-01-02T03:04:05.000000Z'],
    ['2026-01-02 03:04:05', '2026-01-02T03:04:05.000000Z'],
    ['2026-01-02T03:04:05.1+01:00', '2026-01-02T02:04:05.100000Z'],
    ['2026-01-02T03:04:05.123456789-0530', '2026-01-02T08:34:05.123456Z'],
    ['2026-01-02T03:04:05+05', '2026-01-01T22:04:05.000000Z'],
    ['2024-02-29T23:59:59.999999Z', '2024-02-29T23:59:59.999999Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000000Z'],
  ];
  for (const [text, canonical] of ok)
    assert.equal(formatIsoMicros(parseIsoMicros(text)!), canonical, text);
  assert.equal(
    parseIsoMicros('0000-02-29T00:00:00Z'),
    -62162121600000000n,
    'year 0 is a leap year (proleptic Gregorian)',
  );
  for (const bad of [
    '2024-01-01',
    '2024-01-01+05',
    '2024-01-01T10:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T23:59:60Z',
    '2026-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-01-01t10:00:00Z',
    '2024-01-01T10:00:00z',
    '2024-01-01T10:00:00+24:00',
    '2024-01-01T10:00:00+05:60',
    '2024-01-01T10:00:00 +01:00',
    '2024-01-01T10:00:00Z ',
    '2024-01-01T10:00:00.Z',
    '2024-01-01T10:00:00.1234567890Z',
    '+02024-01-01T10:00:00Z',
    '１２３４-01-01T10:00:00Z',
    '',
  ]) {
    assert.equal(parseIsoMicros(bad), undefined, bad);
  }
});

test('property: every instant of years 0000-9999 formats and parses back to itself, and agrees with Date to the millisecond', () => {
  const min = parseIsoMicros('0000-01-01T00:00:00Z')!;
  const max = parseIsoMicros('9999-12-31T23:59:59.999999Z')!;
  fc.assert(
    fc.property(fc.bigInt({ min, max }), (us) => {
      const text = formatIsoMicros(us);
      assert.equal(parseIsoMicros(text), us, text);
      const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n);
      assert.equal(new Date(Number(ms)).toISOString(), `${text.slice(0, 23)}Z`);
    }),
    { numRuns: 2000, seed: 7 },
  );
});

test('property: formatIsoMillis is toISOString, for times in a row (the second formatted once) and far apart', () => {
  const min = -62_167_219_200_000; // 0000-01-01
  const max = 253_402_300_799_999; // 9999-12-31T23:59:59.999
  fc.assert(
    fc.property(
      fc.integer({ min, max: max - 5_000 }),
      fc.array(fc.integer({ min: 0, max: 1_500 }), { maxLength: 8 }),
      (start, steps) => {
        // a run of times a few ms apart (mostly within one second, sometimes across it), then a jump
        let ms = start;
        for (const step of [0, ...steps]) {
          ms += step;
          assert.equal(formatIsoMillis(ms), new Date(ms).toISOString(), String(ms));
        }
      },
    ),
    { numRuns: 2000, seed: 11 },
  );
  // the edges of the fixed-width years, around the epoch, and outside (toISOString's own forms)
  for (const ms of [
    min,
    min + 999,
    -1_001,
    -1,
    -0,
    0,
    999,
    1_000,
    max - 999,
    max,
    min - 1,
    max + 1,
    1.5,
  ])
    assert.equal(formatIsoMillis(ms), new Date(ms).toISOString(), String(ms));
  // the microsecond text keeps its millisecond part in step with it
  for (const us of [1_700_000_000_000_999n, 1_700_000_000_001_000n, 1_700_000_001_000_000n, -1n])
    assert.equal(
      formatIsoMicros(us).slice(0, 23),
      new Date(Number(us / 1000n - (us % 1000n < 0n ? 1n : 0n))).toISOString().slice(0, 23),
    );
});
