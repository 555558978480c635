// The store's ad-cost area: what the ad platforms report (spend, impressions, clicks, their own
// conversions) at the finest grain each gives, as facts. Every import names the platform, account and
// period it covers; for each account and day the latest import covering that day is the one in effect,
// so re-importing a period replaces it (never doubles it) and a day it no longer reports is empty,
// while every import stays on record. Issue 16; docs/costs.md.

export const AD_PLATFORMS = ['google', 'meta', 'linkedin', 'microsoft'] as const;
export type AdPlatform = (typeof AD_PLATFORMS)[number];

/** One import: an account's costs over a period (every day of it, rows or none). */
export interface AdCostImport {
  /** Sortable by time: the greatest covering a day is in effect (newAdCostImportId). */
  importId: string;
  platform: AdPlatform;
  accountId: string;
  /** First and last day covered, YYYY-MM-DD, in the account's time zone. */
  from: string;
  to: string;
  /** How it came: `api`, or `csv:<file name>`. */
  source: string;
}

/** An import whose rows are being staged: its period is known once its file is read. */
export type StagedAdCostImport = Pick<AdCostImport, 'importId' | 'platform' | 'accountId'>;

// the row shape is shared with the platform readers (src/sources), so it lives in the bottom layer
export type { AdCostRow } from '../../util/ad-cost-row.js';
import type { AdCostRow } from '../../util/ad-cost-row.js';

export interface StoredAdCostRow extends AdCostRow {
  platform: AdPlatform;
  accountId: string;
  importId: string;
}

export const AD_COST_GROUPS = ['platform', 'account', 'campaign', 'date', 'currency'] as const;
export type AdCostGroup = (typeof AD_COST_GROUPS)[number];

export interface AdCostTotal {
  /** The group's values, by the names asked for (campaign: its id; its latest name beside it). */
  group: Partial<Record<AdCostGroup, string>>;
  campaignName?: string;
  impressions: number;
  clicks: number;
  /** Spend in the target currency; null when some of it has no exchange rate (see `missingRates`). */
  cost: number | null;
  conversions: number;
  conversionValue: number | null;
}

export interface AdCostsStore {
  /**
   * Records an import and its rows (each dated inside the import's period). The rows are in effect for
   * every day of the period from now on, until a later import covers the day.
   */
  appendAdCosts(
    workspaceId: string,
    imp: AdCostImport,
    rows: readonly AdCostRow[],
  ): Promise<{ rows: number }>;
  /**
   * Stages rows of an import not yet recorded: no read sees them (a day's rows are those of its latest
   * recorded import), so a file is stored in batches as it is read and counts only once whole.
   */
  stageAdCosts(
    workspaceId: string,
    imp: StagedAdCostImport,
    rows: readonly AdCostRow[],
  ): Promise<void>;
  /**
   * Records a staged import (its rows all staged, each dated inside its period): from now on its rows
   * are in effect for every day of the period, until a later import covers the day.
   */
  commitAdCosts(workspaceId: string, imp: AdCostImport, rows: number): Promise<void>;
  /** Removes the staged rows of an import that will never be recorded (its file failed). */
  discardAdCosts(workspaceId: string, importId: string): Promise<void>;
  /**
   * The imports begun before `before` (an import id, see adCostImportIdBefore) with staged rows and no
   * record: files whose process died mid-read (discardAdCosts removes them).
   */
  staleStagedAdCostImports(workspaceId: string, before: string): Promise<string[]>;
  /** The rows in effect on the days from `from` to `to` (inclusive), by platform, account, date, campaign. */
  adCosts(workspaceId: string, range: { from: string; to: string }): Promise<StoredAdCostRow[]>;
  /**
   * Totals of the rows in effect, grouped, with spend and conversion value converted to `currency` at
   * each day's exchange rate; the (currency, day) pairs with no rate are listed.
   */
  adCostTotals(
    workspaceId: string,
    q: { from: string; to: string; groupBy: readonly AdCostGroup[]; currency: string },
  ): Promise<{ rows: AdCostTotal[]; missingRates: { currency: string; date: string }[] }>;
  /** The (currency, day) pairs of the rows in effect with no rate to `currency`: adCostTotals' list alone. */
  missingAdCostRates(
    workspaceId: string,
    q: { from: string; to: string; currency: string },
  ): Promise<{ currency: string; date: string }[]>;
  /** Every import, newest first. */
  adCostImports(workspaceId: string): Promise<(AdCostImport & { rows: number })[]>;
}

let last = 0;
/** An import id that sorts by the time it was made: 13-digit epoch ms, a counter within it, random. */
/** The smallest import id made at `at` (epoch ms) or later: ids made before it sort below it. */
export function adCostImportIdBefore(at: number): string {
  return String(at * 1000).padStart(16, '0');
}

export function newAdCostImportId(now = Date.now()): string {
  last = Math.max(last + 1, now * 1000);
  const rand = Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `${String(last).padStart(16, '0')}-${rand}`;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What is wrong with rows (of a period, when given), or undefined: bad or outside days, negatives. */
export function adCostRowsProblem(
  rows: readonly AdCostRow[],
  period?: { from: string; to: string },
): string | undefined {
  for (const [i, r] of rows.entries()) {
    if (!DAY.test(r.date) || (period && (r.date < period.from || r.date > period.to)))
      return `rows[${i}].date: ${r.date} is outside ${period ? `${period.from}..${period.to}` : 'the calendar'}`;
    if (!/^[A-Z]{3}$/.test(r.currency)) return `rows[${i}].currency: not a currency code`;
    for (const k of ['impressions', 'clicks', 'costMicros'] as const)
      if (!Number.isSafeInteger(r[k]) || r[k] < 0) return `rows[${i}].${k}: not a count`;
    if (r.campaignId === '') return `rows[${i}].campaignId: is empty`;
  }
  return undefined;
}

/** What is wrong with an import's period, or undefined. */
export function adCostPeriodProblem(imp: AdCostImport): string | undefined {
  if (!DAY.test(imp.from) || !DAY.test(imp.to) || imp.from > imp.to)
    return `period: ${imp.from}..${imp.to} is not a period of days`;
  return undefined;
}

/** What is wrong with an import and its rows, or undefined: days outside the period, bad days, negatives. */
export function adCostProblem(imp: AdCostImport, rows: readonly AdCostRow[]): string | undefined {
  return adCostPeriodProblem(imp) ?? adCostRowsProblem(rows, imp);
}
