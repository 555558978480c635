// LinkedIn's adAnalytics answer (`q=analytics&pivot=CAMPAIGN&timeGranularity=DAILY`, or `q=statistics`
// with `pivots=List(CAMPAIGN,CREATIVE)`) read into cost records. Money is decimal text in major units;
// the day is `dateRange.start` as {year, month, day}; the rows name campaigns and creatives by URN only,
// so their names come from an adCampaigns (and adCreatives) lookup, and the currency from the ad account
// (the answer has none). external-formats.md §2d; docs/costs.md.
import { z } from 'zod';
import { decimalToMicros, type AdCostRecord } from '../ads/records.js';

const Ymd = z.object({
  year: z.number().int().min(2000).max(2100),
  month: z.number().int().min(1).max(12),
  day: z.number().int().min(1).max(31),
});
const money = z.union([z.string(), z.number()]).transform((s, ctx) => {
  const m = decimalToMicros(String(s));
  if (m === undefined) ctx.addIssue({ code: 'custom', message: `is not an amount: "${s}"` });
  return m ?? 0;
});
const count = z.number().int().nonnegative().default(0);

const Element = z.object({
  dateRange: z.object({ start: Ymd, end: Ymd.optional() }),
  pivotValues: z.array(z.string()).min(1),
  impressions: count,
  clicks: count,
  costInLocalCurrency: money.default(0),
  externalWebsiteConversions: z.number().nonnegative().default(0),
  conversionValueInLocalCurrency: z
    .union([z.string().regex(/^\d+(\.\d+)?$/), z.number().nonnegative()])
    .transform(Number)
    .default(0),
});

export const AnalyticsAnswer = z.object({ elements: z.array(z.unknown()) });

export class LinkedInRowError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
const dayOf = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${pad(d.month)}-${pad(d.day)}`;

/** The id in a URN (`urn:li:sponsoredCampaign:123` is campaign 123), by its kind. */
export function urnId(urn: string): { kind: string; id: string } | undefined {
  const m = /^urn:li:([A-Za-z]+):(.+)$/.exec(urn);
  return m ? { kind: m[1]!, id: m[2]! } : undefined;
}

export interface LinkedInReadOptions {
  /** The ad account's currency (adAccounts `currency`). */
  currency: string;
  /** Campaign id to name (adCampaigns `name`); unknown ids keep their URN id as the name. */
  campaignNames?: ReadonlyMap<string, string>;
  /** Creative id to name, when the rows are pivoted by creative. */
  creativeNames?: ReadonlyMap<string, string>;
  /** Creative id to its campaign id, when the rows carry only the creative. */
  creativeCampaigns?: ReadonlyMap<string, string>;
}

/** The currency given, as the rows carry it, or an error: the answer has none of its own. */
export function analyticsCurrency(opts: LinkedInReadOptions): string {
  const currency = opts.currency.toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new LinkedInRowError('currency', 'not a currency code');
  return currency;
}

/** The cost record of one adAnalytics element (the i-th of `at`), or an error naming it and the field. */
export function costRecordOfAnalyticsElement(
  raw: unknown,
  i: number,
  opts: LinkedInReadOptions,
  at = 'elements',
): AdCostRecord {
  const currency = analyticsCurrency(opts);
  const r = Element.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new LinkedInRowError(`${at}[${i}].${issue.path.join('.') || '(row)'}`, issue.message);
  }
  const x = r.data;
  const date = dayOf(x.dateRange.start);
  if (x.dateRange.end && dayOf(x.dateRange.end) !== date)
    throw new LinkedInRowError(
      `${at}[${i}].dateRange`,
      'spans more than a day: ask with timeGranularity=DAILY',
    );
  const ids = new Map<string, string>();
  for (const v of x.pivotValues) {
    const u = urnId(v);
    if (u) ids.set(u.kind, u.id);
  }
  const creative = ids.get('sponsoredCreative') ?? null;
  const campaign =
    ids.get('sponsoredCampaign') ??
    (creative === null ? undefined : opts.creativeCampaigns?.get(creative));
  if (campaign === undefined)
    throw new LinkedInRowError(
      `${at}[${i}].pivotValues`,
      'names no campaign (pivot by CAMPAIGN, or by CAMPAIGN and CREATIVE)',
    );
  return {
    date,
    currency,
    campaignId: campaign,
    campaignName: opts.campaignNames?.get(campaign) ?? campaign,
    adGroupId: null,
    adGroupName: null,
    adId: creative,
    adName: creative === null ? null : (opts.creativeNames?.get(creative) ?? null),
    keyword: null,
    matchType: null,
    impressions: x.impressions,
    clicks: x.clicks,
    costMicros: x.costInLocalCurrency,
    conversions: x.externalWebsiteConversions,
    conversionValue: x.conversionValueInLocalCurrency,
  };
}

/** The cost records of adAnalytics elements; `at` names the answer in errors. */
export function costRecordsOfAnalytics(
  elements: readonly unknown[],
  opts: LinkedInReadOptions,
  at = 'elements',
): AdCostRecord[] {
  analyticsCurrency(opts);
  return elements.map((raw, i) => costRecordOfAnalyticsElement(raw, i, opts, at));
}

/** A saved adAnalytics answer (or an array of them, one per date slice). */
export function costRecordsOfAnalyticsFile(
  json: unknown,
  opts: LinkedInReadOptions,
): AdCostRecord[] {
  const answers = Array.isArray(json) ? json : [json];
  return answers.flatMap((a, n) => {
    const parsed = AnalyticsAnswer.safeParse(a);
    const where = Array.isArray(json) ? `[${n}]` : '(answer)';
    if (!parsed.success)
      throw new LinkedInRowError(where, 'is not an adAnalytics answer ({elements: [...]})');
    return costRecordsOfAnalytics(
      parsed.data.elements,
      opts,
      Array.isArray(json) ? `[${n}].elements` : 'elements',
    );
  });
}
