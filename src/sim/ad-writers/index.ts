/**
 * The simulated ad accounts written in each platform's own shapes (docs/simulator.md, "Ad platform
 * exports"): the CSV a marketer downloads from each platform's interface, and the API answers each
 * client reads. `adPlatformWriter` collects the day's cost rows (a few dozen a day, whatever the
 * traffic) and, on close, writes the files to a directory when given one; `platformExports` gives
 * the same in memory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdCostRow, SimWriter } from '../types.js';
import { FILE_PLATFORM, SIM_AD_ACCOUNTS, periodOf } from './accounts.js';
import { googleAdsSearchStream, googleAdsUiCsv } from './google.js';
import {
  linkedInAdAccount,
  linkedInAnalyticsElements,
  linkedInCampaignManagerCsv,
  linkedInCampaigns,
} from './linkedin.js';
import { metaAdsManagerCsv, metaInsightsPages } from './meta.js';
import { microsoftReportZip, microsoftUiCsv } from './microsoft.js';

export { SIM_AD_ACCOUNTS, FILE_PLATFORM } from './accounts.js';
export { metaCursor } from './meta.js';
export { microsoftReportCsv } from './microsoft.js';

export interface PlatformCsv {
  /** The platform as `closedloop import ads --platform` names it. */
  platform: (typeof FILE_PLATFORM)[keyof typeof FILE_PLATFORM];
  account: string;
  file: string;
  bytes: Buffer;
}

export interface PlatformExports {
  from: string;
  to: string;
  /** Each platform's UI export, as `closedloop import ads` takes it. */
  csv: PlatformCsv[];
  /** What each platform's API answers, for a replay of it. */
  api: {
    google: { customerId: string; searchStream: unknown[] };
    meta: { accountId: string; pages: { data: unknown[]; paging?: unknown }[] };
    linkedin: {
      accountId: string;
      account: ReturnType<typeof linkedInAdAccount>;
      campaigns: { id: number; name: string }[];
      elements: ReturnType<typeof linkedInAnalyticsElements>;
    };
    microsoft: { accountId: string; customerId: string; reportZip: Buffer };
  };
}

export interface PlatformExportOptions {
  /** The Ads Manager export's language: `de` writes `;`, German headers and decimal commas. */
  metaLocale?: 'en' | 'de';
  /** Rows per Insights page. */
  metaPageSize?: number;
}

/** Every platform's exports of the cost rows. */
export function platformExports(
  rows: readonly AdCostRow[],
  o: PlatformExportOptions = {},
): PlatformExports {
  const utf8 = (s: string) => Buffer.from(s, 'utf8');
  return {
    ...periodOf(rows),
    csv: [
      {
        platform: 'google',
        account: SIM_AD_ACCOUNTS.google,
        file: 'google-ads.csv',
        bytes: utf8(googleAdsUiCsv(rows)),
      },
      {
        platform: 'meta',
        account: SIM_AD_ACCOUNTS.meta,
        file: 'meta-ads.csv',
        bytes: utf8(metaAdsManagerCsv(rows, o.metaLocale)),
      },
      {
        platform: 'linkedin',
        account: SIM_AD_ACCOUNTS.linkedin,
        file: 'linkedin-ads.csv',
        bytes: utf8(linkedInCampaignManagerCsv(rows)),
      },
      {
        platform: 'microsoft',
        account: SIM_AD_ACCOUNTS.microsoft,
        file: 'microsoft-ads.csv',
        bytes: utf8(microsoftUiCsv(rows)),
      },
    ],
    api: {
      google: { customerId: SIM_AD_ACCOUNTS.google, searchStream: googleAdsSearchStream(rows) },
      meta: {
        accountId: SIM_AD_ACCOUNTS.meta,
        pages: metaInsightsPages(rows, o.metaPageSize ? { pageSize: o.metaPageSize } : {}),
      },
      linkedin: {
        accountId: SIM_AD_ACCOUNTS.linkedin,
        account: linkedInAdAccount(rows),
        campaigns: linkedInCampaigns(rows),
        elements: linkedInAnalyticsElements(rows),
      },
      microsoft: {
        accountId: SIM_AD_ACCOUNTS.microsoft,
        customerId: SIM_AD_ACCOUNTS.microsoftCustomer,
        reportZip: microsoftReportZip(rows),
      },
    },
  };
}

export interface AdPlatformWriter extends SimWriter {
  /** The exports of everything written so far (after close: of the whole window). */
  exports(): PlatformExports;
}

/**
 * A writer of every platform's exports. With `dir`, close writes there: the four CSVs
 * (`google-ads.csv`, `meta-ads.csv`, `linkedin-ads.csv`, `microsoft-ads.csv`), the saved API answers
 * `google-ads.searchstream.json`, `meta-ads.insights.json` (the pages), `linkedin-ads.adanalytics.json`,
 * and the Microsoft report download `microsoft-ads.report.zip`.
 */
export function adPlatformWriter(
  o: PlatformExportOptions & { dir?: string } = {},
): AdPlatformWriter {
  const rows: AdCostRow[] = [];
  return {
    event: () => undefined,
    adCost: (row) => void rows.push(row),
    exports: () => platformExports(rows, o),
    close: async () => {
      if (o.dir === undefined) return;
      mkdirSync(o.dir, { recursive: true });
      const x = platformExports(rows, o);
      for (const f of x.csv) writeFileSync(join(o.dir, f.file), f.bytes);
      const json = (name: string, v: unknown) =>
        writeFileSync(join(o.dir!, name), `${JSON.stringify(v, null, 1)}\n`);
      json('google-ads.searchstream.json', x.api.google.searchStream);
      json('meta-ads.insights.json', x.api.meta.pages);
      json('linkedin-ads.adanalytics.json', { elements: x.api.linkedin.elements });
      writeFileSync(join(o.dir, 'microsoft-ads.report.zip'), x.api.microsoft.reportZip);
    },
  };
}
