// The Microsoft Advertising Reporting client for the cost backfill, over the service's REST form:
// submit a report request (`GenerateReport/Submit`), poll it (`GenerateReport/Poll`) until its status
// is Success, download the zipped CSV from the URL the poll gives, and read it (report-csv.ts). Every
// service request carries DeveloperToken, CustomerId and CustomerAccountId beside the OAuth bearer,
// refreshed on 401 or AuthenticationTokenExpired (code 109). The download URL is a signed storage URL:
// fetched without our credentials, and never shown. external-formats.md §2e; docs/costs.md.
import { z } from 'zod';
import { backoffMs, createHttpClient, HttpApiError, type VendorErrorInfo } from '../http/index.js';
import {
  checkPeriod,
  scrubberWith,
  type AdClientTuning,
  type AdOAuth,
} from '../ads/client-options.js';
import { readMicrosoftAdsCsv, type MicrosoftCsv } from './report-csv.js';
import { isZip, unzip } from './zip.js';

export interface MicrosoftAdsClientOptions extends AdClientTuning {
  oauth: AdOAuth;
  developerToken: string;
  customerId: string;
  /** Default https://reporting.api.bingads.microsoft.com. */
  baseUrl?: string;
  /** Between polls. Default 5 s. */
  pollMs?: number;
  /** Polls before giving up. Default 120. */
  maxPolls?: number;
}

export type MicrosoftReport = 'Campaign' | 'AdGroup' | 'Ad' | 'Keyword';

const COLUMNS: Record<MicrosoftReport, string[]> = {
  Campaign: ['TimePeriod', 'AccountId', 'CampaignId', 'CampaignName', 'CurrencyCode'],
  AdGroup: [
    'TimePeriod',
    'AccountId',
    'CampaignId',
    'CampaignName',
    'AdGroupId',
    'AdGroupName',
    'CurrencyCode',
  ],
  Ad: [
    'TimePeriod',
    'AccountId',
    'CampaignId',
    'CampaignName',
    'AdGroupId',
    'AdGroupName',
    'AdId',
    'AdTitle',
    'CurrencyCode',
  ],
  Keyword: [
    'TimePeriod',
    'AccountId',
    'CampaignId',
    'CampaignName',
    'AdGroupId',
    'AdGroupName',
    'KeywordId',
    'Keyword',
    'DeliveredMatchType',
    'CurrencyCode',
  ],
};
const METRICS = ['Impressions', 'Clicks', 'Spend', 'Conversions', 'Revenue'];

const MsError = z.object({
  Errors: z
    .array(
      z.object({
        Code: z.number().optional(),
        ErrorCode: z.string().optional(),
        Message: z.string().default(''),
      }),
    )
    .min(1),
});

function parseError(json: unknown): VendorErrorInfo | null {
  const e = MsError.safeParse(json);
  if (!e.success) return null;
  const first = e.data.Errors[0]!;
  return {
    code: first.ErrorCode ?? String(first.Code ?? ''),
    label: first.ErrorCode ?? null,
    message: first.Message,
  };
}

const Submitted = z.object({ ReportRequestId: z.string().min(1) });
const Polled = z.object({
  ReportRequestStatus: z.object({
    Status: z.enum(['Pending', 'Success', 'Error']),
    ReportDownloadUrl: z.string().nullable().optional(),
  }),
});

/** The report request of a kind over from..to, by day, as the REST service takes it. */
export function reportRequest(kind: MicrosoftReport, accountId: string, from: string, to: string) {
  checkPeriod(from, to);
  const date = (d: string) => {
    const [y, m, day] = d.split('-').map(Number);
    return { Year: y, Month: m, Day: day };
  };
  return {
    ReportRequest: {
      Type: `${kind}PerformanceReportRequest`,
      Format: 'Csv',
      FormatVersion: '2.0',
      ReportName: `closedloop ${kind} ${from}..${to}`,
      ReturnOnlyCompleteData: false,
      ExcludeReportHeader: false,
      ExcludeReportFooter: false,
      Aggregation: 'Daily',
      Columns: [...COLUMNS[kind], ...METRICS],
      Scope: { AccountIds: [accountId] },
      Time: { CustomDateRangeStart: date(from), CustomDateRangeEnd: date(to) },
    },
  };
}

export function createMicrosoftAdsClient(o: MicrosoftAdsClientOptions) {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // one token for every account's client: a refresh by one serves the next
  let token = o.oauth.accessToken ?? null;
  const service = (accountId: string) =>
    createHttpClient({
      ...o,
      vendor: 'Microsoft Advertising',
      baseUrl: o.baseUrl ?? 'https://reporting.api.bingads.microsoft.com',
      headers: {
        DeveloperToken: o.developerToken,
        CustomerId: o.customerId,
        CustomerAccountId: accountId,
      },
      scrub: scrubberWith(o.developerToken),
      parseError,
      auth: {
        type: 'oauth',
        accessToken: token,
        refresh: async (reason) => (token = await o.oauth.refresh(reason)),
        expired: (a, e) =>
          a.status === 401 || e?.code === 'AuthenticationTokenExpired' || e?.code === '109'
            ? 'access token expired'
            : null,
      },
    });

  /**
   * The report file's bytes from the signed URL: no credentials sent, the URL never shown. Fetched
   * here rather than through the JSON client, which reads answers as text (a zip is not).
   */
  async function download(url: string): Promise<Buffer> {
    const tries = 1 + (o.maxRetries ?? 3);
    for (let n = 0; ; n++) {
      let status = 0;
      try {
        const res = await fetch(url, {
          redirect: 'error',
          signal: AbortSignal.timeout(o.timeoutMs ?? 60_000),
        });
        status = res.status;
        if (res.ok) return Buffer.from(await res.arrayBuffer());
      } catch {
        // a network failure: retried like a 5xx
      }
      if ((status !== 0 && status < 500 && status !== 429) || n + 1 >= tries)
        throw new HttpApiError(
          `Microsoft Advertising report download answered ${status || 'nothing'}`,
          {
            vendor: 'Microsoft Advertising',
            method: 'GET',
            path: 'report download',
            status,
            code: null,
            attempts: n + 1,
          },
        );
      await sleep(backoffMs(n, o.backoffMs?.base ?? 500, o.backoffMs?.max ?? 30_000, o.random));
    }
  }

  /** An account's costs at a report's level, by day, over from..to. */
  async function costs(
    accountId: string,
    kind: MicrosoftReport,
    from: string,
    to: string,
  ): Promise<MicrosoftCsv> {
    const http = service(accountId);
    const submit = {
      method: 'POST' as const,
      path: '/Reporting/v13/GenerateReport/Submit',
      json: reportRequest(kind, accountId, from, to),
    };
    const { ReportRequestId: id } = await http.getJson(submit, Submitted, 'a submitted report');
    const poll = {
      method: 'POST' as const,
      path: '/Reporting/v13/GenerateReport/Poll',
      json: { ReportRequestId: id },
    };
    for (let n = 0; ; n++) {
      const s = (await http.getJson(poll, Polled, 'a report status')).ReportRequestStatus;
      if (s.Status === 'Error') throw http.fail(poll, `Microsoft Advertising report ${id} failed`);
      if (s.Status === 'Success') {
        // no URL: the report has no rows
        if (!s.ReportDownloadUrl) return { rows: [], from, to };
        const bytes = await download(s.ReportDownloadUrl);
        const csv = isZip(bytes) ? unzip(bytes)[0]?.data : bytes;
        if (csv === undefined)
          throw http.fail(poll, `Microsoft Advertising report ${id}: empty zip`);
        const read = readMicrosoftAdsCsv(csv.toString('utf8'));
        return { rows: read.rows, from, to };
      }
      if (n + 1 >= (o.maxPolls ?? 120))
        throw http.fail(poll, `Microsoft Advertising report ${id}: still pending`);
      await sleep(o.pollMs ?? 5000);
    }
  }

  return { costs };
}
