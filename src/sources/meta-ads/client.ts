// The Meta Marketing API client for the cost backfill: Insights of an ad account by day
// (`/act_{id}/insights?level=...&time_increment=1`), page after page by `paging.next` (followed on the
// configured base URL, without the token Meta writes into it), or as an async report run for long
// periods (POST, poll `async_status` until "Job Completed", then page its insights). Meta's throttling
// answers (error codes 4, 17, 32, 613, 80000-80014, often with status 400) are retried like 429s, waiting
// as long as `x-business-use-case-usage` says when it says; code 190 is an expired token.
// external-formats.md §2c; docs/costs.md.
import { z } from 'zod';
import { createHttpClient, type VendorErrorInfo } from '../http/index.js';
import type { AdCostRecord } from '../ads/records.js';
import { checkPeriod, type AdClientTuning, type AdOAuth } from '../ads/client-options.js';
import {
  costRecordsOfInsights,
  InsightsPage,
  insightsFields,
  type MetaLevel,
  type MetaReadOptions,
} from './insights.js';

export interface MetaAdsClientOptions extends AdClientTuning {
  oauth: AdOAuth;
  /** Default https://graph.facebook.com. */
  baseUrl?: string;
  /** Default v21.0. */
  apiVersion?: string;
  /** Rows per page. Default 500. */
  pageSize?: number;
  /** Between polls of an async report run. Default 5 s. */
  pollMs?: number;
  /** Polls before giving up on a report run. Default 120. */
  maxPolls?: number;
}

const MetaError = z.object({
  error: z.object({
    message: z.string().default(''),
    type: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
  }),
});

const THROTTLE = new Set([4, 17, 32, 613, ...Array.from({ length: 15 }, (_, i) => 80000 + i)]);

function parseError(json: unknown): VendorErrorInfo | null {
  const e = MetaError.safeParse(json);
  if (!e.success) return null;
  const code = e.data.error.code === undefined ? null : String(e.data.error.code);
  return { code, label: e.data.error.type ?? code, message: e.data.error.message };
}

/** The longest "estimated_time_to_regain_access" (minutes) in Meta's usage header, in ms. */
export function regainAccessMs(headers: Headers): number | null {
  const raw = headers.get('x-business-use-case-usage');
  if (!raw) return null;
  try {
    const usage = JSON.parse(raw) as Record<string, { estimated_time_to_regain_access?: number }[]>;
    const mins = Object.values(usage)
      .flat()
      .map((u) => u.estimated_time_to_regain_access ?? 0);
    const max = Math.max(0, ...mins);
    return max > 0 ? max * 60_000 : null;
  } catch {
    return null;
  }
}

const ReportRun = z.object({ report_run_id: z.string() });
const RunStatus = z.object({
  id: z.string().optional(),
  async_status: z.string(),
  async_percent_completion: z.number().optional(),
});

export function createMetaAdsClient(o: MetaAdsClientOptions) {
  const version = o.apiVersion ?? 'v21.0';
  const pageSize = o.pageSize ?? 500;
  const http = createHttpClient({
    ...o,
    vendor: 'Meta',
    baseUrl: o.baseUrl ?? 'https://graph.facebook.com',
    parseError,
    retryable: (status, _h, e) =>
      status === 429 || status >= 500 || (e?.code != null && THROTTLE.has(Number(e.code))),
    rateWindow: {
      wait: (_s, headers) => {
        const ms = regainAccessMs(headers);
        return ms === null ? null : { ms, reason: 'x-business-use-case-usage' };
      },
    },
    auth: {
      type: 'oauth',
      accessToken: o.oauth.accessToken ?? null,
      refresh: o.oauth.refresh,
      expired: (_a, e) => (e?.code === '190' ? 'access token expired (code 190)' : null),
    },
  });
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  const act = (accountId: string) => {
    const id = accountId.replace(/^act_/, '');
    if (!/^\d+$/.test(id)) throw new TypeError(`not a Meta ad account id: ${accountId}`);
    return `act_${id}`;
  };

  function params(level: MetaLevel, from: string, to: string): URLSearchParams {
    checkPeriod(from, to);
    return new URLSearchParams({
      level,
      time_increment: '1',
      time_range: JSON.stringify({ since: from, until: to }),
      fields: insightsFields(level),
      limit: String(pageSize),
    });
  }

  /** `paging.next` as a path on our base URL, without the token Meta writes into it. */
  function nextPath(next: string): string {
    const url = new URL(next);
    url.searchParams.delete('access_token');
    return `${url.pathname}${url.search}`;
  }

  /** Every page from `path` on, following `paging.next`. */
  async function* pages(path: string): AsyncGenerator<InsightsPage> {
    for (let p: string | undefined = path; p !== undefined;) {
      const page: InsightsPage = await http.getJson({ path: p }, InsightsPage, 'an Insights page');
      yield page;
      p = page.paging?.next && page.data.length > 0 ? nextPath(page.paging.next) : undefined;
    }
  }

  async function collect(path: string, read: MetaReadOptions): Promise<AdCostRecord[]> {
    const out: AdCostRecord[] = [];
    let n = 0;
    for await (const page of pages(path))
      out.push(...costRecordsOfInsights(page.data, read, `page ${++n} data`));
    return out;
  }

  /** An account's costs at a level, by day, over from..to (days in the account's time zone). */
  async function insights(
    accountId: string,
    level: MetaLevel,
    from: string,
    to: string,
    read: MetaReadOptions = {},
  ): Promise<AdCostRecord[]> {
    return collect(`/${version}/${act(accountId)}/insights?${params(level, from, to)}`, read);
  }

  /** The same as an async report run: for periods too long for one request. */
  async function insightsAsync(
    accountId: string,
    level: MetaLevel,
    from: string,
    to: string,
    read: MetaReadOptions = {},
  ): Promise<AdCostRecord[]> {
    const form = Object.fromEntries(params(level, from, to));
    const run = await http.getJson(
      { method: 'POST', path: `/${version}/${act(accountId)}/insights`, form },
      ReportRun,
      'a report run',
    );
    const id = run.report_run_id;
    if (!/^\d+$/.test(id)) throw http.fail({ path: '/insights' }, `Meta: odd report run id ${id}`);
    for (let n = 0; ; n++) {
      const s = await http.getJson({ path: `/${version}/${id}` }, RunStatus, 'a report run status');
      if (s.async_status === 'Job Completed') break;
      if (s.async_status === 'Job Failed' || s.async_status === 'Job Skipped')
        throw http.fail({ path: `/${version}/${id}` }, `Meta report run ${id}: ${s.async_status}`);
      if (n + 1 >= (o.maxPolls ?? 120))
        throw http.fail(
          { path: `/${version}/${id}` },
          `Meta report run ${id}: still ${s.async_status}`,
        );
      await sleep(o.pollMs ?? 5000);
    }
    return collect(`/${version}/${id}/insights?limit=${pageSize}`, read);
  }

  return { insights, insightsAsync };
}
