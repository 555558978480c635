// Google Ads reports read into cost records: the searchStream answer (int64 as strings, every level),
// the GAQL sent for each level, and the UI's CSV export with its preamble, totals, thousands separators,
// "--" and three ways of writing a day; bad values stop the file with their line and column.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdFileError, decimalToMicros } from '../ads/records.js';
import { gaqlFor } from './gaql.js';
import { costRecordsOfStream, GoogleAdsRowError } from './stream.js';
import { decodeExport, readGoogleAdsCsv, uiDay } from './ui-csv.js';

test('a searchStream answer: int64 strings become numbers, each level its ids and names', () => {
  const rows = costRecordsOfStream([
    {
      results: [
        {
          customer: { currencyCode: 'USD' },
          campaign: { id: '111', name: 'Brand' },
          adGroup: { id: '222', name: 'Exact' },
          adGroupCriterion: {
            criterionId: '333',
            keyword: { text: 'closed loop attribution', matchType: 'PHRASE' },
          },
          segments: { date: '2024-05-01' },
          metrics: { costMicros: '18450000', clicks: '120', impressions: '4000', conversions: 3.5 },
        },
      ],
      fieldMask: 'x',
      requestId: 'r1',
    },
    { results: [] },
  ]);
  assert.deepEqual(rows, [
    {
      date: '2024-05-01',
      currency: 'USD',
      campaignId: '111',
      campaignName: 'Brand',
      adGroupId: '222',
      adGroupName: 'Exact',
      adId: null,
      adName: null,
      keyword: 'closed loop attribution',
      matchType: 'PHRASE',
      impressions: 4000,
      clicks: 120,
      costMicros: 18_450_000,
      conversions: 3.5,
      conversionValue: 0,
    },
  ]);
  assert.throws(
    () =>
      costRecordsOfStream([
        {
          results: [
            {
              customer: { currencyCode: 'USD' },
              campaign: { id: '1', name: 'x' },
              segments: { date: '2024-05-01' },
              metrics: { costMicros: '-5' },
            },
          ],
        },
      ]),
    (e: unknown) =>
      e instanceof GoogleAdsRowError && e.where === 'batch 0, result 0, metrics.costMicros',
  );
});

test('the GAQL of each level reads its resource over the days asked', () => {
  assert.equal(
    gaqlFor('keyword', '2026-01-01', '2026-01-31'),
    "SELECT customer.currency_code, segments.date, campaign.id, campaign.name, ad_group.id, ad_group.name, ad_group_criterion.criterion_id, ad_group_criterion.keyword.text, ad_group_criterion.keyword.match_type, metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions, metrics.conversions_value FROM keyword_view WHERE segments.date BETWEEN '2026-01-01' AND '2026-01-31'",
  );
  assert.match(gaqlFor('campaign', '2026-01-01', '2026-01-01'), /FROM campaign WHERE/);
  assert.throws(() => gaqlFor('ad', '2026-02-01', '2026-01-01'));
  assert.throws(() => gaqlFor('ad', "2026-01-01' OR 1=1 --", '2026-01-01'));
});

const EXPORT = [
  'Campaign report',
  '"September 1, 2026 - September 30, 2026"',
  'Day,Campaign,Campaign ID,Clicks,Impr.,Cost,Conversions,Conv. value,Currency code',
  '2026-09-01,Brand,111,120,"1,234","1,184.50",3.50,700.00,USD',
  '09/02/2026,Brand,111,--,--,0.00,--,--,USD',
  '"Sep 3, 2026",Generic,112,7,90,12.3,0.00,0.00,USD',
  'Total: Account,--,--,127,"1,324","1,196.80",3.50,700.00,--',
  'Total: Search,--,--,127,"1,324","1,196.80",3.50,700.00,--',
].join('\n');

test('a UI export: preamble and totals skipped, the report range kept, values as the UI writes them', () => {
  const f = readGoogleAdsCsv(EXPORT);
  assert.equal(f.from, '2026-09-01');
  assert.equal(f.to, '2026-09-30');
  assert.deepEqual(
    f.rows.map((r) => [r.date, r.campaignId, r.clicks, r.impressions, r.costMicros, r.conversions]),
    [
      ['2026-09-01', '111', 120, 1234, 1_184_500_000, 3.5],
      ['2026-09-02', '111', 0, 0, 0, 0],
      ['2026-09-03', '112', 7, 90, 12_300_000, 0],
    ],
  );
  // the spend adds up to the export's own total, to the micro
  assert.equal(
    f.rows.reduce((s, r) => s + r.costMicros, 0),
    decimalToMicros('1196.80'),
  );
});

test('an "Excel CSV" export (UTF-16, tabs) without ids or currency column, given the account currency', () => {
  const text =
    'Campaign report\n"Sep 1, 2026 - Sep 2, 2026"\nDay\tCampaign\tCost\n2026-09-01\tBrand\t10.00\n';
  const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const f = readGoogleAdsCsv(decodeExport(bytes), { currency: 'eur' });
  assert.deepEqual(
    f.rows.map((r) => [r.campaignId, r.currency, r.costMicros]),
    [['name:Brand', 'EUR', 10_000_000]],
  );
  assert.throws(
    () => readGoogleAdsCsv(text),
    (e: unknown) => e instanceof AdFileError && /--currency/.test(e.reason),
  );
});

test('a value that cannot be read stops the file with its line and column', () => {
  const bad = (row: string, column: string, line = 4) =>
    assert.throws(
      () => readGoogleAdsCsv(EXPORT.replace('09/02/2026,Brand,111,--,--,0.00,--,--,USD', row)),
      (e: unknown) => e instanceof AdFileError && e.line === line + 1 && e.column === column,
      row,
    );
  bad('09/31/2026,Brand,111,1,1,1.00,0,0,USD', 'Day');
  bad('2026-09-02,Brand,111,1.5,1,1.00,0,0,USD', 'Clicks');
  bad('2026-09-02,Brand,111,1,1,€1.00,0,0,USD', 'Cost');
  bad('2026-09-02,,111,1,1,1.00,0,0,USD', 'Campaign');
  assert.throws(
    () => readGoogleAdsCsv('Campaign report\n"Day,Campaign,Cost\n'),
    (e: unknown) => e instanceof AdFileError && e.column === 'file',
  );
  assert.throws(
    () => readGoogleAdsCsv('Campaign report\nCampaign,Clicks\nBrand,1\n'),
    (e: unknown) => e instanceof AdFileError && e.column === 'header',
  );
});

test('days as the UI writes them', () => {
  assert.equal(uiDay('2026-09-01'), '2026-09-01');
  assert.equal(uiDay('09/01/2026'), '2026-09-01');
  assert.equal(uiDay('Sep 1, 2026'), '2026-09-01');
  assert.equal(uiDay('September 30, 2026'), '2026-09-30');
  assert.equal(uiDay('Tuesday, September 1, 2026'), '2026-09-01');
  assert.equal(uiDay('02/30/2026'), undefined);
  assert.equal(uiDay('Foo 1, 2026'), undefined);
});
