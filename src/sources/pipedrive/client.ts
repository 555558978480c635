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

export interface PipedriveClientLog {
  event: 'retry' | 'throttle';
  method: string;
  /** The path and query, never the token. */
  path: string;
  /** The HTTP status, or 0 when no answer came (network, timeout). */
  status: number;
  attempt: number;
  delayMs: number;
  reason: string;
}

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

export interface PipedriveClient {
  pages(
    list: 'deals',
    options?: { cursor?: string | null },
  ): AsyncGenerator<PipedriveListPage<PipedriveDeal>>;
  pages(
    list: 'persons',
    options?: { cursor?: string | null },
  ): AsyncGenerator<PipedriveListPage<PipedrivePerson>>;
  pages(
    list: 'stages',
    options?: { cursor?: string | null },
  ): AsyncGenerator<PipedriveListPage<PipedriveStage>>;
  pages(
    list: 'pipelines',
    options?: { cursor?: string | null },
  ): AsyncGenerator<PipedriveListPage<PipedrivePipeline>>;
  pages(
    list: PipedriveList,
    options?: { cursor?: string | null },
  ): AsyncGenerator<PipedriveListPage<unknown>>;
  /** A deal's field changes, oldest first (every page of `/v1/deals/{id}/changelog`). */
  dealChangelog(dealId: string): Promise<PipedriveChangelogEntry[]>;
  /** Pipelines, stages, persons, then deals with their changelogs, resumable from a cursor. */
  backfill(options?: {
    cursor?: PipedriveBackfillCursor | null;
  }): AsyncGenerator<PipedriveBackfillPage, void, undefined>;
}

/** Pipedrive refused, or could not be reached after the retries. The message never holds the token. */
export class PipedriveApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 when no answer came. */
    readonly status: number,
    /** Pipedrive's error code, when the answer has one. */
    readonly code: string | null,
    readonly attempts: number,
    /** A rate limit longer than the client waits: when to try again (epoch ms). */
    readonly retryAt: number | null = null,
  ) {
    super(message);
    this.name = 'PipedriveApiError';
  }
}

/** Seconds or an HTTP date, as `Retry-After` may say; null if neither. */
function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function seconds(header: string | null): number | null {
  if (!header || !/^\d+(\.\d+)?$/.test(header.trim())) return null;
  return Math.round(Number(header) * 1000);
}

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
// an api_token in a URL or text a server echoes; an x-api-token header line
// (what is already redacted is left as it is, so scrubbing twice changes nothing)
const TOKEN_PARAM = /(api_token=)(?!\[api token\])[^&\s"'<>]+/gi;
const TOKEN_HEADER = /(x-api-token:\s*)(?!\[api token\])\S+/gi;

/** A path as messages show it: no token, whatever the query held. */
function shown(path: string): string {
  return path.replace(TOKEN_PARAM, '$1[api token]');
}

export function createPipedriveClient(options: PipedriveClientOptions): PipedriveClient {
  const token = options.apiToken;
  if (!token) throw new TypeError('createPipedriveClient: an API token is required');
  const baseUrl = (options.baseUrl ?? 'https://api.pipedrive.com').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl))
    throw new TypeError('createPipedriveClient: baseUrl must be http(s)');
  const api = options.api ?? 'v2';
  const pageSize = Math.min(
    MAX_PAGE_SIZE,
    Math.max(1, Math.floor(options.pageSize ?? MAX_PAGE_SIZE)),
  );
  const dealHistory = options.dealHistory ?? true;
  const maxRetries = Math.max(0, options.maxRetries ?? 5);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const baseDelay = options.backoffMs?.base ?? 500;
  const maxDelay = options.backoffMs?.max ?? 30_000;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  // the window to wait out before the next request, when the last answer said none was left
  let throttleMs = 0;

  const scrub = (text: string) =>
    text
      .split(token)
      .join('[api token]')
      .replace(TOKEN_PARAM, '$1[api token]')
      .replace(TOKEN_HEADER, '$1[api token]');
  // exponential with equal jitter: half the step for sure, half at random
  const backoff = (attempt: number) => {
    const step = Math.min(maxDelay, baseDelay * 2 ** attempt);
    return Math.round(step / 2 + random() * (step / 2));
  };
  const fail = (
    message: string,
    status: number,
    code: string | null,
    attempts: number,
    retryAt: number | null = null,
  ) => new PipedriveApiError(scrub(message), status, code, attempts, retryAt);

  /** GET a path (without the token); v1 mode adds the token to the query, v2 sends it as a header. */
  async function get(path: string): Promise<unknown> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    let url = `${baseUrl}${path}`;
    if (api === 'v1')
      url += `${path.includes('?') ? '&' : '?'}api_token=${encodeURIComponent(token)}`;
    else headers['x-api-token'] = token;
    const name = shown(path);
    for (let attempt = 0; ; attempt++) {
      if (throttleMs > 0) {
        const delayMs = throttleMs;
        throttleMs = 0;
        log({
          event: 'throttle',
          method: 'GET',
          path: name,
          status: 0,
          attempt,
          delayMs,
          reason: 'window spent',
        });
        await sleep(delayMs);
      }
      let res: Response;
      try {
        res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        const cause =
          err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
        const reason = scrub(
          err instanceof Error ? `${err.name}: ${err.message}${cause}` : String(err),
        );
        if (attempt < maxRetries) {
          const delayMs = backoff(attempt);
          log({
            event: 'retry',
            method: 'GET',
            path: name,
            status: 0,
            attempt: attempt + 1,
            delayMs,
            reason,
          });
          await sleep(delayMs);
          continue;
        }
        throw fail(
          `Pipedrive GET ${name}: no answer after ${attempt + 1} attempts (${reason})`,
          0,
          null,
          attempt + 1,
        );
      }
      const text = await res.text();
      const resetMs = seconds(res.headers.get('x-ratelimit-reset'));
      if (res.ok) {
        if (res.headers.get('x-ratelimit-remaining')?.trim() === '0' && resetMs)
          throttleMs = resetMs;
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw fail(
            `Pipedrive GET ${name}: the answer is not JSON`,
            res.status,
            null,
            attempt + 1,
          );
        }
      }
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        // an error page from a proxy: no Pipedrive error body
      }
      const body = PipedriveErrorBody.safeParse(parsed);
      const e = body.success ? body.data : {};
      const code = e.code ?? (e.errorCode === undefined ? null : String(e.errorCode));
      const detail = scrub(
        body.success ? [e.error, e.error_info].filter(Boolean).join(' ') : text.slice(0, 200),
      );
      const retryable = res.status === 429 || res.status >= 500;
      if (retryable && attempt < maxRetries) {
        let delayMs: number;
        let reason: string;
        const after =
          res.status === 429 ? retryAfterMs(res.headers.get('retry-after'), now()) : null;
        if (after !== null) [delayMs, reason] = [after, 'Retry-After'];
        else if (res.status === 429 && resetMs) [delayMs, reason] = [resetMs, 'x-ratelimit-reset'];
        else [delayMs, reason] = [backoff(attempt), `HTTP ${res.status}`];
        if (res.status === 429 && delayMs > maxWaitMs) {
          // the daily token budget: not coming back within any wait worth taking
          throw fail(
            `Pipedrive GET ${name} answered 429: rate limited for ${Math.round(delayMs / 1000)} s, longer than the ${Math.round(maxWaitMs / 1000)} s waited${detail ? `: ${detail}` : ''}`,
            429,
            code,
            attempt + 1,
            now() + delayMs,
          );
        }
        log({
          event: 'retry',
          method: 'GET',
          path: name,
          status: res.status,
          attempt: attempt + 1,
          delayMs,
          reason,
        });
        await sleep(delayMs);
        continue;
      }
      throw fail(
        `Pipedrive GET ${name} answered ${res.status}${code ? ` (${code})` : ''}${detail ? `: ${detail}` : ''}${attempt > 0 ? ` after ${attempt + 1} attempts` : ''}`,
        res.status,
        code,
        attempt + 1,
      );
    }
  }

  /** Parses an answer; a shape we do not read is an API error naming the request and field. */
  function read<T>(path: string, parse: () => T): T {
    try {
      return parse();
    } catch (err) {
      if (!(err instanceof PipedrivePayloadError)) throw err;
      throw fail(`Pipedrive GET ${shown(path)}: unexpected answer (${err.message})`, 200, null, 1);
    }
  }

  async function* pages(
    list: PipedriveList,
    opts: { cursor?: string | null } = {},
  ): AsyncGenerator<PipedriveListPage<unknown>> {
    if (!LISTS.has(list)) throw new TypeError(`Pipedrive: no list ${list}`);
    const entity = ENTITY_OF[list];
    let cursor = opts.cursor ?? null;
    if (api === 'v1' && cursor !== null && !/^\d+$/.test(cursor))
      throw new TypeError(`Pipedrive: ${JSON.stringify(cursor)} is not a v1 start offset`);
    for (;;) {
      const query = new URLSearchParams({ limit: String(pageSize) });
      let path: string;
      let next: string | null;
      let data: unknown[];
      if (api === 'v2') {
        if (cursor) query.set('cursor', cursor);
        path = `/api/v2/${list}?${query.toString()}`;
        const json = await get(path);
        const page = read(path, () => parseCursorPage(json));
        data = page.data ?? [];
        next = page.additional_data?.next_cursor || null;
      } else {
        const start = cursor === null ? 0 : Number(cursor);
        query.set('start', String(start));
        path = `/v1/${list}?${query.toString()}`;
        const json = await get(path);
        const page = read(path, () => parseOffsetPage(json));
        data = page.data ?? [];
        const p = page.additional_data?.pagination;
        // a list without pagination details (v1 pipelines, stages) is whole
        next = p?.more_items_in_collection ? String(p.next_start ?? start + data.length) : null;
      }
      const items = data.map((item, i) =>
        read(path, () => parseEntity(entity, item, ['data', String(i)])),
      );
      yield { list, items, next };
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
      const path = `/v1/deals/${dealId}/changelog?${query.toString()}`;
      const json = await get(path);
      const page = read(path, () => parseCursorPage(json));
      (page.data ?? []).forEach((entry, i) =>
        out.push(read(path, () => parseChangelogEntry(entry, ['data', String(i)]))),
      );
      cursor = page.additional_data?.next_cursor || null;
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
    opts: { cursor?: PipedriveBackfillCursor | null } = {},
  ): AsyncGenerator<PipedriveBackfillPage, void, undefined> {
    let cursor: PipedriveBackfillCursor = opts.cursor ?? { stage: 'pipelines', cursor: null };
    while (cursor.stage !== 'done') {
      const stage = cursor.stage;
      for await (const page of pages(stage, { cursor: cursor.cursor })) {
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
