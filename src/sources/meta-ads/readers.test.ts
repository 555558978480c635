// Meta's Insights pages and Ads Manager exports read into cost records: strings to exact micros, one
// conversion alias (never their sum), the currency from the label, German `;` files with decimal
// commas, the summary row skipped; bad values named by line and column (or page, row and field).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AdFileError } from '../ads/records.js';
import { readMetaAdsCsv } from './ads-manager-csv.js';
import { costRecordsOfInsightsFile, MetaRowError } from './insights.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const page = (name: string) => JSON.parse(fixture(name)) as unknown;

test('Insights pages: spend to micros, one purchase alias per metric, ids and names per level', () => {
  const rows = costRecordsOfInsightsFile([
    page('insights-ad-page1.json'),
    page('insights-ad-page2.json'),
  ]);
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[0], {
    date: '2024-05-01',
    currency: 'USD',
    campaignId: '120200111',
    campaignName: 'LAL buyers',
    adGroupId: '120200222',
    adGroupName: 'US 25-44',
    adId: '120200333',
    adName: 'Carousel A',
    keyword: null,
    matchType: null,
    impressions: 12000,
    clicks: 410,
    costMicros: 742_350_000,
    // the pixel alias (6), not purchase + omni_purchase + pixel (20)
    conversions: 6,
    conversionValue: 380,
  });
  assert.deepEqual(
    rows.map((r) => [r.date, r.costMicros, r.conversions, r.conversionValue]),
    [
      ['2024-05-01', 742_350_000, 6, 380],
      ['2024-05-02', 500_000, 0, 0],
      ['2024-05-02', 1_184_500_000, 3, 99.99],
    ],
  );
  const custom = costRecordsOfInsightsFile(page('insights-ad-page1.json'), {
    conversionAliases: ['omni_purchase'],
  });
  assert.equal(custom[0]!.conversions, 7);
});

test('Insights rows the schema refuses are named by page, row and field', () => {
  const bad = page('insights-ad-page2.json') as { data: Record<string, unknown>[] };
  bad.data[0]!.spend = '12,50';
  assert.throws(
    () => costRecordsOfInsightsFile([page('insights-ad-page1.json'), bad]),
    (e: unknown) =>
      e instanceof MetaRowError && e.where === '[1].data[0].spend' && /amount/.test(e.reason),
  );
  const month = { data: [{ date_start: '2024-05-01', date_stop: '2024-05-31', campaign_id: '1' }] };
  assert.throws(() => costRecordsOfInsightsFile(month, { currency: 'USD' }), /time_increment=1/);
  const noCurrency = {
    data: [{ date_start: '2024-05-01', date_stop: '2024-05-01', campaign_id: '1' }],
  };
  assert.throws(() => costRecordsOfInsightsFile(noCurrency), /account_currency/);
  assert.equal(costRecordsOfInsightsFile(noCurrency, { currency: 'eur' })[0]!.currency, 'EUR');
});

test('Ads Manager CSV: currency from the label, thousands separators, the summary row skipped', () => {
  const csv = readMetaAdsCsv(fixture('ads-manager-by-day.csv'));
  assert.equal(csv.from, '2024-05-01');
  assert.equal(csv.to, '2024-05-02');
  // the API and the export of the same days agree to the micro
  const api = costRecordsOfInsightsFile([
    page('insights-ad-page1.json'),
    page('insights-ad-page2.json'),
  ]);
  assert.deepEqual(
    csv.rows.map((r) => [
      r.date,
      r.campaignId,
      r.adGroupId,
      r.adId,
      r.currency,
      r.costMicros,
      r.impressions,
      r.clicks,
    ]),
    api.map((r) => [
      r.date,
      r.campaignId,
      r.adGroupId,
      r.adId,
      r.currency,
      r.costMicros,
      r.impressions,
      r.clicks,
    ]),
  );
  assert.equal(csv.rows[0]!.conversionValue, 420.5);
});

test('Ads Manager CSV in German: `;`, decimal commas, translated headers, names as ids', () => {
  const csv = readMetaAdsCsv(fixture('ads-manager-de.csv'));
  assert.deepEqual(
    csv.rows.map((r) => [
      r.date,
      r.campaignId,
      r.adGroupId,
      r.currency,
      r.costMicros,
      r.impressions,
      r.clicks,
      r.conversions,
    ]),
    [
      ['2024-05-01', 'name:Sommer Sale', 'name:DE Frauen', 'EUR', 1_234_560_000, 10500, 321, 4],
      ['2024-05-01', 'name:Marke', 'name:DE alle', 'EUR', 990_000, 87, 2, 0],
    ],
  );
});

test('Ads Manager CSV errors name the line and the column as written', () => {
  const text = fixture('ads-manager-by-day.csv').replace('"25,000"', '"25k"');
  assert.throws(
    () => readMetaAdsCsv(text),
    (e: unknown) => e instanceof AdFileError && e.line === 4 && e.column === 'Impressions',
  );
  const month =
    'Reporting starts,Reporting ends,Campaign name,Amount spent (USD)\n2024-05-01,2024-05-31,A,1.00\n';
  assert.throws(
    () => readMetaAdsCsv(month),
    (e: unknown) => e instanceof AdFileError && e.line === 2 && e.column === 'Reporting ends',
  );
  assert.throws(
    () => readMetaAdsCsv('Campaign name,Amount spent\nA,1\n'),
    (e: unknown) => e instanceof AdFileError && e.column === 'header',
  );
  assert.throws(
    () => readMetaAdsCsv('Day,Campaign name,Amount spent\n2024-05-01,A,1\n'),
    /currency/,
  );
  assert.equal(
    readMetaAdsCsv('Day,Campaign name,Amount spent\n2024-05-01,A,1\n', { currency: 'GBP' }).rows[0]!
      .currency,
    'GBP',
  );
});
