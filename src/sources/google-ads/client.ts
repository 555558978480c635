// The Google Ads API client for the cost backfill: GAQL through `customers/{id}/googleAds:searchStream`
// (one answer holding every batch), with the developer token and the manager account's
// `login-customer-id` on every request, an OAuth bearer refreshed on UNAUTHENTICATED, and the API's
// quota errors (429 RESOURCE_EXHAUSTED, with its RetryInfo delay) waited out. external-formats.md §2a.
import { z } from 'zod';
import { createHttpClient, type VendorErrorInfo } from '../http/index.js';
import type { AdCostRecord } from '../ads/records.js';
import { scrubberWith, type AdClientTuning, type AdOAuth } from '../ads/client-options.js';
import { gaqlFor, type GoogleAdsLevel } from './gaql.js';
import { costRecordsOfStream } from './stream.js';

export interface GoogleAdsClientOptions extends AdClientTuning {
  developerToken: string;
  oauth: AdOAuth;
  /** The manager account the access goes through (digits, dashes dropped). */
  loginCustomerId?: string;
  /** Default https://googleads.googleapis.com. */
  baseUrl?: string;
  /** Default v19. */
  apiVersion?: string;
}

const GoogleError = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().default(''),
    status: z.string().optional(),
    details: z.array(z.record(z.string(), z.unknown())).optional(),
  }),
});

interface GoogleErrorInfo extends VendorErrorInfo {
  /** google.rpc.RetryInfo's delay, in ms. */
  retryMs: number | null;
}

function parseError(json: unknown): GoogleErrorInfo | null {
  const e = GoogleError.safeParse(Array.isArray(json) ? json[0] : json);
  if (!e.success) return null;
  const delay = e.data.error.details
    ?.map((d) => d.retryDelay)
    .find((d): d is string => typeof d === 'string');
  const secs = delay === undefined ? null : /^(\d+(?:\.\d+)?)s$/.exec(delay)?.[1];
  return {
    code: e.data.error.status ?? null,
    label: e.data.error.status ?? null,
    message: e.data.error.message,
    retryMs: secs ? Math.round(Number(secs) * 1000) : null,
  };
}

const digits = (id: string) => {
  const d = id.replace(/-/g, '');
  if (!/^\d+$/.test(d)) throw new TypeError(`not a Google Ads customer id: ${id}`);
  return d;
};

export function createGoogleAdsClient(o: GoogleAdsClientOptions) {
  const version = o.apiVersion ?? 'v19';
  const headers: Record<string, string> = { 'developer-token': o.developerToken };
  if (o.loginCustomerId) headers['login-customer-id'] = digits(o.loginCustomerId);
  const http = createHttpClient<GoogleErrorInfo>({
    ...o,
    vendor: 'Google Ads',
    baseUrl: o.baseUrl ?? 'https://googleads.googleapis.com',
    headers,
    scrub: scrubberWith(o.developerToken),
    parseError,
    auth: {
      type: 'oauth',
      accessToken: o.oauth.accessToken ?? null,
      refresh: o.oauth.refresh,
      expired: (a, e) =>
        a.status === 401 || e?.code === 'UNAUTHENTICATED' ? 'access token expired' : null,
    },
    rateWindow: {
      wait: (status, _h, e) =>
        status === 429 && e?.retryMs ? { ms: e.retryMs, reason: 'RetryInfo' } : null,
    },
  });

  /** A searchStream answer as the API gives it (an array of batches). */
  async function searchStream(customerId: string, query: string): Promise<unknown> {
    const req = {
      method: 'POST' as const,
      path: `/${version}/customers/${digits(customerId)}/googleAds:searchStream`,
      json: { query },
    };
    return http.decode(await http.request(req), req, (j: unknown) => j, 'a searchStream answer');
  }

  /** The cost records of a level over from..to (inclusive days in the account's time zone). */
  async function costs(
    customerId: string,
    level: GoogleAdsLevel,
    from: string,
    to: string,
  ): Promise<AdCostRecord[]> {
    return costRecordsOfStream(await searchStream(customerId, gaqlFor(level, from, to)));
  }

  return { searchStream, costs };
}
