// The keyword-level option of Google's UI export and Microsoft's report: a row per day, keyword and match
// type, in the columns each platform's reader takes (Keyword / Match type; Keyword / BidMatchType /
// DeliveredMatchType), read back by the reader to the same rows to the cent; rows with no keyword are
// not in a keyword report; the ad group level stays the default.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readAdFile } from '../../sources/ads/read-file.js';
import type { AdCostRow, AdPlatform } from '../types.js';
import { googleAdsUiCsv } from './google.js';
import { microsoftReportCsv, microsoftReportZip } from './microsoft.js';

const row = (
  platform: AdPlatform,
  date: string,
  campaign: [string, string],
  group: string,
  keyword: [string, string] | null,
  clicks: number,
  cost: number,
): AdCostRow => ({
  date,
  platform,
  account_currency: 'USD',
  campaign_id: campaign[0],
  campaign_name: campaign[1],
  ad_group_id: group,
  ad_group_name: `Group ${group}`,
  keyword: keyword?.[0] ?? null,
  match_type: keyword?.[1] ?? null,
  impressions: clicks * 25,
  clicks,
  cost,
});

const rowsOf = (p: AdPlatform): AdCostRow[] => [
  row(p, '2026-03-01', ['11', 'Brand, old'], '21', ['crm software', 'exact'], 12, 1234.56),
  row(p, '2026-03-01', ['11', 'Brand, old'], '21', ['crm software', 'phrase'], 3, 7.07),
  // the same keyword and day twice in the simulator's rows: one row of the report, summed
  row(p, '2026-03-01', ['11', 'Brand, old'], '21', ['crm software', 'phrase'], 1, 0.99),
  row(p, '2026-03-01', ['11', 'Brand, old'], '22', ['"quoted", keyword', 'broad'], 2, 0.01),
  row(p, '2026-03-01', ['12', 'Display B2B'], '23', null, 40, 55.5),
  row(p, '2026-03-02', ['11', 'Brand New'], '21', ['crm software', 'exact'], 5, 20.4),
  row(p, '2026-03-02', ['11', 'Brand New'], '22', ['zero row', 'exact'], 0, 0),
];

interface Line {
  date: string;
  campaignId: string;
  campaignName: string;
  adGroupId: string | null;
  keyword: string | null;
  matchType: string | null;
  clicks: number;
  micros: number;
}

/** What the keyword report should hold: keyword rows summed by day, group, keyword, match type. */
function expected(rows: readonly AdCostRow[]): Line[] {
  const out = new Map<string, Line>();
  for (const r of rows) {
    if (r.keyword === null) continue;
    const k = [r.date, r.ad_group_id, r.keyword, r.match_type].join('|');
    const x = out.get(k) ?? {
      date: r.date,
      campaignId: r.campaign_id,
      campaignName: 'Brand New', // the campaign's current name, on every day
      adGroupId: r.ad_group_id,
      keyword: r.keyword,
      matchType: r.match_type,
      clicks: 0,
      micros: 0,
    };
    x.clicks += r.clicks;
    x.micros += Math.round(r.cost * 100) * 10_000;
    out.set(k, x);
  }
  return [...out.values()].filter((x) => x.clicks > 0 || x.micros > 0);
}

function readBack(platform: 'google' | 'microsoft', bytes: Buffer): Line[] {
  return readAdFile(platform, bytes).rows.map((r) => ({
    date: r.date,
    campaignId: r.campaignId,
    campaignName: r.campaignName,
    adGroupId: r.adGroupId,
    keyword: r.keyword,
    // "Exact match" (Google), "Exact" (Microsoft): the simulator's "exact"
    matchType: r.matchType === null ? null : r.matchType.replace(/ match$/, '').toLowerCase(),
    clicks: r.clicks,
    micros: r.costMicros,
  }));
}

test("Google's keyword report reads back to the same keyword rows, to the cent", () => {
  const rows = rowsOf('google_ads');
  const text = googleAdsUiCsv(rows, { level: 'keyword' });
  const lines = text.split('\n');
  assert.equal(lines[0], 'Search keyword report');
  assert.equal(
    lines[2],
    'Day,Campaign,Campaign ID,Ad group,Ad group ID,Keyword,Match type,Currency code,Impr.,Clicks,Cost,Conversions',
  );
  assert.ok(
    lines.includes(
      '2026-03-01,Brand New,11,Group 21,21,crm software,Exact match,USD,300,12,"1,234.56",0.00',
    ),
  );
  assert.deepEqual(readBack('google', Buffer.from(text)), expected(rows));
  assert.ok(!text.includes('Display B2B'), 'a row with no keyword is not in a keyword report');
  assert.ok(text.includes('Total: Account,--,--,--,--,--,--,USD,'));
  // the ad group report stays the default, without keyword columns
  const groups = readAdFile('google', Buffer.from(googleAdsUiCsv(rows))).rows;
  assert.ok(groups.every((r) => r.keyword === null && r.matchType === null));
  assert.ok(groups.some((r) => r.campaignName === 'Display B2B'));
});

test("Microsoft's KeywordPerformanceReport reads back to the same keyword rows, zipped or not", () => {
  const rows = rowsOf('microsoft_ads');
  const text = microsoftReportCsv(rows, '180423715', { level: 'keyword' });
  assert.match(text, /^\uFEFF"Report Name: closedloop Keyword 2026-03-01\.\.2026-03-02"\r\n/);
  assert.ok(
    text.includes(
      '"2026-03-01","180423715","11","Brand New","21","Group 21","crm software","Phrase","Phrase","USD","100","4","8.06","0","0.00"',
    ),
  );
  assert.deepEqual(readBack('microsoft', Buffer.from(text)), expected(rows));
  assert.deepEqual(
    readBack('microsoft', microsoftReportZip(rows, '180423715', { level: 'keyword' })),
    expected(rows),
  );
  assert.match(text, /"Rows: 4"/);
  const groups = readAdFile('microsoft', Buffer.from(microsoftReportCsv(rows))).rows;
  assert.ok(groups.every((r) => r.keyword === null));
});
