// Ad-cost files over HTTP on a real server, on the engine under test: each platform's documented
// payloads and exports in, their spend per platform exact to the micro; a re-import of an overlapping
// period replaces it (checked by total, and the first import still on record); a bad file is a 400
// naming its line and column and imports nothing; bad queries are 400s naming the parameter.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { clientFor, startTestServer } from '../../test-helpers/server.js';
import { zipOf } from '../../test-helpers/zip-writer.js';

const fixture = (platform: string, name: string) =>
  readFileSync(new URL(`../../sources/${platform}-ads/fixtures/${name}`, import.meta.url));

test(
  'every platform imported from its files; re-import replaces; bad files refused whole',
  { timeout: 120_000 },
  async () => {
    const s = await startTestServer();
    const { api } = clientFor(s);
    const ws = s.workspace.id;
    const post = (query: string, body: Buffer | string) =>
      api(`/api/ad-costs?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      });
    const spendBy = async () => {
      const rows = await s.store.adCosts(ws, { from: '2024-01-01', to: '2024-12-31' });
      const out: Record<string, number> = {};
      for (const r of rows)
        out[`${r.platform}/${r.currency}`] =
          (out[`${r.platform}/${r.currency}`] ?? 0) + r.costMicros;
      return out;
    };
    try {
      const pages = JSON.stringify([
        JSON.parse(fixture('meta', 'insights-ad-page1.json').toString()),
        JSON.parse(fixture('meta', 'insights-ad-page2.json').toString()),
      ]);
      const meta = await post('platform=meta&account=act_1234567890&file=insights.json', pages);
      assert.equal(meta.status, 200);
      const metaBody = (await meta.json()) as { importId: string };
      assert.match(metaBody.importId, /^\d{16}-[0-9a-z]{6}$/);
      assert.deepEqual(metaBody, {
        importId: metaBody.importId,
        platform: 'meta',
        // the account as the store keys it, however it was written
        account: '1234567890',
        format: 'api-json',
        from: '2024-05-01',
        to: '2024-05-02',
        rows: 3,
        spend: [{ currency: 'USD', amount: '1927.35' }],
      });
      const google = await post(
        'platform=google&account=123-456-7890',
        fixture('google', 'search-stream-campaign.json'),
      );
      assert.equal(google.status, 200, await google.clone().text());
      const linkedin = await post(
        'platform=linkedin&account=5123&currency=usd',
        fixture('linkedin', 'ad-analytics-campaign-daily.json'),
      );
      assert.equal(linkedin.status, 200, await linkedin.clone().text());
      const zipped = zipOf('report.csv', fixture('microsoft', 'campaign-performance-report.csv'));
      const microsoft = await post('platform=microsoft&account=180001&file=report.zip', zipped);
      assert.equal(microsoft.status, 200, await microsoft.clone().text());
      assert.deepEqual(await spendBy(), {
        'google/USD': 25_550_000,
        'linkedin/USD': 325_304_600,
        'meta/USD': 1_927_350_000,
        'microsoft/USD': 1_289_880_000,
      });

      // each platform's CSV export of the same days replaces its API's rows: same spend, not twice it
      for (const [query, platform, name] of [
        ['platform=google&account=123-456-7890', 'google', 'ui-campaign-by-day.csv'],
        ['platform=linkedin&account=5123', 'linkedin', 'campaign-manager-daily.csv'],
        ['platform=microsoft&account=180001', 'microsoft', 'ui-campaigns-export.csv'],
      ] as const) {
        const r = await post(`${query}&file=${name}`, fixture(platform, name));
        assert.equal(r.status, 200, `${name}: ${await r.clone().text()}`);
      }
      const afterCsv = await spendBy();
      assert.equal(afterCsv['google/USD'], 25_550_000);
      // the same account written without its dashes is the same account: replaced, not added
      const bare = await post(
        'platform=google&account=1234567890',
        fixture('google', 'ui-campaign-by-day.csv'),
      );
      assert.equal(bare.status, 200, await bare.clone().text());
      assert.equal((await spendBy())['google/USD'], 25_550_000);
      assert.equal(afterCsv['linkedin/USD'], 325_304_600);
      // the UI export has Brand only (Generic's 8.07 on May 1 is not in it): that day restated without it
      assert.equal(afterCsv['microsoft/USD'], 1_184_500_000 + 97_310_000);
      // the Ads Manager export of the same days replaces the API's rows: same spend, not twice it
      const csv = await post(
        'platform=meta&account=act_1234567890&file=export.csv',
        fixture('meta', 'ads-manager-by-day.csv'),
      );
      assert.equal(csv.status, 200, await csv.clone().text());
      assert.equal((await spendBy())['meta/USD'], 1_927_350_000);
      // a restated day: May 2 only, Retargeting now 1,000.00 and the small ad gone
      const restated =
        'Day,Campaign name,Campaign ID,Amount spent (USD)\n2024-05-02,Retargeting,120200444,"1,000.00"\n';
      assert.equal((await post('platform=meta&account=act_1234567890', restated)).status, 200);
      assert.equal((await spendBy())['meta/USD'], 742_350_000 + 1_000_000_000);
      const imports = (await s.store.adCostImports(ws)).filter((i) => i.platform === 'meta');
      assert.deepEqual(
        imports.map((i) => [i.source, i.from, i.to, i.rows]),
        [
          ['csv:upload', '2024-05-02', '2024-05-02', 1],
          ['csv:export.csv', '2024-05-01', '2024-05-02', 3],
          ['json:insights.json', '2024-05-01', '2024-05-02', 3],
        ],
      );

      // a bad value: 400 naming line and column, and nothing of the file imported
      const bad = fixture('microsoft', 'campaign-performance-report.csv')
        .toString()
        .replace('"97.31"', '"97,31,0"');
      const refused = await post('platform=microsoft&account=180001', bad);
      assert.equal(refused.status, 400);
      const err = (
        (await refused.json()) as { error: { code: string; field: string; message: string } }
      ).error;
      assert.equal(err.code, 'invalid_ad_file');
      assert.equal(err.field, 'line 14, column Spend');
      assert.match(err.message, /not an amount: "97,31,0"/);
      assert.equal((await s.store.adCostImports(ws)).length, 10);

      for (const [query, field] of [
        ['platform=tiktok&account=1', 'platform'],
        ['platform=meta&account=', 'account'],
        ['platform=linkedin&account=5123', 'currency'],
        ['platform=google&account=---', 'account'],
        ['platform=google&account=1&from=May', 'from'],
      ] as const) {
        const r = await post(query, fixture('linkedin', 'ad-analytics-campaign-daily.json'));
        assert.equal(r.status, 400, query);
        const e = ((await r.json()) as { error: { field?: string; message: string } }).error;
        assert.ok(e.field === field || e.message.includes(field), `${query}: ${JSON.stringify(e)}`);
      }
      const wrongType = await api('/api/ad-costs?platform=meta&account=1', {
        method: 'POST',
        body: '{}',
      });
      assert.ok(wrongType.status === 415 || wrongType.status === 400, String(wrongType.status));
    } finally {
      await s.close();
    }
  },
);
