import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFxFile } from '../sources/fx-csv/read.js';
import { demoFxCsv, demoFxFrom } from './demo-fx.js';

test("the Demo's rate file reads as `closedloop import fx` reads it: working days, two pairs", () => {
  // 2026-06-01 is a Monday: two weeks hold ten working days
  const { rates } = readFxFile(demoFxCsv('2026-06-01', '2026-06-14'));
  assert.equal(rates.length, 20);
  assert.deepEqual([...new Set(rates.map((r) => `${r.base}>${r.quote}`))], ['USD>EUR', 'USD>GBP']);
  assert.ok(rates.every((r) => !['2026-06-06', '2026-06-07', '2026-06-13'].includes(r.date)));
  assert.ok(rates.every((r) => r.rate > 0.7 && r.rate < 1));
  // the same file on every run
  assert.equal(demoFxCsv('2026-06-01', '2026-06-14'), demoFxCsv('2026-06-01', '2026-06-14'));
  assert.equal(demoFxFrom('2026-06-30', 60), '2026-04-25');
});
