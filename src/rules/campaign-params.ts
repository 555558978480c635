// The URL parameters that name a campaign or an ad click: one list, read by the channel rules (what a
// click id says about the visit), the session rule (a new campaign starts a new session), redaction
// (never redacted) and the engines (rendered into their SQL). A second copy drifted once; there is none.
// With it, the click-id rule: which values of a landing URL a session records as its click ids (the
// reference clickIdsOf; the engines' SQL in store/engines/neutral/url-params.ts, held to it by
// click-ids.test.ts).
import { parseLandingUrl } from './landing-url.js';

/** The UTM parameters. */
export const UTM_PARAMS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'utm_id',
] as const;

/** What a click id says about the visit when no UTM does; no source = captured but decides nothing. */
export interface ClickIdSpec {
  readonly param: string;
  readonly source?: string;
  readonly medium?: string;
}

/**
 * Known click ids, in the order they decide when several are present. fbclid decides nothing here on
 * purpose: Meta adds it to organic links too, so the channel rules handle it in a step of their own.
 * - gclid/gbraid/wbraid: Google Ads auto-tagging → google / cpc.
 * - dclid: Campaign Manager / DV360 display clicks → google / display (the Display channel; `cpc` would
 *   make it Paid Search).
 * - li_fat_id: LinkedIn appends it to ad clicks for its Conversions API → linkedin / cpc.
 * - epik (Pinterest) is captured only: it is not documented as ads-only.
 */
export const DEFAULT_CLICK_IDS: readonly ClickIdSpec[] = [
  { param: 'gclid', source: 'google', medium: 'cpc' },
  { param: 'gbraid', source: 'google', medium: 'cpc' },
  { param: 'wbraid', source: 'google', medium: 'cpc' },
  { param: 'dclid', source: 'google', medium: 'display' },
  { param: 'msclkid', source: 'bing', medium: 'cpc' },
  { param: 'li_fat_id', source: 'linkedin', medium: 'cpc' },
  { param: 'ttclid', source: 'tiktok', medium: 'cpc' },
  { param: 'twclid', source: 'twitter', medium: 'cpc' },
  { param: 'rdt_cid', source: 'reddit', medium: 'cpc' },
  { param: 'sccid', source: 'snapchat', medium: 'cpc' },
  { param: 'yclid', source: 'yandex', medium: 'cpc' },
  { param: 'tblci', source: 'taboola', medium: 'cpc' },
  { param: 'dicbo', source: 'outbrain', medium: 'cpc' },
  { param: 'epik' },
  { param: 'fbclid' },
];

/** The click id parameter names (lower case). */
export const CLICK_ID_PARAMS: readonly string[] = DEFAULT_CLICK_IDS.map((c) => c.param);

/** Every parameter whose change on a landing starts a new session: the UTMs and the click ids. */
export const CAMPAIGN_PARAMS: readonly string[] = [...UTM_PARAMS, ...CLICK_ID_PARAMS];

/** The click id parameter names, as a set. */
export const CLICK_ID_SET: ReadonlySet<string> = new Set(CLICK_ID_PARAMS);

/**
 * The reference of the click-id rule: a landing URL's click ids, keyed by parameter name. The query's
 * parameters as URLSearchParams reads them (form-decoded, ill-formed UTF-8 as U+FFFD); a parameter is a
 * click id when its name, trimmed and lower-cased, is one of `params` (and no UTM); its value is
 * trimmed, and the first non-empty value of each name counts. A URL that does not parse has none.
 */
export function clickIdsOf(
  url: URL | string | null | undefined,
  params: ReadonlySet<string> = CLICK_ID_SET,
): Record<string, string> {
  const out: Record<string, string> = {};
  const parsed = typeof url === 'string' ? parseLandingUrl(url) : (url ?? null);
  if (parsed === null) return out;
  for (const [rawName, rawValue] of parsed.searchParams) {
    const name = rawName.trim().toLowerCase();
    if (!params.has(name) || name.startsWith('utm_') || out[name] !== undefined) continue;
    const value = rawValue.trim();
    if (value !== '') out[name] = value;
  }
  return out;
}
