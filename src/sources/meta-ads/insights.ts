// A Marketing API Insights page (`GET /act_{id}/insights?level=...&time_increment=1`) read into cost
// records. Every number comes as a string; `spend` is decimal text in the account's currency (major
// units), `date_start` = `date_stop` is the day in the account's time zone. Meta reports one
// conversion under several aliases (`purchase`, `omni_purchase`, `offsite_conversion.fb_pixel_purchase`):
// one alias is taken per metric, never their sum. external-formats.md §2c; docs/costs.md.
import { z } from 'zod';
import { decimalToMicros, type AdCostRecord } from '../ads/records.js';

export type MetaLevel = 'campaign' | 'adset' | 'ad';

/** The fields asked of each level (the ids and names of the levels above it too). */
export function insightsFields(level: MetaLevel): string {
  const names = ['campaign_id', 'campaign_name'];
  if (level !== 'campaign') names.push('adset_id', 'adset_name');
  if (level === 'ad') names.push('ad_id', 'ad_name');
  return [
    'account_id',
    'account_currency',
    ...names,
    'spend',
    'impressions',
    'clicks',
    'actions',
    'action_values',
  ].join(',');
}

/** The aliases of a purchase, most specific first: the first one present is the metric. */
export const PURCHASE_ALIASES = [
  'offsite_conversion.fb_pixel_purchase',
  'purchase',
  'omni_purchase',
] as const;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'is not a day as YYYY-MM-DD');
const countText = z
  .string()
  .regex(/^\d+$/, 'is not a whole number')
  .transform(Number)
  .pipe(z.number().int().safe());
const money = z.string().transform((s, ctx) => {
  const m = decimalToMicros(s);
  if (m === undefined) ctx.addIssue({ code: 'custom', message: `is not an amount: "${s}"` });
  return m ?? 0;
});
const decimalText = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'is not a number')
  .transform(Number);
const Action = z.object({ action_type: z.string(), value: decimalText });

export const InsightsRow = z.object({
  account_id: z.string().optional(),
  account_currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'is not a currency code')
    .optional(),
  date_start: day,
  date_stop: day,
  campaign_id: z.string().min(1),
  campaign_name: z.string().default(''),
  adset_id: z.string().optional(),
  adset_name: z.string().optional(),
  ad_id: z.string().optional(),
  ad_name: z.string().optional(),
  spend: money.default(0),
  impressions: countText.default(0),
  clicks: countText.default(0),
  actions: z.array(Action).default([]),
  action_values: z.array(Action).default([]),
});

export const InsightsPage = z.object({
  data: z.array(z.unknown()),
  paging: z
    .object({
      cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).optional(),
      next: z.string().optional(),
    })
    .optional(),
});
export type InsightsPage = z.infer<typeof InsightsPage>;

export class MetaRowError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
  }
}

export interface MetaReadOptions {
  /** The account's currency when the rows do not carry `account_currency`. */
  currency?: string;
  /** The aliases of the conversion counted, in order of preference (default: purchase's). */
  conversionAliases?: readonly string[];
}

/** One alias's value: the first of `aliases` the row reports (never a sum over aliases). */
function oneAlias(
  actions: readonly { action_type: string; value: number }[],
  aliases: readonly string[],
) {
  for (const a of aliases) {
    const hit = actions.find((x) => x.action_type === a);
    if (hit) return hit.value;
  }
  return 0;
}

/** The cost record of one Insights row (the i-th of `at`), or an error naming the row and field. */
export function costRecordOfInsightsRow(
  raw: unknown,
  i: number,
  opts: MetaReadOptions = {},
  at = 'data',
): AdCostRecord {
  const aliases = opts.conversionAliases ?? PURCHASE_ALIASES;
  const r = InsightsRow.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new MetaRowError(`${at}[${i}].${issue.path.join('.') || '(row)'}`, issue.message);
  }
  const x = r.data;
  if (x.date_start !== x.date_stop)
    throw new MetaRowError(
      `${at}[${i}].date_stop`,
      `spans ${x.date_start}..${x.date_stop}: ask with time_increment=1 (a row per day)`,
    );
  const currency = x.account_currency ?? opts.currency?.toUpperCase();
  if (currency === undefined || !/^[A-Z]{3}$/.test(currency))
    throw new MetaRowError(
      `${at}[${i}].account_currency`,
      "is missing: ask for the field or give the account's currency",
    );
  return {
    date: x.date_start,
    currency,
    campaignId: x.campaign_id,
    campaignName: x.campaign_name,
    adGroupId: x.adset_id ?? null,
    adGroupName: x.adset_name ?? null,
    adId: x.ad_id ?? null,
    adName: x.ad_name ?? null,
    keyword: null,
    matchType: null,
    impressions: x.impressions,
    clicks: x.clicks,
    costMicros: x.spend,
    conversions: oneAlias(x.actions, aliases),
    conversionValue: oneAlias(x.action_values, aliases),
  };
}

/** The cost records of Insights rows (`data` of one or more pages); `at` names the page in errors. */
export function costRecordsOfInsights(
  data: readonly unknown[],
  opts: MetaReadOptions = {},
  at = 'data',
): AdCostRecord[] {
  return data.map((raw, i) => costRecordOfInsightsRow(raw, i, opts, at));
}

/** A saved Insights answer (one page, or an array of pages as a backfill keeps them). */
export function costRecordsOfInsightsFile(
  json: unknown,
  opts: MetaReadOptions = {},
): AdCostRecord[] {
  const pages = Array.isArray(json) ? json : [json];
  return pages.flatMap((p, n) => {
    const page = InsightsPage.safeParse(p);
    if (!page.success)
      throw new MetaRowError(
        Array.isArray(json) ? `[${n}]` : '(answer)',
        'is not an Insights page ({data: [...]})',
      );
    return costRecordsOfInsights(
      page.data.data,
      opts,
      Array.isArray(json) ? `[${n}].data` : 'data',
    );
  });
}
