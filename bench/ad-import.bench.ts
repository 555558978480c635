// Ad-cost import of one year (365 days) of daily costs for the 4 platforms, each in the platform's own
// export (issue 16): Google Ads' UI keyword report and Microsoft Advertising's KeywordPerformanceReport
// (BENCH_AD_KEYWORDS keyword rows a day each, 1,000 by default), Meta's Ads Manager export by ad set
// (0.3 x that a day) and LinkedIn's Campaign Manager export by campaign (0.06 x): ~860k rows by default.
// Each file is written by the simulator's platform writers (src/sim/ad-writers) and imported with what
// `closedloop import ads FILE --platform P --account A` runs, in its own process on a fresh DuckDB store;
// beside it, in the same run, the baseline: csv-parse streaming over the same file, nothing stored, and
// the platform's reader alone (no store). Rows/s and peak RSS per platform and in total.
//
// Run alone: npx tsx bench/ad-import.bench.ts (prints JSON), or npm run bench -- ad-import.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIM_AD_ACCOUNTS } from '../src/sim/ad-writers/accounts.js';
import { googleAdsUiCsv } from '../src/sim/ad-writers/google.js';
import { linkedInCampaignManagerCsv } from '../src/sim/ad-writers/linkedin.js';
import { metaAdsManagerCsv } from '../src/sim/ad-writers/meta.js';
import { microsoftReportCsv } from '../src/sim/ad-writers/microsoft.js';
import type { AdCostRow, AdPlatform } from '../src/sim/types.js';
import type { AdFilePlatform } from '../src/sources/ads/read-file.js';
import { AD_IMPORT_BATCH } from '../src/server/routes/ad-costs.js';
import type { BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const KEYWORDS = Math.max(1, Number(process.env.BENCH_AD_KEYWORDS ?? 1000));
const DAYS = 365;
const START = Date.parse('2025-11-01T00:00:00Z');
const DAY = 86_400_000;
const MATCH = ['exact', 'phrase', 'broad'] as const;

interface Step {
  seconds: number;
  rows: number;
  cells: number;
  peakRssMiB: number;
}

interface PlatformFile {
  platform: AdFilePlatform;
  account: string;
  /** What a row of the file is. */
  grain: string;
  perDay: number;
  write: (rows: AdCostRow[]) => string;
}

const FILES: PlatformFile[] = [
  {
    platform: 'google',
    account: SIM_AD_ACCOUNTS.google,
    grain: 'keyword',
    perDay: KEYWORDS,
    write: (rows) => googleAdsUiCsv(rows, { level: 'keyword' }),
  },
  {
    platform: 'microsoft',
    account: SIM_AD_ACCOUNTS.microsoft,
    grain: 'keyword',
    perDay: KEYWORDS,
    write: (rows) => microsoftReportCsv(rows, SIM_AD_ACCOUNTS.microsoft, { level: 'keyword' }),
  },
  {
    platform: 'meta',
    account: SIM_AD_ACCOUNTS.meta,
    grain: 'ad set',
    perDay: Math.max(1, Math.round(KEYWORDS * 0.3)),
    write: (rows) => metaAdsManagerCsv(rows, 'en'),
  },
  {
    platform: 'linkedin',
    account: SIM_AD_ACCOUNTS.linkedin,
    grain: 'campaign',
    perDay: Math.max(1, Math.round(KEYWORDS * 0.06)),
    write: (rows) => linkedInCampaignManagerCsv(rows),
  },
];

const SIM_PLATFORM: Record<AdFilePlatform, AdPlatform> = {
  google: 'google_ads',
  microsoft: 'microsoft_ads',
  meta: 'meta_ads',
  linkedin: 'linkedin_ads',
};

/**
 * A year of `perDay` rows a day, deterministic, every one with clicks and spend (the writers leave zero
 * rows out). Search: 10 keywords an ad group, 10 ad groups a campaign; Meta: 10 ad sets a campaign;
 * LinkedIn: a campaign a row.
 */
export function yearOfRows(f: PlatformFile): AdCostRow[] {
  const platform = SIM_PLATFORM[f.platform];
  const search = f.grain === 'keyword';
  const perCampaign = search ? 100 : f.grain === 'ad set' ? 10 : 1;
  const rows: AdCostRow[] = [];
  for (let d = 0; d < DAYS; d++) {
    const date = new Date(START + d * DAY).toISOString().slice(0, 10);
    for (let i = 0; i < f.perDay; i++) {
      const c = Math.floor(i / perCampaign);
      const g = search ? Math.floor(i / 10) : i;
      const clicks = 1 + ((i * 7 + d * 13) % 40);
      const cpc = 0.35 + (i % 300) / 100;
      rows.push({
        date,
        platform,
        account_currency: 'USD',
        campaign_id: String(7_100_000_000 + c),
        campaign_name: `${search ? 'Search' : 'Prospecting'} | Topic ${c}`,
        ad_group_id: String(8_200_000_000 + g),
        ad_group_name: `Group ${g} of topic ${c}`,
        keyword: search ? `keyword ${i % 10} of group ${g}` : null,
        match_type: search ? MATCH[(i + Math.floor(g / 3)) % 3]! : null,
        impressions: clicks * (20 + (i % 17)),
        clicks,
        cost: Math.round(clicks * cpc * 100) / 100,
      });
    }
  }
  return rows;
}

function step(mode: 'parse' | 'read' | 'cli', args: string[]): Step {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(here, 'support', 'ad-import-worker.ts'), mode, ...args],
    {
      encoding: 'utf8',
      env: { ...process.env, CLOSEDLOOP_STORE: 'duckdb', LOG_LEVEL: 'warn' },
    },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`ad import ${mode} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as Step;
}

interface Measured {
  f: PlatformFile;
  rows: number;
  mib: number;
  parse: Step;
  read: Step;
  cli: Step;
}

function measure(root: string, f: PlatformFile): Measured {
  const file = join(root, `${f.platform}-ads.csv`);
  const written = yearOfRows(f);
  writeFileSync(file, f.write(written));
  const rows = written.length;
  const mib = statSync(file).size / 2 ** 20;
  const parse = step('parse', [file]);
  const read = step('read', [file, f.platform]);
  const data = join(root, `data-${f.platform}`);
  mkdirSync(data);
  const cli = step('cli', [file, data, f.platform, f.account]);
  for (const [what, s] of [
    ['reader', read],
    ['import', cli],
  ] as const)
    if (s.rows !== rows) throw new Error(`${f.platform} ${what}: ${s.rows} rows of ${rows}`);
  rmSync(data, { recursive: true, force: true });
  rmSync(file, { force: true });
  return { f, rows, mib, parse, read, cli };
}

const rate = (rows: number, s: { seconds: number }) => rows / s.seconds;

function platformResults(m: Measured): BenchResult[] {
  const n = `${m.f.platform}`;
  const of = `${m.rows.toLocaleString('en')} rows (${m.f.perDay.toLocaleString('en')} ${m.f.grain} rows a day x ${DAYS} days), ${m.mib.toFixed(1)} MiB`;
  return [
    {
      name: `${n}: csv-parse of the file, streamed, nothing stored (baseline)`,
      value: rate(m.rows, m.parse),
      unit: 'rows/s',
      note: `${m.parse.seconds.toFixed(2)} s for ${of}`,
    },
    {
      name: `${n}: closedloop import ads, end to end (read + store)`,
      value: rate(m.rows, m.cli),
      unit: 'rows/s',
      note: `${m.cli.seconds.toFixed(2)} s; the reader alone (no store) ${m.read.seconds.toFixed(2)} s`,
    },
    {
      name: `${n}: import / raw parse`,
      value: rate(m.rows, m.cli) / rate(m.rows, m.parse),
      unit: 'ratio',
    },
    { name: `${n}: peak RSS of the raw parse`, value: m.parse.peakRssMiB, unit: 'MiB' },
    {
      name: `${n}: peak RSS of closedloop import ads`,
      value: m.cli.peakRssMiB,
      unit: 'MiB',
      note: `the file streamed, its rows stored in batches of ${AD_IMPORT_BATCH.toLocaleString('en')} as read: the reader alone peaks at ${m.read.peakRssMiB.toFixed(0)} MiB, the streamed parse at ${m.parse.peakRssMiB.toFixed(0)} MiB, for a ${m.mib.toFixed(1)} MiB file`,
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const root = mkdtempSync(join(tmpdir(), 'closedloop-bench-ads-'));
  try {
    const measured = FILES.map((f) => measure(root, f));
    const sum = (k: (m: Measured) => number) => measured.reduce((s, m) => s + k(m), 0);
    const rows = sum((m) => m.rows);
    const parse = { seconds: sum((m) => m.parse.seconds) };
    const cli = { seconds: sum((m) => m.cli.seconds) };
    const max = (k: (m: Measured) => number) => Math.max(...measured.map(k));
    return [
      ...measured.flatMap(platformResults),
      {
        name: 'all 4 platforms: csv-parse, nothing stored (baseline)',
        value: rate(rows, parse),
        unit: 'rows/s',
        note: `${parse.seconds.toFixed(2)} s for ${rows.toLocaleString('en')} rows, ${sum((m) => m.mib).toFixed(0)} MiB of CSV`,
      },
      {
        name: 'all 4 platforms: closedloop import ads, end to end',
        value: rate(rows, cli),
        unit: 'rows/s',
        note: `${cli.seconds.toFixed(2)} s; one file a process, each on a fresh DuckDB store`,
      },
      {
        name: 'all 4 platforms: import / raw parse',
        value: rate(rows, cli) / rate(rows, parse),
        unit: 'ratio',
      },
      {
        name: 'all 4 platforms: peak RSS of closedloop import ads (largest file)',
        value: max((m) => m.cli.peakRssMiB),
        unit: 'MiB',
        note: `the raw parse's largest ${max((m) => m.parse.peakRssMiB).toFixed(0)} MiB`,
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  run().then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`));
}
