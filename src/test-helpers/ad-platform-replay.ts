// The four ad platforms' APIs replayed from the simulator's exports (src/sim/ad-writers): a real local
// server answering each client as the platform would, from the writer's payloads. Google's searchStream
// (the ad_group query, its period read from the GAQL), Meta's Insights pages by cursor, LinkedIn's
// account, campaigns (paged) and adAnalytics (the slice asked for), and Microsoft's report submit, poll
// (pending once) and zip download.
import type { PlatformExports } from '../sim/ad-writers/index.js';
import { metaCursor } from '../sim/ad-writers/index.js';
import { json, startReplay, type ReplayAnswer, type ReplayServer } from './replay-server.js';

type Api = PlatformExports['api'];

const ymdOf = (text: string, which: 'start' | 'end'): string | undefined => {
  const m = new RegExp(`${which}:\\(year:(\\d+),month:(\\d+),day:(\\d+)\\)`).exec(text);
  if (!m) return undefined;
  return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
};

const dayOfElement = (e: Api['linkedin']['elements'][number]) =>
  `${e.dateRange.start.year}-${String(e.dateRange.start.month).padStart(2, '0')}-${String(e.dateRange.start.day).padStart(2, '0')}`;

/** Starts the replay of every platform's API from `api`. */
export async function startAdPlatformReplay(api: Api): Promise<ReplayServer> {
  let base = '';
  let polls = 0;
  const ms = api.microsoft;
  const server = await startReplay((req): ReplayAnswer | undefined => {
    const path = req.url.pathname;
    // Google Ads: the ad_group level's rows of the period the GAQL names
    if (
      req.method === 'POST' &&
      path === `/v19/customers/${api.google.customerId}/googleAds:searchStream`
    ) {
      const query = (req.json as { query?: string } | null)?.query ?? '';
      const period = /BETWEEN '(\d{4}-\d{2}-\d{2})' AND '(\d{4}-\d{2}-\d{2})'/.exec(query);
      if (!/ FROM ad_group /.test(query) || !period)
        return json(400, [
          { error: { code: 400, message: `not replayed: ${query}`, status: 'INVALID_ARGUMENT' } },
        ]);
      return json(
        200,
        (api.google.searchStream as { results: { segments: { date: string } }[] }[]).map((b) => ({
          ...b,
          results: b.results.filter(
            (r) => r.segments.date >= period[1]! && r.segments.date <= period[2]!,
          ),
        })),
      );
    }
    // Meta: the page the cursor names (the first without one)
    if (req.method === 'GET' && path === `/v21.0/act_${api.meta.accountId}/insights`) {
      if (req.url.searchParams.get('level') !== 'adset')
        return json(400, {
          error: { message: 'not replayed: level', type: 'OAuthException', code: 100 },
        });
      const after = req.url.searchParams.get('after');
      const n = after === null ? 0 : api.meta.pages.findIndex((_, i) => metaCursor(i) === after);
      const page = api.meta.pages[n];
      return page === undefined
        ? json(400, { error: { message: 'unknown cursor', type: 'OAuthException', code: 100 } })
        : json(200, page);
    }
    // LinkedIn: the account, its campaigns two to a page, and the slice of adAnalytics asked for
    const li = api.linkedin;
    if (req.method === 'GET' && path === `/rest/adAccounts/${li.accountId}`)
      return json(200, li.account);
    if (req.method === 'GET' && path === `/rest/adAccounts/${li.accountId}/adCampaigns`) {
      const from = Number(req.url.searchParams.get('pageToken') ?? '0');
      const next = from + 2;
      return json(200, {
        elements: li.campaigns.slice(from, next),
        metadata: next < li.campaigns.length ? { nextPageToken: String(next) } : {},
      });
    }
    if (req.method === 'GET' && path === '/rest/adAnalytics') {
      const range = req.url.searchParams.get('dateRange') ?? '';
      const [from, to] = [ymdOf(range, 'start'), ymdOf(range, 'end')];
      if (
        from === undefined ||
        to === undefined ||
        req.url.searchParams.get('pivot') !== 'CAMPAIGN'
      )
        return json(400, { status: 400, message: 'not replayed', code: 'ILLEGAL_ARGUMENT' });
      return json(200, {
        elements: li.elements.filter((e) => dayOfElement(e) >= from && dayOfElement(e) <= to),
        paging: { count: 10, start: 0, links: [] },
      });
    }
    // Microsoft Advertising: submit, poll (pending, then done), download the zip
    if (req.method === 'POST' && path === '/Reporting/v13/GenerateReport/Submit') {
      const type = (req.json as { ReportRequest?: { Type?: string } } | null)?.ReportRequest?.Type;
      if (
        req.headers['customeraccountid'] !== ms.accountId ||
        type !== 'AdGroupPerformanceReportRequest'
      )
        return json(400, {
          Errors: [{ Code: 0, ErrorCode: 'NotReplayed', Message: String(type) }],
        });
      polls = 0;
      return json(200, { ReportRequestId: '30000000911847381' });
    }
    if (req.method === 'POST' && path === '/Reporting/v13/GenerateReport/Poll')
      return json(200, {
        ReportRequestStatus:
          polls++ === 0
            ? { Status: 'Pending', ReportDownloadUrl: null }
            : { Status: 'Success', ReportDownloadUrl: `${base}/download/report.zip?sig=sim` },
      });
    if (req.method === 'GET' && path === '/download/report.zip')
      return { status: 200, headers: { 'content-type': 'application/zip' }, body: ms.reportZip };
    return undefined;
  });
  base = server.baseUrl;
  return server;
}
