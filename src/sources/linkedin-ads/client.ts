// The LinkedIn Marketing API client for the cost backfill: the ad account's currency (adAccounts), its
// campaigns' names (adCampaigns search, paged by `metadata.nextPageToken`), and adAnalytics by day and
// campaign (or campaign and creative). adAnalytics has no paging and silently stops at about 15,000 rows,
// so the period is asked in slices, and a slice that comes back at the cap is asked again in halves.
// Every request carries `LinkedIn-Version` and the Rest.li 2.0 header. external-formats.md §2d.
import { z } from 'zod';
import { createHttpClient, type VendorErrorInfo } from '../http/index.js';
import type { AdCostRecord } from '../ads/records.js';
import { slices, type AdClientTuning, type AdOAuth } from '../ads/client-options.js';
import { AnalyticsAnswer, costRecordsOfAnalytics } from './analytics.js';

export interface LinkedInAdsClientOptions extends AdClientTuning {
  oauth: AdOAuth;
  /** Default https://api.linkedin.com. */
  baseUrl?: string;
  /** The `LinkedIn-Version` header, YYYYMM. Default 202411. */
  version?: string;
  /** Days per adAnalytics request. Default 31. */
  sliceDays?: number;
  /** Rows at which a slice is taken as cut short. Default 15000. */
  rowCap?: number;
}

const LinkedInError = z.object({
  message: z.string().default(''),
  status: z.number().optional(),
  serviceErrorCode: z.number().optional(),
  code: z.string().optional(),
});

function parseError(json: unknown): VendorErrorInfo | null {
  const e = LinkedInError.safeParse(json);
  if (!e.success) return null;
  const code =
    e.data.code ?? (e.data.serviceErrorCode === undefined ? null : String(e.data.serviceErrorCode));
  return { code, label: code, message: e.data.message };
}

const Account = z.object({ currency: z.string().regex(/^[A-Z]{3}$/) });
const CampaignsPage = z.object({
  elements: z.array(
    z.object({ id: z.union([z.number(), z.string()]).transform(String), name: z.string() }),
  ),
  metadata: z.object({ nextPageToken: z.string().optional() }).optional(),
});

export type LinkedInPivot = 'CAMPAIGN' | 'CREATIVE';

const ymd = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return `(year:${y},month:${m},day:${d})`;
};

const FIELDS =
  'dateRange,pivotValues,impressions,clicks,costInLocalCurrency,externalWebsiteConversions,conversionValueInLocalCurrency';

export function createLinkedInAdsClient(o: LinkedInAdsClientOptions) {
  const http = createHttpClient({
    ...o,
    vendor: 'LinkedIn',
    baseUrl: o.baseUrl ?? 'https://api.linkedin.com',
    headers: { 'LinkedIn-Version': o.version ?? '202411', 'X-Restli-Protocol-Version': '2.0.0' },
    parseError,
    auth: {
      type: 'oauth',
      accessToken: o.oauth.accessToken ?? null,
      refresh: o.oauth.refresh,
      expired: (a, e) =>
        a.status === 401 || e?.code === 'EXPIRED_ACCESS_TOKEN' ? 'access token expired' : null,
    },
  });
  const cap = o.rowCap ?? 15_000;

  const accountId = (id: string) => {
    const n = id.replace(/^urn:li:sponsoredAccount:/, '');
    if (!/^\d+$/.test(n)) throw new TypeError(`not a LinkedIn ad account id: ${id}`);
    return n;
  };

  async function currency(account: string): Promise<string> {
    const a = await http.getJson(
      { path: `/rest/adAccounts/${accountId(account)}` },
      Account,
      'an ad account',
    );
    return a.currency;
  }

  /** Campaign id to name, over every page of the account's campaigns. */
  async function campaignNames(account: string): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    let token: string | undefined;
    do {
      const q = `q=search&pageSize=100${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`;
      const page = await http.getJson(
        { path: `/rest/adAccounts/${accountId(account)}/adCampaigns?${q}` },
        CampaignsPage,
        'a page of campaigns',
      );
      for (const c of page.elements) names.set(c.id, c.name);
      token = page.metadata?.nextPageToken || undefined;
    } while (token);
    return names;
  }

  async function analytics(account: string, pivot: LinkedInPivot, from: string, to: string) {
    const urn = encodeURIComponent(`urn:li:sponsoredAccount:${accountId(account)}`);
    const pivots =
      pivot === 'CAMPAIGN'
        ? 'q=analytics&pivot=CAMPAIGN'
        : 'q=statistics&pivots=List(CAMPAIGN,CREATIVE)';
    const path =
      `/rest/adAnalytics?${pivots}&timeGranularity=DAILY` +
      `&dateRange=(start:${ymd(from)},end:${ymd(to)})&accounts=List(${urn})&fields=${FIELDS}`;
    return (await http.getJson({ path }, AnalyticsAnswer, 'an adAnalytics answer')).elements;
  }

  /** The elements of from..to, halving a slice that came back at the cap (it was cut short). */
  async function sliced(
    account: string,
    pivot: LinkedInPivot,
    from: string,
    to: string,
  ): Promise<unknown[]> {
    const elements = await analytics(account, pivot, from, to);
    if (elements.length < cap || from === to) {
      if (elements.length >= cap)
        throw http.fail(
          { path: '/rest/adAnalytics' },
          `LinkedIn: ${from} alone reaches the ${cap}-row cap`,
        );
      return elements;
    }
    const days = slices(from, to, 1);
    const mid = days[Math.floor(days.length / 2) - 1]!.to;
    const next = days[Math.floor(days.length / 2)]!.from;
    return [
      ...(await sliced(account, pivot, from, mid)),
      ...(await sliced(account, pivot, next, to)),
    ];
  }

  /** An account's costs by day and campaign (or campaign and creative) over from..to. */
  async function costs(
    account: string,
    from: string,
    to: string,
    pivot: LinkedInPivot = 'CAMPAIGN',
  ): Promise<AdCostRecord[]> {
    const [cur, names] = [await currency(account), await campaignNames(account)];
    const out: AdCostRecord[] = [];
    for (const s of slices(from, to, o.sliceDays ?? 31)) {
      const elements = await sliced(account, pivot, s.from, s.to);
      out.push(
        ...costRecordsOfAnalytics(
          elements,
          { currency: cur, campaignNames: names },
          `${s.from}..${s.to} elements`,
        ),
      );
    }
    return out;
  }

  return { currency, campaignNames, costs };
}
