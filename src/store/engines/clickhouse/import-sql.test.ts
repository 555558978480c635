// The import's SQL pieces against their JavaScript references: every date-time text read to the same
// instant as rules/iso-time.ts reads it (or refused by both), and ids trimmed of the same characters as
// String.prototype.trim (derive/identity's TRIMMED_CHARS).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TRIMMED_CHARS } from '../../../derive/identity/normalise.js';
import { parseIsoMicros } from '../../../rules/iso-time.js';
import { openTestChdb } from '../../../test-helpers/clickhouse.js';
import { isoMicros, trimmed } from './import-sql.js';

const TIMES = [
  '2024-01-01T10:00:00Z',
  '2024-01-01 10:00:00',
  '2024-01-01T10:00:00.1Z',
  '2024-01-01T10:00:00.123456789+05:30',
  '2024-01-01T10:00:00.999999-0130',
  '2024-01-01T10:00:00+05',
  '2024-02-29T23:59:59Z',
  '2023-02-29T00:00:00Z',
  '2100-02-29T00:00:00Z',
  '2000-02-29T00:00:00Z',
  '2024-04-31T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '0000-03-01T00:00:00-23:59',
  '1899-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999+00:00',
  '2024-01-01T24:00:00Z',
  '2024-01-01T10:00:60Z',
  '2024-01-01',
  '2024-01-01t10:00:00z',
  '2024-13-01T00:00:00Z',
  '2024-01-01T10:00:00.Z',
  '2024-01-01T10:00:00+24',
  ' 2024-01-01T10:00:00Z',
  '',
];

test('date-time texts read to the same instant as in JavaScript', async () => {
  const ch = await openTestChdb();
  try {
    const rows = await ch.conn.query<{ t: string; us: string | null }>(
      `SELECT t, toString(us_) AS us FROM (SELECT t, ${isoMicros('t', 'us_').join(', ')} FROM (SELECT arrayJoin({ts:Array(String)}) AS t))`,
      { ts: TIMES },
    );
    assert.deepEqual(
      rows.map((r) => [r.t, r.us]),
      TIMES.map((t) => [t, parseIsoMicros(t)?.toString() ?? null]),
    );
  } finally {
    await ch.close();
  }
});

test('ids are trimmed of the characters String.prototype.trim removes, and no others', async () => {
  const ch = await openTestChdb();
  try {
    // each character of the set, and some that are not in it (zero-width space, next line, a letter)
    const chars = [...TRIMMED_CHARS, '\u200b', '\u0085', 'x'];
    const texts = chars.map((c) => `${c}${c}a${c}b${c}`);
    const rows = await ch.conn.query<{ v: string }>(
      `SELECT ${trimmed('t')} AS v FROM (SELECT arrayJoin({ts:Array(String)}) AS t)`,
      { ts: texts },
    );
    assert.deepEqual(
      rows.map((r) => r.v),
      texts.map((t) => t.trim()),
    );
  } finally {
    await ch.close();
  }
});
