import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FxFileError, isoDay, readFxFile } from './read.js';

test('a long file: one rate a line, from/to accepted for base/quote, bad lines named and left out', () => {
  const f = readFxFile(
    [
      'Date,From,To,Rate',
      '2026-01-02,eur,USD,1.0842',
      '2026-02-30,EUR,USD,1.1',
      '2026-01-03,EUR,US,1.1',
      '2026-01-03,EUR,EUR,1',
      '2026-01-03,EUR,GBP,-0.8',
      '2026-01-03,EUR,GBP,0.86',
    ].join('\n'),
  );
  assert.equal(f.shape, 'long');
  assert.equal(f.lines, 6);
  assert.deepEqual(f.rates, [
    { date: '2026-01-02', base: 'EUR', quote: 'USD', rate: 1.0842 },
    { date: '2026-01-03', base: 'EUR', quote: 'GBP', rate: 0.86 },
  ]);
  assert.deepEqual(f.rejected, [
    { line: 3, field: 'date', reason: 'not a day as YYYY-MM-DD: "2026-02-30"' },
    { line: 4, field: 'quote', reason: 'not a currency code: "US"' },
    { line: 5, field: 'quote', reason: 'is the same currency as base' },
    { line: 6, field: 'rate', reason: 'not a positive number: "-0.8"' },
  ]);
});

test('a wide file as the ECB publishes it: a column per currency, N/A and empty cells are no rate', () => {
  const f = readFxFile(
    [
      'Date,USD,JPY,CYP,',
      '2026-01-05,1.1712,183.5,N/A,',
      '2026-01-02,1.1720,,N/A,',
      '2026-01-01,x,183.1,,',
    ].join('\n'),
    { base: 'eur' },
  );
  assert.equal(f.shape, 'wide');
  assert.deepEqual(f.rates, [
    { date: '2026-01-05', base: 'EUR', quote: 'USD', rate: 1.1712 },
    { date: '2026-01-05', base: 'EUR', quote: 'JPY', rate: 183.5 },
    { date: '2026-01-02', base: 'EUR', quote: 'USD', rate: 1.172 },
    { date: '2026-01-01', base: 'EUR', quote: 'JPY', rate: 183.1 },
  ]);
  assert.deepEqual(f.rejected, [{ line: 4, field: 'USD', reason: 'not a positive number: "x"' }]);
});

test('semicolons with decimal commas, tabs, and a byte-order mark', () => {
  assert.deepEqual(readFxFile('\uFEFFdate;base;quote;rate\n2026-01-02;EUR;SEK;11,234\n').rates, [
    { date: '2026-01-02', base: 'EUR', quote: 'SEK', rate: 11.234 },
  ]);
  assert.deepEqual(readFxFile('date\tbase\tquote\trate\n2026-01-02\tEUR\tSEK\t11.5\n').rates, [
    { date: '2026-01-02', base: 'EUR', quote: 'SEK', rate: 11.5 },
  ]);
  // a comma-separated file keeps its commas as separators: "11,234" there is two cells
  assert.equal(readFxFile('date,base,quote,rate\n2026-01-02,EUR,SEK,11,234\n').rates[0]?.rate, 11);
});

test('a file that cannot be read says why, naming the field', () => {
  const fails = (text: string, field: string, base?: string) =>
    assert.throws(
      () => readFxFile(text, base === undefined ? {} : { base }),
      (e: unknown) => e instanceof FxFileError && e.field === field,
    );
  fails('', 'file');
  fails('when,what\n1,2', 'header');
  fails('Date,USD\n2026-01-01,1.1', 'base');
  fails('Date,USD\n2026-01-01,1.1', 'base', 'EURO');
  fails('Date,Dollar\n2026-01-01,1.1', 'header', 'EUR');
  fails('date,base,quote,rate\n2026-01-01,EUR,USD,1.1', 'base', 'EUR');
});

test('days are calendar days', () => {
  assert.equal(isoDay('2024-02-29'), '2024-02-29');
  assert.equal(isoDay('2023-02-29'), undefined);
  assert.equal(isoDay('2024-2-9'), undefined);
});
