// LinkedIn adAnalytics elements read into cost records: {year, month, day} to a day, URNs to ids,
// decimal text to exact micros, names from the adCampaigns lookup; bad elements named by index and field.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AdFileError } from '../ads/records.js';
import { costRecordsOfAnalyticsFile, LinkedInRowError, urnId } from './analytics.js';
import { readLinkedInCsv } from './campaign-manager-csv.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as unknown;

test('adAnalytics by campaign and day: days, ids, exact micros, names looked up', () => {
  const names = new Map([['123456', 'ABM tier 1']]);
  const rows = costRecordsOfAnalyticsFile(fixture('ad-analytics-campaign-daily.json'), {
    currency: 'usd',
    campaignNames: names,
  });
  assert.deepEqual(rows[0], {
    date: '2024-05-01',
    currency: 'USD',
    campaignId: '123456',
    campaignName: 'ABM tier 1',
    adGroupId: null,
    adGroupName: null,
    adId: null,
    adName: null,
    keyword: null,
    matchType: null,
    impressions: 5400,
    clicks: 61,
    costMicros: 312_804_600,
    conversions: 4,
    conversionValue: 1200,
  });
  // a campaign the lookup does not know keeps its id as its name
  assert.deepEqual(
    [rows[1]!.date, rows[1]!.campaignName, rows[1]!.costMicros],
    ['2024-05-02', '123457', 12_500_000],
  );
});

test('adAnalytics by campaign and creative: the creative is the ad', () => {
  const rows = costRecordsOfAnalyticsFile(
    {
      elements: [
        {
          dateRange: { start: { year: 2024, month: 5, day: 3 } },
          pivotValues: ['urn:li:sponsoredCampaign:9', 'urn:li:sponsoredCreative:77'],
          costInLocalCurrency: '1',
        },
      ],
    },
    { currency: 'EUR', creativeNames: new Map([['77', 'Carousel']]) },
  );
  assert.deepEqual([rows[0]!.campaignId, rows[0]!.adId, rows[0]!.adName], ['9', '77', 'Carousel']);
  assert.deepEqual(urnId('urn:li:sponsoredCampaign:9'), { kind: 'sponsoredCampaign', id: '9' });
});

test('bad elements are named by their index and field', () => {
  const bad = fixture('ad-analytics-campaign-daily.json') as {
    elements: Record<string, unknown>[];
  };
  bad.elements[1]!.costInLocalCurrency = '-3';
  assert.throws(
    () => costRecordsOfAnalyticsFile(bad, { currency: 'USD' }),
    (e: unknown) => e instanceof LinkedInRowError && e.where === 'elements[1].costInLocalCurrency',
  );
  const monthly = {
    elements: [
      {
        dateRange: {
          start: { year: 2024, month: 5, day: 1 },
          end: { year: 2024, month: 5, day: 31 },
        },
        pivotValues: ['urn:li:sponsoredCampaign:1'],
      },
    ],
  };
  assert.throws(() => costRecordsOfAnalyticsFile(monthly, { currency: 'USD' }), /DAILY/);
  const noCampaign = {
    elements: [
      {
        dateRange: monthly.elements[0]!.dateRange.start && {
          start: { year: 2024, month: 5, day: 1 },
        },
        pivotValues: ['urn:li:sponsoredAccount:1'],
      },
    ],
  };
  assert.throws(() => costRecordsOfAnalyticsFile(noCampaign, { currency: 'USD' }), /campaign/);
  assert.throws(
    () => costRecordsOfAnalyticsFile({ rows: [] }, { currency: 'USD' }),
    /adAnalytics answer/,
  );
});

test('the Campaign Manager export: preamble dates as the period, and it agrees with adAnalytics', () => {
  const text = readFileSync(
    new URL('./fixtures/campaign-manager-daily.csv', import.meta.url),
    'utf8',
  );
  const csv = readLinkedInCsv(text);
  assert.deepEqual([csv.from, csv.to], ['2024-05-01', '2024-05-02']);
  const api = costRecordsOfAnalyticsFile(fixture('ad-analytics-campaign-daily.json'), {
    currency: 'USD',
  });
  const key = (r: (typeof api)[number]) => [
    r.date,
    r.campaignId,
    r.currency,
    r.costMicros,
    r.impressions,
    r.clicks,
    r.conversions,
    r.conversionValue,
  ];
  assert.deepEqual(csv.rows.map(key), api.map(key));
  assert.equal(csv.rows[0]!.campaignName, 'ABM tier 1 — Sponsored content');
  assert.throws(
    () => readLinkedInCsv(text.replace('12.50,800', '12.50,8OO')),
    (e: unknown) => e instanceof AdFileError && e.line === 7 && e.column === 'Impressions',
  );
  assert.throws(
    () => readLinkedInCsv(text.replace('5/2/2024,Closedloop', '5/9/2024,Closedloop')),
    /outside the report/,
  );
});
