// A Google Ads account replayed on a local server for the connectors' sync tests: searchStream answers
// (external-formats.md §2a: batches of `results`, int64 as strings) at the campaign, ad group and
// keyword levels of a small generated account, each day's numbers a function of the day, and the OAuth
// token endpoint. The account: a search campaign whose ad group spends beyond its two keywords (dynamic
// search ads) and a Performance Max campaign with no ad groups, so only the three levels together give
// the account's spend. Each day's click_view (asked one day at a time) gives a gclid per keyword click
// and one for Performance Max, with a click Google leaves without one. `failOn` makes chosen requests
// fail; `spend` and `clicks` are the truth to compare against.
//
//   const g = await startGoogleAdsAccount();
//   ... sync through g.baseUrl, token endpoint g.tokenUrl ...
//   assert.equal(storedMicros, g.spend('2026-11-01', '2026-11-09'));
import { json, startReplay, type ReplayAnswer, type ReplayRequest } from './replay-server.js';

export const GOOGLE_CUSTOMER = '1234567890';
const DAY_MS = 86_400_000;

interface Metrics {
  impressions: number;
  clicks: number;
  costMicros: number;
  conversions: number;
  conversionsValue: number;
}

const n = (day: string) => Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);

/** One keyword's day. */
function keyword(day: string, k: 301 | 302): Metrics {
  const d = n(day);
  return k === 301
    ? {
        impressions: 100 + (d % 13),
        clicks: 3 + (d % 5),
        costMicros: 1_230_000 + (d % 7) * 110_000,
        conversions: 1.5,
        conversionsValue: 30.25,
      }
    : {
        impressions: 80 + (d % 11),
        clicks: 2 + (d % 3),
        costMicros: 2_000_000 + (d % 3) * 10_001,
        conversions: 0,
        conversionsValue: 0,
      };
}

const add = (a: Metrics, b: Metrics): Metrics => ({
  impressions: a.impressions + b.impressions,
  clicks: a.clicks + b.clicks,
  costMicros: a.costMicros + b.costMicros,
  conversions: a.conversions + b.conversions,
  conversionsValue: a.conversionsValue + b.conversionsValue,
});

// the ad group's own spend beyond its keywords (dynamic search ads)
const dsa = (day: string): Metrics => ({
  impressions: 10,
  clicks: 1,
  costMicros: 500_000 + (n(day) % 2) * 7,
  conversions: 0.5,
  conversionsValue: 4.5,
});
const adGroup = (day: string) => add(add(keyword(day, 301), keyword(day, 302)), dsa(day));
const pmax = (day: string): Metrics => ({
  impressions: 900 + (n(day) % 17),
  clicks: 9,
  costMicros: 4_560_000 + (n(day) % 4) * 1_000_003,
  conversions: 2,
  conversionsValue: 99.99,
});

const days = (from: string, to: string) => {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};

const wire = (m: Metrics) => ({
  impressions: String(m.impressions),
  clicks: String(m.clicks),
  costMicros: String(m.costMicros),
  conversions: m.conversions,
  conversionsValue: m.conversionsValue,
});

function results(level: string, day: string): unknown[] {
  const base = (campaign: { id: string; name: string }) => ({
    customer: { resourceName: `customers/${GOOGLE_CUSTOMER}`, currencyCode: 'USD' },
    campaign,
    segments: { date: day },
  });
  const search = { id: '101', name: 'Search - Shoes' };
  const group = { id: '201', name: 'Shoes' };
  if (level === 'keyword_view')
    return [
      [301, 'shoes', 'EXACT'],
      [302, 'red shoes', 'PHRASE'],
    ].map(([id, text, matchType]) => ({
      ...base(search),
      adGroup: group,
      adGroupCriterion: { criterionId: String(id), keyword: { text, matchType } },
      metrics: wire(keyword(day, id as 301 | 302)),
    }));
  if (level === 'ad_group')
    return [{ ...base(search), adGroup: group, metrics: wire(adGroup(day)) }];
  return [
    { ...base(search), metrics: wire(adGroup(day)) },
    { ...base({ id: '102', name: 'PMax - All' }), metrics: wire(pmax(day)) },
  ];
}

/** A click of the account's click_view truth. */
export interface ReplayedClick {
  gclid: string;
  date: string;
  campaignId: string;
  adGroupId: string | null;
  adId: string | null;
  keyword: string | null;
}

/** A day's clicks: one per click of each keyword (ads 401 and 402), one of Performance Max. */
function dayClicks(day: string): ReplayedClick[] {
  const out: ReplayedClick[] = [];
  for (const [k, text] of [
    [301, 'shoes'],
    [302, 'red shoes'],
  ] as const)
    for (let i = 0; i < keyword(day, k).clicks; i++)
      out.push({
        gclid: `Cj0K-${day}-${k}-${i}`,
        date: day,
        campaignId: '101',
        adGroupId: '201',
        adId: String(k + 100),
        keyword: text,
      });
  out.push({
    gclid: `Cj0K-${day}-pmax`,
    date: day,
    campaignId: '102',
    adGroupId: null,
    adId: null,
    keyword: null,
  });
  return out;
}

function clickResults(day: string): unknown[] {
  const match = { shoes: 'EXACT', 'red shoes': 'PHRASE' } as Record<string, string>;
  return [
    ...dayClicks(day).map((c) => ({
      clickView: {
        gclid: c.gclid,
        ...(c.adId
          ? { adGroupAd: `customers/${GOOGLE_CUSTOMER}/adGroupAds/${c.adGroupId}~${c.adId}` }
          : {}),
        ...(c.keyword ? { keywordInfo: { text: c.keyword, matchType: match[c.keyword] } } : {}),
      },
      segments: { date: day },
      campaign: { id: c.campaignId },
      ...(c.adGroupId ? { adGroup: { id: c.adGroupId } } : {}),
    })),
    // Google leaves the gclid out for some clicks: nothing to resolve
    { clickView: {}, segments: { date: day }, campaign: { id: '102' } },
  ];
}

export interface GoogleAdsAccount {
  baseUrl: string;
  tokenUrl: string;
  requests: ReplayRequest[];
  /** The searchStream queries answered, as `level from..to`. */
  queries: string[];
  /** The days whose click_view was answered, in order. */
  clickDays: string[];
  /** The account's spend over from..to, in micros (every campaign, every level). */
  spend(from: string, to: string): number;
  /** The clicks with a gclid of from..to. */
  clicks(from: string, to: string): ReplayedClick[];
  /** Refresh grants answered. */
  grants: number;
  close(): Promise<void>;
}

export interface GoogleAdsAccountOptions {
  /** A request's own answer instead of the account's (a failure), by its level and period. */
  failOn?: (q: { level: string; from: string; to: string }) => ReplayAnswer | undefined;
  /** Access tokens expire after this many cost answers each (click_view answers aside; default never). */
  tokenLife?: number;
}

export async function startGoogleAdsAccount(
  o: GoogleAdsAccountOptions = {},
): Promise<GoogleAdsAccount> {
  let token = '';
  let grants = 0;
  let served = 0;
  const queries: string[] = [];
  const clickDays: string[] = [];
  const server = await startReplay({
    'POST /token': (req) => {
      const form = new URLSearchParams(req.body);
      if (form.get('grant_type') !== 'refresh_token' || !form.get('refresh_token'))
        return json(400, { error: 'invalid_request' });
      if (form.get('refresh_token') === 'revoked') return json(400, { error: 'invalid_grant' });
      grants++;
      token = `ya29.token-${grants}`;
      served = 0;
      return json(200, {
        access_token: token,
        expires_in: 3599,
        token_type: 'Bearer',
        // Google keeps the refresh token; this replay rotates it once to test that it is stored
        ...(grants === 1 ? { refresh_token: `${form.get('refresh_token')}-rotated` } : {}),
      });
    },
    [`POST /v19/customers/${GOOGLE_CUSTOMER}/googleAds:searchStream`]: (req) => {
      const expired =
        req.headers.authorization !== `Bearer ${token}` ||
        (o.tokenLife !== undefined && served >= o.tokenLife);
      if (!token || expired)
        return json(401, [
          {
            error: {
              code: 401,
              message: 'Request had invalid authentication credentials.',
              status: 'UNAUTHENTICATED',
            },
          },
        ]);
      const q = (req.json as { query?: string } | null)?.query ?? '';
      const click = /FROM click_view WHERE segments\.date = '([\d-]+)'$/.exec(q);
      if (click) {
        const day = click[1]!;
        const failed = o.failOn?.({ level: 'click_view', from: day, to: day });
        if (failed) return failed;
        clickDays.push(day);
        return json(200, [{ results: clickResults(day) }]);
      }
      const m = /FROM (\w+) WHERE segments\.date BETWEEN '([\d-]+)' AND '([\d-]+)'$/.exec(q);
      if (!m)
        return json(400, [
          { error: { code: 400, message: 'bad query', status: 'INVALID_ARGUMENT' } },
        ]);
      const [, level, from, to] = m as unknown as [string, string, string, string];
      const failed = o.failOn?.({ level, from, to });
      if (failed) return failed;
      served++;
      queries.push(`${level} ${from}..${to}`);
      return json(200, [{ results: days(from, to).flatMap((d) => results(level, d)) }]);
    },
  });
  return {
    baseUrl: server.baseUrl,
    tokenUrl: `${server.baseUrl}/token`,
    requests: server.requests,
    queries,
    clickDays,
    clicks: (from, to) => days(from, to).flatMap(dayClicks),
    spend: (from, to) =>
      days(from, to).reduce((s, d) => s + adGroup(d).costMicros + pmax(d).costMicros, 0),
    get grants() {
      return grants;
    },
    close: () => server.close(),
  };
}
