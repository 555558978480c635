// Google Ads click_view: each gclid of a day with the campaign, ad group, ad and keyword it came from
// (docs/costs.md, "Click ids"). click_view must be asked one day at a time (and Google keeps 90 days),
// so the query names a single day. Its answer, through the same searchStream as the costs, is read here
// into AdClickRow facts: `clickView.adGroupAd` is a resource name, customers/{c}/adGroupAds/{g}~{ad}.
import { z } from 'zod';
import type { AdClickRow } from '../../util/ad-click-row.js';
import { SearchStreamAnswer, GoogleAdsRowError, resultRow } from './stream.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The click_view query of one day (in the account's time zone). */
export function clickViewGaql(day: string): string {
  if (!DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))
    throw new Error(`not a day: ${day}`);
  const fields = [
    'click_view.gclid',
    'segments.date',
    'campaign.id',
    'ad_group.id',
    'click_view.ad_group_ad',
    'click_view.keyword_info.text',
    'click_view.keyword_info.match_type',
  ].join(', ');
  // eslint-disable-next-line no-restricted-syntax -- GAQL sent to Google Ads, not an engine's SQL
  return `SELECT ${fields} FROM click_view WHERE segments.date = '${day}'`;
}

const id = z.union([z.string().regex(/^\d+$/), z.number().int()]).transform(String);

const Row = z.object({
  clickView: z.object({
    gclid: z.string().min(1).optional(),
    adGroupAd: z
      .string()
      .regex(/^customers\/\d+\/adGroupAds\/\d+~\d+$/, 'must be customers/{c}/adGroupAds/{g}~{ad}')
      .optional(),
    keywordInfo: z.object({ text: z.string(), matchType: z.string().optional() }).optional(),
  }),
  segments: z.object({ date: z.string().regex(DAY) }),
  campaign: z.object({ id }),
  adGroup: z.object({ id }).optional(),
});

/**
 * The clicks of a click_view answer, in answer order. A click without a gclid (Google leaves it out
 * for some campaign types) resolves nothing and is skipped.
 */
export function clicksOfStream(answer: unknown): AdClickRow[] {
  const batches = SearchStreamAnswer.safeParse(answer);
  if (!batches.success) throw new GoogleAdsRowError('answer', 'is not an array of result batches');
  const out: AdClickRow[] = [];
  batches.data.forEach((batch, b) =>
    batch.results.forEach((raw, i) => {
      const x = resultRow(Row, raw, b, i);
      if (x.clickView.gclid === undefined) return;
      const ad = x.clickView.adGroupAd?.split('~')[1] ?? null;
      out.push({
        clickId: x.clickView.gclid,
        date: x.segments.date,
        campaignId: x.campaign.id,
        adGroupId: x.adGroup?.id ?? null,
        adId: ad,
        keyword: x.clickView.keywordInfo?.text ?? null,
        matchType: x.clickView.keywordInfo?.matchType ?? null,
      });
    }),
  );
  return out;
}

/** A day's clicks through a client's searchStream (createGoogleAdsClient(...).searchStream). */
export async function fetchClicks(
  searchStream: (customerId: string, query: string) => Promise<unknown>,
  customerId: string,
  day: string,
): Promise<AdClickRow[]> {
  return clicksOfStream(await searchStream(customerId, clickViewGaql(day)));
}
