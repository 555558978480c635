// The HubSpot CRM API client for backfills and re-fetches: contacts, companies and deals read page by
// page (`limit`, `after`, `paging.next.after`), deals with their `dealstage` history and their contacts
// (v4 associations, batch read), one object re-read after a webhook (webhooks carry no previous value),
// and the deal pipelines (which stages are won or lost). A private app's token goes in the
// Authorization header and nowhere else: not in a URL, a log entry, an error or the client object.
//
// Rate limits: a 429 waits as `Retry-After` says, else for HubSpot's rolling window
// (`X-HubSpot-RateLimit-Interval-Milliseconds`, 10 s); a 429 of the daily policy is not retried (the
// day's quota is spent). When an answer says no request is left in the window
// (`X-HubSpot-RateLimit-Remaining: 0`), the next request waits the window out first. 5xx answers,
// network failures and timeouts back off exponentially.
//
//   const hubspot = createHubSpotClient({ accessToken, baseUrl });
//   for await (const page of hubspot.backfill({ cursor: savedCursor })) {
//     store(page);
//     savedCursor = page.cursor; // resume here after a failure
//   }

import { z } from 'zod';
import {
  parseAssociationBatch,
  parseCrmObject,
  parseObjectPage,
  parsePipelines,
  HubSpotPayloadError,
  type AssociatedObject,
  type HubSpotCrmObject,
  type Pipeline,
} from './schemas.js';

/** The object lists a backfill reads. */
export type HubSpotObjectList = 'contacts' | 'companies' | 'deals';

// the stock lifecycle stages, each with a date property HubSpot sets when a contact enters it
const LIFECYCLE_DATES = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
].map((s) => `hs_lifecyclestage_${s}_date`);

/** The properties a backfill and a re-fetch ask for (HubSpot ignores names a portal lacks). */
export const BACKFILL_PROPERTIES: Record<HubSpotObjectList, readonly string[]> = {
  contacts: [
    'email',
    'hs_additional_emails',
    'phone',
    'mobilephone',
    'firstname',
    'lastname',
    'lifecyclestage',
    'hs_lead_status',
    ...LIFECYCLE_DATES,
    'createdate',
    'lastmodifieddate',
    'associatedcompanyid',
    'hs_analytics_source',
    'hs_analytics_source_data_1',
    'hs_analytics_source_data_2',
    'hs_analytics_first_url',
    // the tracker's anonymous id, when a form carried it into a contact property (docs/crm.md)
    'closedloop_anonymous_id',
  ],
  companies: ['name', 'domain', 'lifecyclestage', 'createdate', 'hs_lastmodifieddate'],
  deals: [
    'dealname',
    'amount',
    'deal_currency_code',
    'pipeline',
    'dealstage',
    'closedate',
    'createdate',
    'hs_lastmodifieddate',
    'hs_is_closed',
    'hs_is_closed_won',
    'closed_lost_reason',
    'closed_won_reason',
    'hs_analytics_source',
    'hs_analytics_source_data_1',
    'hs_analytics_source_data_2',
  ],
};

/** Properties read with their history: every stage a deal passed through, with its time. */
export const BACKFILL_HISTORY: Record<HubSpotObjectList, readonly string[]> = {
  contacts: [],
  companies: [],
  deals: ['dealstage'],
};

/** HubSpot answers at most this many objects a page when history is asked for. */
export const HISTORY_PAGE_LIMIT = 50;
/** Inputs of one v4 associations batch read. */
export const ASSOCIATION_BATCH_LIMIT = 1000;

export interface HubSpotClientLog {
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

export interface HubSpotClientOptions {
  /** A private app's access token (or an OAuth access token). */
  accessToken: string;
  /** Default https://api.hubapi.com; tests point it at a local replay. */
  baseUrl?: string;
  /** Objects per page, 1-100 (HubSpot's maximum; 50 when history is asked for). Default 100. */
  pageSize?: number;
  /** Retries after the first attempt. Default 5. */
  maxRetries?: number;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  /** The first backoff and its cap. Defaults 500 ms and 30 s. */
  backoffMs?: { base?: number; max?: number };
  /** Waits between attempts (tests record instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
  /** Where retries and throttling are told; each entry is free of the token. */
  log?: (entry: HubSpotClientLog) => void;
  /** A random number in [0, 1) for the backoff's jitter (tests). */
  random?: () => number;
}

export interface ListOptions {
  /** Resume after this cursor (a page's `after`). */
  after?: string | null;
  properties?: readonly string[];
  propertiesWithHistory?: readonly string[];
}

/** One page of a list: its objects and the cursor that resumes after them (null: the list is done). */
export interface HubSpotListPage {
  object: HubSpotObjectList;
  results: HubSpotCrmObject[];
  after: string | null;
}

/** A deal's contacts, as the v4 associations name them. */
export interface DealContacts {
  dealId: string;
  contacts: AssociatedObject[];
}

/** Where a backfill stands: the list it is reading and the cursor within it. JSON, to be stored. */
export interface BackfillCursor {
  stage: HubSpotObjectList | 'done';
  after: string | null;
}

/**
 * One page of a backfill, and the cursor that resumes after it. A deals page carries those deals'
 * contact associations too: a deal page is stored whole or not at all.
 */
export type BackfillPage =
  | { kind: 'contacts' | 'companies'; objects: HubSpotCrmObject[]; cursor: BackfillCursor }
  | {
      kind: 'deals';
      objects: HubSpotCrmObject[];
      associations: DealContacts[];
      cursor: BackfillCursor;
    };

export interface HubSpotClient {
  /** Every page of a list, from the start or after `after`. */
  pages(
    object: HubSpotObjectList,
    options?: ListOptions,
  ): AsyncGenerator<HubSpotListPage, void, undefined>;
  /** The contacts of these deals (v4 batch read, following each deal's own paging). */
  dealContacts(dealIds: readonly string[]): Promise<DealContacts[]>;
  /** One object as it is now, with the backfill's properties and history; null if it is gone. */
  getObject(
    object: HubSpotObjectList,
    id: string,
    options?: Omit<ListOptions, 'after'>,
  ): Promise<HubSpotCrmObject | null>;
  /** The deal pipelines and their stages. */
  dealPipelines(): Promise<Pipeline[]>;
  /** Contacts, then companies, then deals with their contacts, resumable from a cursor. */
  backfill(options?: {
    cursor?: BackfillCursor | null;
  }): AsyncGenerator<BackfillPage, void, undefined>;
}

/** HubSpot refused, or could not be reached after the retries. The message never holds the token. */
export class HubSpotApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 when no answer came. */
    readonly status: number,
    /** HubSpot's error category (RATE_LIMITS, EXPIRED_AUTHENTICATION, OBJECT_NOT_FOUND...). */
    readonly category: string | null,
    /** The 429's policy (DAILY, TEN_SECONDLY_ROLLING, SECONDLY). */
    readonly policyName: string | null,
    /** `correlationId`, for HubSpot support. */
    readonly correlationId: string | null,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'HubSpotApiError';
  }
}

const ErrorBody = z.object({
  message: z.string().optional(),
  category: z.string().optional(),
  errorType: z.string().optional(),
  policyName: z.string().optional(),
  correlationId: z.string().optional(),
});

// anything shaped like a private app token, or a bearer credential, should a server echo one
const TOKEN_LIKE = /\bpat-[a-z0-9]+-[0-9a-f-]{8,}/gi;
const BEARER = /\bBearer\s+(?!\[access token\])[^\s"',;<]+/gi;

/** A request as errors name it: the path, and the cursor when there is one (not the property lists). */
function shown(path: string): string {
  const [pathname, search = ''] = path.split('?', 2) as [string, string?];
  const after = new URLSearchParams(search).get('after');
  return after ? `${pathname}?after=${encodeURIComponent(after)}` : pathname;
}

/** Seconds or an HTTP date, as `Retry-After` may say; null if neither. */
function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function positiveInt(header: string | null): number | null {
  if (!header || !/^\d+$/.test(header.trim())) return null;
  return Number(header);
}

const OBJECT_LISTS = new Set<string>(['contacts', 'companies', 'deals']);
const NEXT_STAGE: Record<HubSpotObjectList, BackfillCursor['stage']> = {
  contacts: 'companies',
  companies: 'deals',
  deals: 'done',
};

export function createHubSpotClient(options: HubSpotClientOptions): HubSpotClient {
  const token = options.accessToken;
  if (!token) throw new TypeError('createHubSpotClient: an access token is required');
  const baseUrl = (options.baseUrl ?? 'https://api.hubapi.com').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl))
    throw new TypeError('createHubSpotClient: baseUrl must be http(s)');
  const pageSize = Math.min(100, Math.max(1, Math.floor(options.pageSize ?? 100)));
  const maxRetries = Math.max(0, options.maxRetries ?? 5);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const baseDelay = options.backoffMs?.base ?? 500;
  const maxDelay = options.backoffMs?.max ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  // the window to wait out before the next request, when the last answer said none was left
  let throttleMs = 0;

  const scrub = (text: string) =>
    text
      .split(token)
      .join('[access token]')
      .replace(BEARER, 'Bearer [access token]')
      .replace(TOKEN_LIKE, '[access token]');
  // exponential with equal jitter: half the step for sure, half at random
  const backoff = (attempt: number) => {
    const step = Math.min(maxDelay, baseDelay * 2 ** attempt);
    return Math.round(step / 2 + random() * (step / 2));
  };

  async function call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    accept: (status: number) => boolean = () => false,
  ): Promise<{ status: number; json: unknown }> {
    const url = `${baseUrl}${path}`;
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    for (let attempt = 0; ; attempt++) {
      if (throttleMs > 0) {
        const delayMs = throttleMs;
        throttleMs = 0;
        log({
          event: 'throttle',
          method,
          path,
          status: 0,
          attempt,
          delayMs,
          reason: 'window spent',
        });
        await sleep(delayMs);
      }
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const reason = scrub(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
        if (attempt < maxRetries) {
          const delayMs = backoff(attempt);
          log({ event: 'retry', method, path, status: 0, attempt: attempt + 1, delayMs, reason });
          await sleep(delayMs);
          continue;
        }
        throw new HubSpotApiError(
          `HubSpot ${method} ${shown(path)}: no answer after ${attempt + 1} attempts (${reason})`,
          0,
          null,
          null,
          null,
          attempt + 1,
        );
      }
      const text = await res.text();
      const windowMs = positiveInt(res.headers.get('x-hubspot-ratelimit-interval-milliseconds'));
      if (res.ok || accept(res.status)) {
        if (res.headers.get('x-hubspot-ratelimit-remaining')?.trim() === '0' && windowMs)
          throttleMs = windowMs;
        if (accept(res.status) && !res.ok) return { status: res.status, json: null };
        try {
          return { status: res.status, json: JSON.parse(text) as unknown };
        } catch {
          throw new HubSpotApiError(
            `HubSpot ${method} ${shown(path)}: the answer is not JSON`,
            res.status,
            null,
            null,
            null,
            attempt + 1,
          );
        }
      }
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        // an error page from a proxy: no HubSpot error body
      }
      const error = ErrorBody.safeParse(parsed);
      const e = error.success ? error.data : {};
      const category = e.category ?? e.errorType ?? null;
      const policyName = e.policyName ?? null;
      const correlationId = e.correlationId ?? null;
      const detail = scrub(error.success ? (e.message ?? '') : text.slice(0, 200));
      // the day's quota does not come back within any retry we would make
      const daily = res.status === 429 && policyName === 'DAILY';
      const retryable = (res.status === 429 && !daily) || res.status >= 500;
      if (retryable && attempt < maxRetries) {
        let delayMs: number;
        let reason: string;
        const after =
          res.status === 429 ? retryAfterMs(res.headers.get('retry-after'), Date.now()) : null;
        if (after !== null) [delayMs, reason] = [after, 'Retry-After'];
        else if (res.status === 429 && windowMs)
          [delayMs, reason] = [windowMs, `rate limit window (${policyName ?? 'unnamed policy'})`];
        else [delayMs, reason] = [backoff(attempt), `HTTP ${res.status}`];
        log({
          event: 'retry',
          method,
          path,
          status: res.status,
          attempt: attempt + 1,
          delayMs,
          reason,
        });
        await sleep(delayMs);
        continue;
      }
      throw new HubSpotApiError(
        `HubSpot ${method} ${shown(path)} answered ${res.status}${category ? ` (${category}${policyName ? `/${policyName}` : ''})` : ''}` +
          `${detail ? `: ${detail}` : ''}${attempt > 0 ? ` after ${attempt + 1} attempts` : ''}`,
        res.status,
        category,
        policyName,
        correlationId,
        attempt + 1,
      );
    }
  }

  /** Parses an answer; a shape we do not read is an API error naming the request and field. */
  function read<T>(method: string, path: string, parse: (v: unknown) => T, json: unknown): T {
    try {
      return parse(json);
    } catch (err) {
      if (!(err instanceof HubSpotPayloadError)) throw err;
      throw new HubSpotApiError(
        `HubSpot ${method} ${shown(path)}: unexpected answer (${err.message})`,
        200,
        null,
        null,
        null,
        1,
      );
    }
  }

  function objectQuery(object: HubSpotObjectList, opts: Omit<ListOptions, 'after'>) {
    const query = new URLSearchParams();
    const properties = opts.properties ?? BACKFILL_PROPERTIES[object];
    const history = opts.propertiesWithHistory ?? BACKFILL_HISTORY[object];
    if (properties.length) query.set('properties', properties.join(','));
    if (history.length) query.set('propertiesWithHistory', history.join(','));
    query.set('archived', 'false');
    return { query, history };
  }

  async function* pages(
    object: HubSpotObjectList,
    opts: ListOptions = {},
  ): AsyncGenerator<HubSpotListPage, void, undefined> {
    if (!OBJECT_LISTS.has(object)) throw new TypeError(`HubSpot: no object list ${object}`);
    let after = opts.after ?? null;
    const { query, history } = objectQuery(object, opts);
    query.set('limit', String(history.length ? Math.min(pageSize, HISTORY_PAGE_LIMIT) : pageSize));
    for (;;) {
      if (after) query.set('after', after);
      const path = `/crm/v3/objects/${object}?${query.toString()}`;
      const { json } = await call('GET', path);
      const page = read('GET', path, parseObjectPage, json);
      const next = page.paging?.next?.after ?? null;
      // a page that names no next page ends the list, whatever it holds
      yield { object, results: page.results, after: next };
      if (!next) return;
      after = next;
    }
  }

  async function dealContacts(dealIds: readonly string[]): Promise<DealContacts[]> {
    const byDeal = new Map<string, AssociatedObject[]>(dealIds.map((id) => [id, []]));
    let inputs: Array<{ id: string; after?: string }> = [...byDeal.keys()].map((id) => ({ id }));
    const path = '/crm/v4/associations/deals/contacts/batch/read';
    while (inputs.length > 0) {
      const batch = inputs.slice(0, ASSOCIATION_BATCH_LIMIT);
      inputs = inputs.slice(ASSOCIATION_BATCH_LIMIT);
      // 207: some deals have no contacts (an error each), the rest answered
      const { json } = await call('POST', path, { inputs: batch });
      const answer = read('POST', path, parseAssociationBatch, json);
      for (const r of answer.results) {
        const list = byDeal.get(r.from.id);
        if (!list) continue;
        list.push(...r.to);
        const after = r.paging?.next?.after;
        // a deal with more contacts than one answer holds is asked again from where it stopped
        if (after) inputs.push({ id: r.from.id, after });
      }
    }
    return [...byDeal].map(([dealId, contacts]) => ({ dealId, contacts }));
  }

  async function getObject(
    object: HubSpotObjectList,
    id: string,
    opts: Omit<ListOptions, 'after'> = {},
  ): Promise<HubSpotCrmObject | null> {
    if (!OBJECT_LISTS.has(object)) throw new TypeError(`HubSpot: no object list ${object}`);
    if (!/^\d+$/.test(id))
      throw new TypeError(`HubSpot: ${JSON.stringify(id)} is not an object id`);
    const { query } = objectQuery(object, opts);
    const path = `/crm/v3/objects/${object}/${id}?${query.toString()}`;
    // 404: deleted (or merged away) since the webhook was sent
    const { status, json } = await call('GET', path, undefined, (s) => s === 404);
    if (status === 404) return null;
    return read('GET', path, parseCrmObject, json);
  }

  async function dealPipelines(): Promise<Pipeline[]> {
    const path = '/crm/v3/pipelines/deals';
    const { json } = await call('GET', path);
    return read('GET', path, parsePipelines, json);
  }

  async function* backfill(
    opts: { cursor?: BackfillCursor | null } = {},
  ): AsyncGenerator<BackfillPage, void, undefined> {
    let cursor: BackfillCursor = opts.cursor ?? { stage: 'contacts', after: null };
    while (cursor.stage !== 'done') {
      const stage: HubSpotObjectList = cursor.stage;
      for await (const page of pages(stage, { after: cursor.after })) {
        cursor = page.after
          ? { stage, after: page.after }
          : { stage: NEXT_STAGE[stage], after: null };
        if (stage === 'deals') {
          const associations = await dealContacts(page.results.map((d) => d.id));
          yield { kind: 'deals', objects: page.results, associations, cursor };
        } else {
          yield { kind: stage, objects: page.results, cursor };
        }
      }
    }
  }

  // a plain object of closures: nothing on it holds the token
  return { pages, dealContacts, getObject, dealPipelines, backfill };
}
