// One ad click as an ad platform resolves it (Google Ads' click_view: a gclid's campaign, ad group, ad
// and keyword on its day). It lives in util, the bottom layer, because the platform readers
// (src/sources) and the store both speak it and neither may import the other (as ad-cost-row.ts).

export interface AdClickRow {
  /** The platform's click id as its auto-tagging wrote it into the landing URL (e.g. a gclid). */
  clickId: string;
  /** YYYY-MM-DD in the account's time zone: the day the platform reports the click on. */
  date: string;
  campaignId: string;
  adGroupId: string | null;
  adId: string | null;
  /** The keyword's text and match type (search clicks only). */
  keyword: string | null;
  matchType: string | null;
}
