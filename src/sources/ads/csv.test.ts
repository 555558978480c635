// Numbers as marketers' locales write them, the separator sniffed, and day slices of a period.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slices } from './client-options.js';
import { plainDecimal, sniffDelimiter } from './csv.js';

test('plainDecimal reads US, European and spaced numbers exactly as text', () => {
  const cases: [string, boolean, string | undefined][] = [
    ['1,184.50', false, '1184.50'],
    ['1.234,56', true, '1234.56'],
    ['1.234,56', false, '1234.56'],
    ['1 234,56', true, '1234.56'],
    ['12,000', false, '12000'],
    ['0,99', true, '0.99'],
    ['0,5', false, '0.5'],
    ['10.500', true, '10500'],
    ['10.5', true, '10.5'],
    ['-3', false, undefined],
    ['1e3', false, undefined],
    ['97,31,0', false, undefined],
    ['1.23.4', false, undefined],
    ['1,234,567.8', false, '1234567.8'],
  ];
  for (const [text, comma, want] of cases) assert.equal(plainDecimal(text, comma), want, text);
});

test('the separator is the one most of the first lines use, quotes aside', () => {
  assert.equal(sniffDelimiter('a,b,c\n1,2,3\n'), ',');
  assert.equal(sniffDelimiter('"x, y";b;c\n"1,5";2;3\n'), ';');
  assert.equal(sniffDelimiter('a\tb\tc\n1,5\t2\t3\n'), '\t');
});

test('a period cut into slices of days, the last one short', () => {
  assert.deepEqual(slices('2024-01-30', '2024-02-03', 2), [
    { from: '2024-01-30', to: '2024-01-31' },
    { from: '2024-02-01', to: '2024-02-02' },
    { from: '2024-02-03', to: '2024-02-03' },
  ]);
  assert.throws(() => slices('2024-02-03', '2024-01-30', 2), /period/);
});
