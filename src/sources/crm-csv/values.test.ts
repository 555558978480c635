import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseAmount,
  parseFlag,
  parseTime,
  normalizeStage,
  checkTimeZone,
  ValueError,
} from './values.js';

const amount = (raw: string, currency: string | null = 'eur', decimal?: '.' | ',') =>
  parseAmount(raw, currency, { decimal });
const refused = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(
    fn,
    (err: unknown) => err instanceof ValueError && pattern.test(err.message),
    String(pattern),
  );

test('amounts: decimal comma or point, thousands groups, spaces and apostrophes, exactly in minor units', () => {
  const cases: Array<[string, number]> = [
    ['1234.56', 123456],
    ['1,234.56', 123456],
    ['1.234,56', 123456],
    ['1 234,56', 123456],
    ['1\u00a0234,56', 123456], // no-break space (French)
    ["1'234.56", 123456], // Swiss
    ['1.234.567', 123456700],
    ['1,234,567', 123456700],
    ['12,5', 1250],
    ['0.29', 29],
    ['.5', 50],
    ['-12.00', -1200],
    ['(12.00)', -1200],
    ['12.00-', -1200],
    ['7', 700],
  ];
  for (const [raw, minor] of cases) assert.deepEqual(amount(raw), { minor, currency: 'eur' }, raw);
  // zero- and three-decimal currencies round on their own digits
  assert.deepEqual(amount('1.500', 'jpy', ','), { minor: 1500, currency: 'jpy' });
  assert.deepEqual(amount('1,2345', 'kwd'), { minor: 1235, currency: 'kwd' });
});

test('amounts: "1.000" and "1,000" are refused unless --decimal says which, and a mark that contradicts it is refused', () => {
  refused(() => amount('1.000'), /could be 1000 or 1\.000: say which with --decimal/);
  refused(() => amount('1,000'), /could be 1000 or 1\.000/);
  assert.equal(amount('1.000', 'eur', ',').minor, 100000);
  assert.equal(amount('1.000', 'eur', '.').minor, 100);
  assert.equal(amount('1,000', 'eur', ',').minor, 100);
  refused(() => amount('1,234.56', 'eur', ','), /its decimal mark is "\.", not the "," given/);
  refused(() => amount('1,23,456.00'), /thousands separators must split the digits in threes/);
  refused(() => amount('1.2.3,4'), /thousands separators/);
  refused(() => amount('1,5,0', 'eur', ','), /more than one decimal mark/);
  for (const bad of ['abc', '1e5', '--1', '', '€'])
    assert.throws(() => amount(bad), ValueError, bad);
});

test('amounts: currency codes and symbols give or check the currency', () => {
  assert.deepEqual(amount('EUR 1.234,50', null), { minor: 123450, currency: 'eur' });
  assert.deepEqual(amount('1,234.50 usd', null), { minor: 123450, currency: 'usd' });
  assert.deepEqual(amount('€12,50', null), { minor: 1250, currency: 'eur' });
  assert.deepEqual(amount('£1,250.00', null), { minor: 125000, currency: 'gbp' });
  assert.deepEqual(amount('$99.90', 'cad'), { minor: 9990, currency: 'cad' });
  assert.deepEqual(amount('-€5', null), { minor: -500, currency: 'eur' });
  refused(() => amount('$99.90', null), /\$ names several currencies/);
  refused(() => amount('€12', 'usd'), /is in EUR but the row's currency is USD/);
  refused(() => amount('USD 12', 'eur'), /is in USD but the row's currency is EUR/);
  refused(() => amount('12', null), /has no currency/);
});

test('dates: ISO 8601 with or without an offset, epoch seconds or ms, day and month in either order', () => {
  const utc = (iso: string) => Date.parse(iso);
  const cases: Array<[string, string]> = [
    ['2026-01-31', '2026-01-31T00:00:00Z'],
    ['2026-01-31T10:30', '2026-01-31T10:30:00Z'],
    ['2026-01-31 10:30:15', '2026-01-31T10:30:15Z'],
    ['2026-01-31T10:30:15.250Z', '2026-01-31T10:30:15.250Z'],
    ['2026-01-31T10:30:00+02:00', '2026-01-31T08:30:00Z'],
    ['2026-01-31T10:30:00-0500', '2026-01-31T15:30:00Z'],
    ['1769855400', '2026-01-31T10:30:00Z'],
    ['1769855400000', '2026-01-31T10:30:00Z'],
    ['31.01.2026', '2026-01-31T00:00:00Z'], // dots: day first
    ['5.1.2026 9:05', '2026-01-05T09:05:00Z'],
    ['31/01/2026', '2026-01-31T00:00:00Z'], // 31 cannot be a month
    ['01/31/2026', '2026-01-31T00:00:00Z'], // nor can it here
    ['05/05/2026', '2026-05-05T00:00:00Z'],
  ];
  for (const [raw, iso] of cases) assert.equal(parseTime(raw), utc(iso), raw);
  refused(
    () => parseTime('05/01/2026'),
    /could be day\/month or month\/day: say which with --date-order/,
  );
  assert.equal(parseTime('05/01/2026', { dateOrder: 'dmy' }), utc('2026-01-05T00:00:00Z'));
  assert.equal(parseTime('05/01/2026', { dateOrder: 'mdy' }), utc('2026-05-01T00:00:00Z'));
  assert.equal(parseTime('05-01-2026 14:00', { dateOrder: 'mdy' }), utc('2026-05-01T14:00:00Z'));
  for (const bad of [
    '2026-02-30',
    '31/13/2026',
    '2026-01-31T25:00',
    '01/31/26',
    'Jan 5',
    'soon',
    '12345',
  ])
    assert.throws(() => parseTime(bad), ValueError, bad);
});

test('dates without an offset are read in the given time zone, across a daylight-saving change', () => {
  const berlin = { timeZone: 'Europe/Berlin' };
  assert.equal(parseTime('2026-01-15 12:00', berlin), Date.parse('2026-01-15T11:00:00Z')); // CET
  assert.equal(parseTime('2026-07-15 12:00', berlin), Date.parse('2026-07-15T10:00:00Z')); // CEST
  assert.equal(parseTime('29.03.2026 03:30', berlin), Date.parse('2026-03-29T01:30:00Z')); // just after the change
  assert.equal(
    parseTime('2026-03-29', { timeZone: 'America/New_York' }),
    Date.parse('2026-03-29T04:00:00Z'),
  );
  // an explicit offset wins over the zone
  assert.equal(parseTime('2026-07-15T12:00:00Z', berlin), Date.parse('2026-07-15T12:00:00Z'));
  refused(() => checkTimeZone('Mars/Olympus'), /is not a time zone/);
});

test('flags and stage names', () => {
  for (const yes of ['true', 'Yes', 'y', '1', 'x', 'WON']) assert.equal(parseFlag(yes), true, yes);
  for (const no of ['false', 'No', 'n', '0', '', 'open']) assert.equal(parseFlag(no), false, no);
  assert.throws(() => parseFlag('maybe'), ValueError);
  assert.equal(normalizeStage('  Marketing Qualified Lead '), 'marketing_qualified_lead');
  assert.equal(normalizeStage('Closed-Won'), 'closed_won');
  assert.equal(normalizeStage('Démo planifiée'), 'demo_planifiee');
});
