// Microsoft Advertising report files and UI exports read into cost records: the preamble, blank lines,
// total rows and the copyright footer skipped, the report time as the period, thousands separators,
// US days; bad values named by line and column. The zip the service downloads is read too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AdFileError } from '../ads/records.js';
import { readMicrosoftAdsCsv, reportDay } from './report-csv.js';
import { zipOf } from '../../test-helpers/zip-writer.js';
import { isZip, unzip } from './zip.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

test('a campaign performance report: preamble and footer skipped, the report time is the period', () => {
  const r = readMicrosoftAdsCsv(fixture('campaign-performance-report.csv'));
  assert.deepEqual([r.from, r.to], ['2024-05-01', '2024-05-02']);
  assert.deepEqual(
    r.rows.map((x) => [
      x.date,
      x.campaignId,
      x.campaignName,
      x.currency,
      x.impressions,
      x.clicks,
      x.costMicros,
      x.conversions,
      x.conversionValue,
    ]),
    [
      ['2024-05-01', '7001', 'Brand - Exact', 'USD', 1204, 96, 1_184_500_000, 5, 640],
      ['2024-05-01', '7002', 'Generic, broad', 'USD', 310, 4, 8_070_000, 0, 0],
      ['2024-05-02', '7001', 'Brand - Exact', 'USD', 990, 71, 97_310_000, 2.5, 210],
    ],
  );
});

test('a keyword report: ad groups, keywords and delivered match types, US days', () => {
  const r = readMicrosoftAdsCsv(fixture('keyword-performance-report.csv'));
  assert.deepEqual([r.from, r.to], ['2024-05-01', '2024-05-01']);
  assert.deepEqual(
    r.rows.map((x) => [
      x.date,
      x.adGroupId,
      x.adGroupName,
      x.keyword,
      x.matchType,
      x.costMicros,
      x.currency,
    ]),
    [
      ['2024-05-01', '8001', 'Brand', 'closedloop', 'Exact', 55_200_000, 'EUR'],
      ['2024-05-01', '8001', 'Brand', 'closed loop attribution', 'Phrase', 3_100_000, 'EUR'],
    ],
  );
});

test('the UI export: spaced names, "--" for none, the total row skipped; it agrees with the report', () => {
  const ui = readMicrosoftAdsCsv(fixture('ui-campaigns-export.csv'));
  assert.deepEqual([ui.from, ui.to], ['2024-05-01', '2024-05-02']);
  assert.equal(ui.rows.length, 3);
  assert.deepEqual(ui.rows[2]!.costMicros, 0);
  const api = readMicrosoftAdsCsv(fixture('campaign-performance-report.csv'));
  const brand = (rows: typeof ui.rows) =>
    rows.filter((x) => x.campaignId === '7001').map((x) => [x.date, x.costMicros, x.clicks]);
  assert.deepEqual(brand(ui.rows), brand(api.rows));
});

test('bad values name the line and the column; a row outside the report time is refused', () => {
  const text = fixture('campaign-performance-report.csv').replace('"97.31"', '"97.31x"');
  assert.throws(
    () => readMicrosoftAdsCsv(text),
    (e: unknown) => e instanceof AdFileError && e.line === 14 && e.column === 'Spend',
  );
  const day = fixture('campaign-performance-report.csv').replace(
    '"2024-05-02","180001"',
    '"2024-13-02","180001"',
  );
  assert.throws(
    () => readMicrosoftAdsCsv(day),
    (e: unknown) => e instanceof AdFileError && e.line === 14 && e.column === 'TimePeriod',
  );
  const outside = fixture('campaign-performance-report.csv').replace(
    '"2024-05-02","180001"',
    '"2024-05-09","180001"',
  );
  assert.throws(() => readMicrosoftAdsCsv(outside), /outside the report/);
  assert.throws(
    () => readMicrosoftAdsCsv('"Report Name: x"\n"a","b"\n'),
    (e: unknown) => e instanceof AdFileError && e.column === 'header',
  );
  assert.equal(reportDay('2/29/2023'), undefined);
  assert.equal(reportDay('2/29/2024'), '2024-02-29');
});

test('the downloaded zip is read back to its CSV', () => {
  const csv = fixture('keyword-performance-report.csv');
  const zip = zipOf('KeywordPerformance.csv', Buffer.from(csv));
  assert.ok(isZip(zip));
  const [entry] = unzip(zip);
  assert.equal(entry!.name, 'KeywordPerformance.csv');
  assert.equal(entry!.data.toString('utf8'), csv);
  assert.throws(() => unzip(Buffer.from('PK\x03\x04 nothing else')), /zip/);
});
