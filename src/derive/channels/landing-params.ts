/**
 * Reading a landing URL's marketing parameters: UTMs, click ids and ad-platform ids
 * (Google Ads ValueTrack, HubSpot `hsa_*`, Meta/LinkedIn dynamic URL parameters).
 * Parameter names are matched case-insensitively; values are kept exactly as sent (click ids are
 * case-sensitive and must never be altered).
 */

import { clickIdsOf } from '../../rules/campaign-params.js';
import { parseLandingUrl } from '../../rules/landing-url.js';

// the click ids and the reading of a landing URL are product rules shared with the session rule,
// redaction and the engines
export { DEFAULT_CLICK_IDS, type ClickIdSpec } from '../../rules/campaign-params.js';
export { parseLandingUrl };

export type AdIdKey =
  | 'accountId'
  | 'campaignId'
  | 'adGroupId'
  | 'adId'
  | 'keyword'
  | 'matchType'
  | 'network'
  | 'device'
  | 'placement'
  | 'targetId';
export type AdIds = Partial<Record<AdIdKey, string>>;

/** Parameter name (lower case) → ad id it fills; the first one present wins for a key. */
const AD_ID_PARAMS: ReadonlyArray<readonly [string, AdIdKey]> = [
  ['hsa_acc', 'accountId'],
  ['account_id', 'accountId'],
  ['campaignid', 'campaignId'],
  ['campaign_id', 'campaignId'],
  ['hsa_cam', 'campaignId'],
  ['li_campaign_id', 'campaignId'],
  ['adgroupid', 'adGroupId'],
  ['adgroup_id', 'adGroupId'],
  ['adset_id', 'adGroupId'],
  ['adsetid', 'adGroupId'],
  ['hsa_grp', 'adGroupId'],
  ['creative', 'adId'],
  ['creative_id', 'adId'],
  ['ad_id', 'adId'],
  ['adid', 'adId'],
  ['hsa_ad', 'adId'],
  ['li_creative_id', 'adId'],
  ['keyword', 'keyword'],
  ['hsa_kw', 'keyword'],
  ['matchtype', 'matchType'],
  ['hsa_mt', 'matchType'],
  ['network', 'network'],
  ['hsa_net', 'network'],
  ['site_source_name', 'network'],
  ['device', 'device'],
  ['placement', 'placement'],
  ['targetid', 'targetId'],
  ['hsa_tgt', 'targetId'],
];
const AD_ID_BY_PARAM = new Map<string, AdIdKey>(AD_ID_PARAMS);

export interface LandingParams {
  /** Every `utm_*` parameter, keyed by its lower-cased name without the prefix (`source`, `medium`, `id`, ...). */
  readonly utm: Readonly<Record<string, string>>;
  /** Click ids present, keyed by lower-cased parameter name, values untouched. */
  readonly clickIds: Readonly<Record<string, string>>;
  readonly adIds: AdIds;
  /** The landing host (lower case, no port), for own-host referrer checks. */
  readonly host: string | null;
}

/** Reads the marketing parameters of a landing URL; `clickIdParams` are lower-cased names to capture. */
export function readLandingParams(
  url: string | null | undefined,
  clickIdParams: ReadonlySet<string>,
): LandingParams {
  const utm: Record<string, string> = {};
  const adIds: AdIds = {};
  const parsed = url ? parseLandingUrl(url) : null;
  if (parsed === null) return { utm, clickIds: {}, adIds, host: null };
  // the click-id rule, as the sessions record them
  const clickIds = clickIdsOf(parsed, clickIdParams);
  for (const [rawName, rawValue] of parsed.searchParams) {
    const value = rawValue.trim();
    if (value === '') continue;
    const name = rawName.trim().toLowerCase();
    if (name.startsWith('utm_')) {
      const key = name.slice(4);
      if (key !== '' && utm[key] === undefined) utm[key] = value;
    } else if (!clickIdParams.has(name)) {
      const key = AD_ID_BY_PARAM.get(name);
      if (key !== undefined && adIds[key] === undefined) adIds[key] = value;
    }
  }
  const host = parsed.hostname === 'landing.invalid' ? null : parsed.hostname.toLowerCase() || null;
  return { utm, clickIds, adIds, host };
}
