// A searchStream answer read into cost records: the answer is an array of batches, each with `results`
// in the API's JSON form (camelCase names; int64 values as strings, doubles as numbers). Zod holds each
// row to the shape; a row the schema refuses is an error naming the batch, row and field.
import { z } from 'zod';
import type { AdCostRecord } from '../ads/records.js';

const int64 = z
  .union([z.string().regex(/^\d+$/), z.number().int().nonnegative()])
  .transform(Number);
const double = z.number().finite().nonnegative().default(0);
const id = z.union([z.string().regex(/^\d+$/), z.number().int()]).transform(String);

const Row = z.object({
  customer: z.object({ currencyCode: z.string().regex(/^[A-Z]{3}$/) }),
  segments: z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  campaign: z.object({ id, name: z.string() }),
  adGroup: z.object({ id, name: z.string().optional() }).optional(),
  adGroupAd: z.object({ ad: z.object({ id, name: z.string().optional() }) }).optional(),
  adGroupCriterion: z
    .object({
      criterionId: id,
      keyword: z.object({ text: z.string(), matchType: z.string() }).optional(),
    })
    .optional(),
  metrics: z.object({
    impressions: int64.default(0),
    clicks: int64.default(0),
    costMicros: int64.default(0),
    conversions: double,
    conversionsValue: double,
  }),
});

const Batch = z.object({ results: z.array(z.unknown()).default([]) });
export const SearchStreamAnswer = z.array(Batch);

export class GoogleAdsRowError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
  }
}

/** One result row (the i-th of batch b) read by its schema, or an error naming the batch, row and field. */
export function resultRow<T extends z.ZodType>(
  schema: T,
  raw: unknown,
  b: number,
  i: number,
): z.infer<T> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new GoogleAdsRowError(
    `batch ${b}, result ${i}, ${issue.path.join('.') || '(row)'}`,
    issue.message,
  );
}

/** Whether a batch (its results aside) is a searchStream batch: an object whose `results` is an array. */
export const isResultBatch = (batch: unknown): boolean => Batch.safeParse(batch).success;

/** The cost record of one result row (the i-th of batch b), or an error naming the batch, row and field. */
export function costRecordOfResult(raw: unknown, b: number, i: number): AdCostRecord {
  const x = resultRow(Row, raw, b, i);
  const keyword = x.adGroupCriterion?.keyword;
  return {
    date: x.segments.date,
    currency: x.customer.currencyCode,
    campaignId: x.campaign.id,
    campaignName: x.campaign.name,
    adGroupId: x.adGroup?.id ?? null,
    adGroupName: x.adGroup?.name ?? null,
    adId: x.adGroupAd?.ad.id ?? null,
    adName: x.adGroupAd?.ad.name ?? null,
    keyword: keyword?.text ?? null,
    matchType: keyword?.matchType ?? null,
    impressions: x.metrics.impressions,
    clicks: x.metrics.clicks,
    costMicros: x.metrics.costMicros,
    conversions: x.metrics.conversions,
    conversionValue: x.metrics.conversionsValue,
  };
}

/** The cost records of a searchStream answer (any level), in answer order. */
export function costRecordsOfStream(answer: unknown): AdCostRecord[] {
  const batches = SearchStreamAnswer.safeParse(answer);
  if (!batches.success) throw new GoogleAdsRowError('answer', 'is not an array of result batches');
  return batches.data.flatMap((batch, b) =>
    batch.results.map((raw, i) => costRecordOfResult(raw, b, i)),
  );
}
