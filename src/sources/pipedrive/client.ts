// The Pipedrive API client for backfills: pipelines, stages, persons and deals read page by page,
// and each deal's field changelog (its stage and status history), resumable from a stored cursor.
//
// Two API versions:
// - 'v2' (default): `/api/v2/{list}?cursor=...&limit=...`, the next page named by
//   `additional_data.next_cursor`; the token goes in the `x-api-token` header.
// - 'v1': `/v1/{list}?start=...&limit=...`, paged by `additional_data.pagination`
//   (`more_items_in_collection`, `next_start`); the token goes as the `api_token` query parameter,
//   as v1 integrations pass it.
// The changelog is a v1 endpoint with cursors (`/v1/deals/{id}/changelog`).
//
// Either way the token is in no error, log entry or client property: every message is scrubbed of
// it and of any `api_token=` value, and requests are named by their path without the token.
//
// Rate limits:
// - A 429 waits as `Retry-After` says, else until `x-ratelimit-reset`. A wait longer than `maxWaitMs`
//   (the daily token budget is spent) is not waited out: the error says when to come back.
// - An answer with `x-ratelimit-remaining: 0` makes the next request wait `x-ratelimit-reset` first.
// - 5xx answers, network failures and timeouts back off exponentially.
//
//   const pipedrive = createPipedriveClient({ apiToken, baseUrl: 'https://acme.pipedrive.com' });
//   for await (const page of pipedrive.backfill({ cursor: savedCursor })) {
//     store(page);
//     savedCursor = page.cursor; // resume here after a failure
//   }

import {
  createHttpClient,
  HttpApiError,
  secondsHeaderMs,
  type HttpApiErrorFields,
  type HttpClientLog,
  type RateWindow,
  type VendorErrorInfo,
} from '../http/index.js';
import {
  PipedrivePayloadError,
  PipedriveErrorBody,
  parseChangelogEntry,
  parseCursorPage,
  parseEntity,
  parseOffsetPage,
  pipedriveTime,
  type PipedriveChangelogEntry,
  type PipedriveDeal,
  type PipedriveEntity,
  type PipedrivePerson,
  type PipedrivePipeline,
  type PipedriveStage,
} from './schemas.js';

/** The lists a client reads. */
export type PipedriveList =
  'pipelines' | 'stages' | 'persons' | 'organizations' | 'deals' | 'activities';

const ENTITY_OF: Record<PipedriveList, PipedriveEntity> = {
  pipelines: 'pipeline',
  stages: 'stage',
  persons: 'person',
  organizations: 'organization',
  deals: 'deal',
  activities: 'activity',
};

/** Pipedrive's largest page, both versions. */
export const MAX_PAGE_SIZE = 500;

/** A retry or a throttle, as the client tells it: free of the token. */
export type PipedriveClientLog = HttpClientLog;

export interface PipedriveClientOptions {
  /** A user's personal API token. */
  apiToken: string;
  /** The company domain (`https://acme.pipedrive.com`) or `https://api.pipedrive.com` (default). */
  baseUrl?: string;
  /** Default 'v2'. */
  api?: 'v1' | 'v2';
  /** Objects per page, 1-500. Default 500. */
  pageSize?: number;
  /** Read each deal's changelog with its page (one request per deal). Default true. */
  dealHistory?: boolean;
  /** Retries after the first attempt. Default 5. */
  maxRetries?: number;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  /** The first backoff and its cap. Defaults 500 ms and 30 s. */
  backoffMs?: { base?: number; max?: number };
  /** The longest rate-limit wait taken; a longer one fails with `retryAt`. Default 60 s. */
  maxWaitMs?: number;
  /** Waits between attempts (tests record instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
  /** Where retries and throttling are told; each entry is free of the token. */
  log?: (entry: PipedriveClientLog) => void;
  /** A random number in [0, 1) for the backoff's jitter (tests). */
  random?: () => number;
  /** Now, in ms (tests). */
  now?: () => number;
}

/** One page of a list, and the cursor that resumes after it (null: the list is done). */
export interface PipedriveListPage<T> {
  list: PipedriveList;
  items: T[];
  /** v2: `next_cursor`; v1: the next `start`, as text. */
  next: string | null;
}

/** Where a backfill stands: the list it is reading and the cursor within it. JSON, to be stored. */
export interface PipedriveBackfillCursor {
  stage: 'pipelines' | 'stages' | 'persons' | 'deals' | 'done';
  cursor: string | null;
}

/** One page of a backfill. A deals page carries those deals' changelogs: stored whole or not at all. */
export type PipedriveBackfillPage =
  | { kind: 'pipelines'; objects: PipedrivePipeline[]; cursor: PipedriveBackfillCursor }
  | { kind: 'stages'; objects: PipedriveStage[]; cursor: PipedriveBackfillCursor }
  | { kind: 'persons'; objects: PipedrivePerson[]; cursor: PipedriveBackfillCursor }
  | {
      kind: 'deals';
      objects: PipedriveDeal[];
      /** Deal id to its changelog, oldest first; empty when `dealHistory` is off. */
      changelogs: Map<string, PipedriveChangelogEntry[]>;
      cursor: PipedriveBackfillCursor;
    };

/** A list read from a cursor; v2 only: items updated at or after `updatedSince` (RFC 3339). */
export interface PipedriveListOptions {
  cursor?: string | null;
  updatedSince?: string | null;
}

export interface PipedriveClient {
  pages(
    list: 'deals',
    options?: PipedriveListOptions,
  ): AsyncGenerator<PipedriveListPage<PipedriveDeal>>;
  pages(
    list: 'persons',
    options?: PipedriveListOptions,
  ): AsyncGenerator<PipedriveListPage<PipedrivePerson>>;
  pages(
    list: 'stages',
    options?: PipedriveListOptions,
  ): AsyncGenerator<PipedriveListPage<PipedriveStage>>;
  pages(
    list: 'pipelines',
    options?: PipedriveListOptions,
  ): AsyncGenerator<PipedriveListPage<PipedrivePipeline>>;
  pages(
    list: PipedriveList,
    options?: PipedriveListOptions,
  ): AsyncGenerator<PipedriveListPage<unknown>>;
  /** A deal's field changes, oldest first (every page of `/v1/deals/{id}/changelog`). */
  dealChangelog(dealId: string): Promise<PipedriveChangelogEntry[]>;
  /**
   * Pipelines, stages, persons, then deals with their changelogs, resumable from a cursor; with
   * `updatedSince` (v2), only the persons and deals updated since (an incremental pass).
   */
  backfill(options?: {
    cursor?: PipedriveBackfillCursor | null;
    updatedSince?: string | null;
  }): AsyncGenerator<PipedriveBackfillPage, void, undefined>;
}

/** Pipedrive refused, or could not be reached after the retries. The message never holds the token. */
export class PipedriveApiError extends HttpApiError {
  constructor(message: string, fields: HttpApiErrorFields) {
    super(message, fields);
    this.name = 'PipedriveApiError';
  }
}

function parseError(json: unknown): VendorErrorInfo | null {
  const body = PipedriveErrorBody.safeParse(json);
  if (!body.success) return null;
  const e = body.data;
  const code = e.code ?? (e.errorCode === undefined ? null : String(e.errorCode));
  return { code, label: code, message: [e.error, e.error_info].filter(Boolean).join(' ') };
}

/** Pipedrive's window: `x-ratelimit-remaining`, and `x-ratelimit-reset` seconds until it refills. */
const rateWindow: RateWindow = {
  spent: (headers) =>
    headers.get('x-ratelimit-remaining')?.trim() === '0'
      ? secondsHeaderMs(headers.get('x-ratelimit-reset'))
      : null,
  wait: (status, headers) => {
    const resetMs = secondsHeaderMs(headers.get('x-ratelimit-reset'));
    return status === 429 && resetMs ? { ms: resetMs, reason: 'x-ratelimit-reset' } : null;
  },
};

const NEXT_STAGE: Record<
  Exclude<PipedriveBackfillCursor['stage'], 'done'>,
  PipedriveBackfillCursor['stage']
> = {
  pipelines: 'stages',
  stages: 'persons',
  persons: 'deals',
  deals: 'done',
};
const LISTS = new Set<string>(Object.keys(ENTITY_OF));

export function createPipedriveClient(options: PipedriveClientOptions): PipedriveClient {
  const token = options.apiToken;
  if (!token) throw new TypeError('createPipedriveClient: an API token is required');
  const api = options.api ?? 'v2';
  const pageSize = Math.min(
    MAX_PAGE_SIZE,
    Math.max(1, Math.floor(options.pageSize ?? MAX_PAGE_SIZE)),
  );
  const dealHistory = options.dealHistory ?? true;
  const http = createHttpClient({
    vendor: 'Pipedrive',
    baseUrl: options.baseUrl ?? 'https://api.pipedrive.com',
    // v1 integrations pass the token as `api_token` in the query (never shown); v2 as a header
    auth:
      api === 'v1'
        ? { type: 'query', name: 'api_token', value: token }
        : { type: 'header', name: 'x-api-token', value: token },
    scrub: { mask: '[api token]' },
    parseError,
    rateWindow,
    // the daily token budget: not coming back within any wait worth taking
    maxWaitMs: options.maxWaitMs ?? 60_000,
    isPayloadError: (err): err is Error => err instanceof PipedrivePayloadError,
    error: (message, fields) => new PipedriveApiError(message, fields),
    maxRetries: options.maxRetries,
    timeoutMs: options.timeoutMs,
    backoffMs: options.backoffMs,
    sleep: options.sleep,
    random: options.random,
    now: options.now,
    log: options.log,
  });
  const get = <T>(path: string, parse: (json: unknown) => T) => http.getJson({ path }, parse);

  async function* pages(
    list: PipedriveList,
    opts: PipedriveListOptions = {},
  ): AsyncGenerator<PipedriveListPage<unknown>> {
    if (!LISTS.has(list)) throw new TypeError(`Pipedrive: no list ${list}`);
    const entity = ENTITY_OF[list];
    let cursor = opts.cursor ?? null;
    if (api === 'v1' && cursor !== null && !/^\d+$/.test(cursor))
      throw new TypeError(`Pipedrive: ${JSON.stringify(cursor)} is not a v1 start offset`);
    for (;;) {
      const query = new URLSearchParams({ limit: String(pageSize) });
      const items = (data: unknown[] | null | undefined) =>
        (data ?? []).map((item, i) => parseEntity(entity, item, ['data', String(i)]));
      let page: { items: unknown[]; next: string | null };
      if (api === 'v2') {
        if (cursor) query.set('cursor', cursor);
        if (opts.updatedSince) query.set('updated_since', opts.updatedSince);
        page = await get(`/api/v2/${list}?${query.toString()}`, (json) => {
          const p = parseCursorPage(json);
          return { items: items(p.data), next: p.additional_data?.next_cursor || null };
        });
      } else {
        const start = cursor === null ? 0 : Number(cursor);
        query.set('start', String(start));
        page = await get(`/v1/${list}?${query.toString()}`, (json) => {
          const p = parseOffsetPage(json);
          const more = p.additional_data?.pagination;
          const data = items(p.data);
          // a list without pagination details (v1 pipelines, stages) is whole
          const next = more?.more_items_in_collection
            ? String(more.next_start ?? start + data.length)
            : null;
          return { items: data, next };
        });
      }
      const next = page.next;
      yield { list, items: page.items, next };
      if (!next) return;
      cursor = next;
    }
  }

  async function dealChangelog(dealId: string): Promise<PipedriveChangelogEntry[]> {
    if (!/^\d+$/.test(dealId))
      throw new TypeError(`Pipedrive: ${JSON.stringify(dealId)} is not a deal id`);
    const out: PipedriveChangelogEntry[] = [];
    let cursor: string | null = null;
    for (;;) {
      const query = new URLSearchParams({ limit: String(pageSize) });
      if (cursor) query.set('cursor', cursor);
      const page = await get(`/v1/deals/${dealId}/changelog?${query.toString()}`, (json) => {
        const p = parseCursorPage(json);
        const entries = (p.data ?? []).map((entry, i) =>
          parseChangelogEntry(entry, ['data', String(i)]),
        );
        return { entries, next: p.additional_data?.next_cursor || null };
      });
      out.push(...page.entries);
      cursor = page.next;
      if (!cursor) break;
    }
    // the changelog lists newest first; records want the order things happened
    // (entries of the same second keep the reverse of the order they were listed in)
    return out
      .map((e, i) => ({ e, i, t: pipedriveTime(e.time) ?? 0 }))
      .sort((a, b) => a.t - b.t || b.i - a.i)
      .map((x) => x.e);
  }

  async function* backfill(
    opts: { cursor?: PipedriveBackfillCursor | null; updatedSince?: string | null } = {},
  ): AsyncGenerator<PipedriveBackfillPage, void, undefined> {
    let cursor: PipedriveBackfillCursor = opts.cursor ?? { stage: 'pipelines', cursor: null };
    while (cursor.stage !== 'done') {
      const stage = cursor.stage;
      // persons and deals only: the mapping needs every pipeline and stage
      const updatedSince = stage === 'persons' || stage === 'deals' ? opts.updatedSince : null;
      for await (const page of pages(stage, { cursor: cursor.cursor, updatedSince })) {
        const nextCursor: PipedriveBackfillCursor = page.next
          ? { stage, cursor: page.next }
          : { stage: NEXT_STAGE[stage], cursor: null };
        if (stage === 'deals') {
          const deals = page.items as PipedriveDeal[];
          const changelogs = new Map<string, PipedriveChangelogEntry[]>();
          if (dealHistory) for (const d of deals) changelogs.set(d.id, await dealChangelog(d.id));
          cursor = nextCursor;
          yield { kind: 'deals', objects: deals, changelogs, cursor };
        } else {
          cursor = nextCursor;
          yield { kind: stage, objects: page.items, cursor } as PipedriveBackfillPage;
        }
      }
    }
  }

  // a plain object of closures: nothing on it holds the token
  return { pages, dealChangelog, backfill } as PipedriveClient;
}
