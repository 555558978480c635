// `closedloop import ads` as a user runs it (real CLI processes, on the engine under test): a Meta
// Insights answer and a zipped Microsoft report on the store it opens, then the Ads Manager export of
// the same days beside a running server (through its API, said so), which replaces the API's rows
// rather than adding to them; bad files and flags are exit 2 naming the line and column or the flag,
// and import nothing.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliWorkspaceWith, runCli, serveCli } from '../../test-helpers/cli.js';
import { openTestStore } from '../../test-helpers/store.js';
import { tempDir } from '../../test-helpers/tmp.js';
import { zipOf } from '../../test-helpers/zip-writer.js';

const ENV = { LOG_LEVEL: 'warn' };
const fixture = (platform: string, name: string) =>
  readFileSync(new URL(`../../sources/${platform}-ads/fixtures/${name}`, import.meta.url));

test(
  'import ads: files in here and through a running server; a re-import replaces; bad files refused whole',
  { timeout: 240_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const data = join(dir, 'data');
    try {
      const ws = await cliWorkspaceWith(data, [], ENV);
      const cli = (args: string[]) =>
        runCli(['import', 'ads', ...args, '--workspace', ws, '--data-dir', data], ENV);
      const insights = join(dir, 'insights.json');
      writeFileSync(
        insights,
        JSON.stringify([
          JSON.parse(fixture('meta', 'insights-ad-page1.json').toString()),
          JSON.parse(fixture('meta', 'insights-ad-page2.json').toString()),
        ]),
      );
      const report = join(dir, 'report.zip');
      writeFileSync(
        report,
        zipOf('r.csv', fixture('microsoft', 'campaign-performance-report.csv')),
      );

      const meta = await cli([insights, '--platform', 'meta', '--account', 'act_1234567890']);
      assert.equal(meta.code, 0, meta.stderr);
      assert.equal(
        meta.stdout,
        `${insights}: 3 rows of meta account 1234567890, 2024-05-01..2024-05-02 (USD 1927.35); replaces earlier imports of those days\n`,
      );
      const ms = await cli([report, '--platform', 'microsoft', '--account', '180001', '--json']);
      assert.equal(ms.code, 0, ms.stderr);
      const [msResult] = JSON.parse(ms.stdout) as { rows: number; spend: unknown }[];
      assert.equal(msResult!.rows, 3);
      assert.deepEqual(msResult!.spend, [{ currency: 'USD', amount: '1289.88' }]);

      const bad = join(dir, 'bad.csv');
      writeFileSync(
        bad,
        fixture('meta', 'ads-manager-by-day.csv').toString().replace('"25,000"', '"25k"'),
      );
      const refused = await cli([bad, '--platform', 'meta', '--account', 'act_1234567890']);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /line 4, column Impressions: not a whole number: "25k"/);
      assert.match(refused.stderr, /FILE/);
      const platform = await cli([insights, '--platform', 'tiktok', '--account', '1']);
      assert.equal(platform.code, 2);
      assert.match(platform.stderr, /--platform/);

      const exported = join(dir, 'export.csv');
      writeFileSync(exported, fixture('meta', 'ads-manager-by-day.csv'));
      const { server, url } = await serveCli(data, ENV);
      try {
        const there = await cli([exported, '--platform', 'meta', '--account', 'act_1234567890']);
        assert.equal(there.code, 0, there.stderr);
        assert.ok(there.stderr.startsWith(`via the running server at ${url}\n`), there.stderr);
        assert.match(
          there.stdout,
          /3 rows of meta account 1234567890, 2024-05-01\.\.2024-05-02 \(USD 1927\.35\)/,
        );
        const badThere = await cli([bad, '--platform', 'meta', '--account', 'act_1234567890']);
        assert.equal(badThere.code, 2);
        assert.match(badThere.stderr, /line 4, column Impressions/);
        const currency = await cli([insights, '--platform', 'linkedin', '--account', '5123']);
        assert.equal(currency.code, 2);
        assert.match(currency.stderr, /--currency/);
      } finally {
        await server.stop();
      }

      const store = await openTestStore(data);
      try {
        const rows = await store.adCosts(ws, { from: '2024-05-01', to: '2024-05-02' });
        const sum = (p: string) =>
          rows.filter((r) => r.platform === p).reduce((s, r) => s + r.costMicros, 0);
        // the export replaced the API's rows of the same days: once, not twice
        assert.equal(sum('meta'), 1_927_350_000);
        assert.equal(sum('microsoft'), 1_289_880_000);
        assert.deepEqual(
          (await store.adCostImports(ws)).map((i) => [i.platform, i.source]),
          [
            ['meta', 'csv:export.csv'],
            ['microsoft', 'csv:report.zip'],
            ['meta', 'json:insights.json'],
          ],
        );
      } finally {
        await store.close();
      }
    } finally {
      cleanup();
    }
  },
);
