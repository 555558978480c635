// The platform exports in their own shapes, on a few hand-made cost rows: each UI export's preamble,
// separators and total rows, German numbers in Meta's `;` export, zero rows left out, a renamed
// campaign under its new name on every day, the API answers' string numbers, and a real zip (CRC and
// all) around Microsoft's report; each read back by its platform's reader to the same cents.
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { test } from 'node:test';
import { readAdFile } from '../../sources/ads/read-file.js';
import { unzip } from '../../sources/microsoft-ads/zip.js';
import type { AdCostRow, AdPlatform } from '../types.js';
import { microsoftReportCsv, platformExports } from './index.js';

const row = (
  platform: AdPlatform,
  date: string,
  campaign: [string, string],
  group: [string, string],
  clicks: number,
  cost: number,
): AdCostRow => ({
  date,
  platform,
  account_currency: 'USD',
  campaign_id: campaign[0],
  campaign_name: campaign[1],
  ad_group_id: group[0],
  ad_group_name: group[1],
  keyword: null,
  match_type: null,
  impressions: clicks * 40,
  clicks,
  cost,
});

const ROWS: AdCostRow[] = (
  ['google_ads', 'meta_ads', 'linkedin_ads', 'microsoft_ads'] as const
).flatMap((p) => [
  row(p, '2026-03-01', ['11', 'Spring, Old'], ['21', 'Group A'], 30, 1234.5),
  row(p, '2026-03-01', ['11', 'Spring, Old'], ['22', 'Group B'], 1, 0.07),
  row(p, '2026-03-01', ['12', 'Display | B2B'], ['23', 'Group C'], 0, 0),
  row(p, '2026-03-02', ['11', 'Spring New'], ['21', 'Group A'], 2, 3.1),
]);

test('each UI export: preamble, numbers as the UI writes them, totals, the current name', () => {
  const x = platformExports(ROWS, { metaLocale: 'de' });
  const text = (p: string) => x.csv.find((c) => c.platform === p)!.bytes.toString('utf8');
  const google = text('google').split('\n');
  assert.deepEqual(google.slice(0, 2), ['Ad group report', '"March 1, 2026 - March 2, 2026"']);
  assert.ok(google.includes('2026-03-01,Spring New,11,Group A,21,USD,"1,200",30,"1,234.50",0.00'));
  assert.ok(google.some((l) => l.startsWith('Total: Account,') && l.includes('"1,237.67"')));
  assert.ok(
    !google.some((l) => l.includes('Spring, Old') || l.includes(',23,')),
    'old name, zero row',
  );
  const meta = text('meta');
  assert.match(meta, /^\uFEFFBerichtsbeginn;Berichtsende;Kampagnenname;/);
  assert.ok(meta.includes(';1.234,50;1.200;30\n'));
  assert.match(
    text('linkedin'),
    /^Campaign Performance Report \(in UTC\)\n"Report Start: 3\/1\/2026, 12:00 AM"/,
  );
  const ms = text('microsoft');
  assert.ok(ms.includes('3/1/2026,Spring New,11,Group A,21,USD,"1,200",30,"1,234.50",0'));
  assert.match(ms, /\r\nTotal,.*"1,237\.67",0\r\n\r\n"©2026 Microsoft Corporation/);
  // every export reads back to the rows' cents, day by day
  for (const f of x.csv) {
    const read = readAdFile(f.platform, f.bytes);
    const cents = (day: string) =>
      read.rows.filter((r) => r.date === day).reduce((s, r) => s + r.costMicros, 0) / 10_000;
    assert.deepEqual([cents('2026-03-01'), cents('2026-03-02')], [123457, 310], f.file);
    assert.ok(
      read.rows.every((r) => r.campaignName !== 'Spring, Old'),
      f.file,
    );
  }
});

test('the API answers: string numbers, zero metrics left out, pages with cursors, a real zip', () => {
  const x = platformExports(ROWS, { metaPageSize: 2 });
  const [batch] = x.api.google.searchStream as {
    results: { metrics: object; campaign: object }[];
  }[];
  assert.deepEqual(batch!.results[0]!.metrics, {
    impressions: '1200',
    clicks: '30',
    costMicros: '1234500000',
  });
  assert.equal(batch!.results.length, 3);
  const pages = x.api.meta.pages as { data: { spend: string }[]; paging: { next?: string } }[];
  assert.deepEqual(
    pages.map((p) => [p.data.length, p.paging.next !== undefined]),
    [
      [2, true],
      [1, false],
    ],
  );
  assert.equal(pages[0]!.data[0]!.spend, '1234.50');
  assert.deepEqual(
    x.api.linkedin.elements.map((e) => [e.pivotValues[0], e.costInLocalCurrency]),
    [
      ['urn:li:sponsoredCampaign:11', '1234.57'],
      ['urn:li:sponsoredCampaign:11', '3.10'],
    ],
  );
  assert.deepEqual(x.api.linkedin.campaigns, [
    { id: 11, name: 'Spring New' },
    { id: 12, name: 'Display | B2B' },
  ]);
  const [entry] = unzip(x.api.microsoft.reportZip);
  const csv = Buffer.from(microsoftReportCsv(ROWS), 'utf8');
  assert.ok(entry!.data.equals(csv));
  assert.equal(x.api.microsoft.reportZip.readUInt32LE(14), crc32(csv));
});
