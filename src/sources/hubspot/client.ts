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
  createHttpClient,
  HttpApiError,
  positiveIntHeader,
  type HttpApiErrorFields,
  type HttpClientLog,
  type RateWindow,
  type VendorErrorInfo,
} from '../http/index.js';
import {
  ASSOCIATION_BATCH_LIMIT,
  BACKFILL_HISTORY,
  BACKFILL_PROPERTIES,
  BATCH_READ_LIMIT,
  HISTORY_PAGE_LIMIT,
  MODIFIED_PROPERTY,
  SEARCH_PAGE_LIMIT,
  type HubSpotObjectList,
  type SearchableList,
} from './properties.js';
import {
  HubSpotPayloadError,
  parseBatchRead,
  parseSearchPage,
  parseAssociationBatch,
  parseCrmObject,
  parseObjectPage,
  parsePipelines,
  type AssociatedObject,
  type HubSpotCrmObject,
  type Pipeline,
} from './schemas.js';

export * from './properties.js';

/** A retry or a throttle, as the client tells it: free of the token. */
export type HubSpotClientLog = HttpClientLog;

export interface HubSpotClientOptions {
  /** A private app's access token (or an OAuth access token). */
  accessToken: string;
  /**
   * OAuth apps: a new access token (HubSpot's refresh-token grant, run by the caller, who stores the
   * refresh token), asked for once when HubSpot answers 401 EXPIRED_AUTHENTICATION. Without it such
   * a 401 is the error.
   */
  refreshAccessToken?: () => Promise<string>;
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
  /** The archived (deleted) objects instead of the live ones. */
  archived?: boolean;
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

export interface SearchQuery {
  /** The lower bound (ms) of the last-modified time. */
  since: number;
  after?: string | null;
  /** Objects a page, at most 200. */
  limit: number;
}

export interface SearchPage {
  results: HubSpotCrmObject[];
  /** Objects matching the query (more than a query can page through when over 10,000). */
  total: number;
  after: string | null;
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
  /**
   * One page of the objects modified at or after `since` (ms), oldest change first
   * (`POST /crm/v3/objects/{type}/search`); without history, which search does not give.
   */
  searchPage(object: SearchableList, query: SearchQuery): Promise<SearchPage>;
  /** These objects as they are now, with the backfill's properties and history (v3 batch read). */
  batchRead(object: SearchableList, ids: readonly string[]): Promise<HubSpotCrmObject[]>;
  /** Contacts, then companies, then deals with their contacts, resumable from a cursor. */
  backfill(options?: {
    cursor?: BackfillCursor | null;
  }): AsyncGenerator<BackfillPage, void, undefined>;
}

/** HubSpot refused, or could not be reached after the retries. The message never holds the token. */
export class HubSpotApiError extends HttpApiError {
  /** HubSpot's error category (RATE_LIMITS, EXPIRED_AUTHENTICATION, OBJECT_NOT_FOUND...). */
  readonly category: string | null;
  /** The 429's policy (DAILY, TEN_SECONDLY_ROLLING, SECONDLY). */
  readonly policyName: string | null;
  /** `correlationId`, for HubSpot support. */
  readonly correlationId: string | null;

  constructor(message: string, fields: HttpApiErrorFields, error: HubSpotError | null) {
    super(message, fields);
    this.name = 'HubSpotApiError';
    this.category = error?.code ?? null;
    this.policyName = error?.policyName ?? null;
    this.correlationId = error?.correlationId ?? null;
  }
}

const ErrorBody = z.object({
  message: z.string().optional(),
  category: z.string().optional(),
  errorType: z.string().optional(),
  policyName: z.string().optional(),
  correlationId: z.string().optional(),
});

interface HubSpotError extends VendorErrorInfo {
  policyName: string | null;
  correlationId: string | null;
}

function parseError(json: unknown): HubSpotError | null {
  const body = ErrorBody.safeParse(json);
  if (!body.success) return null;
  const e = body.data;
  const category = e.category ?? e.errorType ?? null;
  const policyName = e.policyName ?? null;
  return {
    code: category,
    label: category ? `${category}${policyName ? `/${policyName}` : ''}` : null,
    message: e.message ?? '',
    policyName,
    correlationId: e.correlationId ?? null,
  };
}

// anything shaped like a private app token, should a server echo one
const TOKEN_LIKE = /\bpat-[a-z0-9]+-[0-9a-f-]{8,}/gi;

/** A request as errors name it: the path, and the cursor when there is one (not the property lists). */
function shown(path: string): string {
  const [pathname, search = ''] = path.split('?', 2) as [string, string?];
  const after = new URLSearchParams(search).get('after');
  return after ? `${pathname}?after=${encodeURIComponent(after)}` : pathname;
}

/** HubSpot's rolling window: `X-HubSpot-RateLimit-Interval-Milliseconds` (10 s) and what is left. */
const rateWindow: RateWindow<HubSpotError> = {
  spent: (headers) =>
    headers.get('x-hubspot-ratelimit-remaining')?.trim() === '0'
      ? positiveIntHeader(headers.get('x-hubspot-ratelimit-interval-milliseconds'))
      : null,
  wait: (status, headers, error) => {
    const windowMs = positiveIntHeader(headers.get('x-hubspot-ratelimit-interval-milliseconds'));
    if (status !== 429 || !windowMs) return null;
    return { ms: windowMs, reason: `rate limit window (${error?.policyName ?? 'unnamed policy'})` };
  },
};

const OBJECT_LISTS = new Set<string>(['contacts', 'companies', 'deals']);
const NEXT_STAGE: Record<HubSpotObjectList, BackfillCursor['stage']> = {
  contacts: 'companies',
  companies: 'deals',
  deals: 'done',
};

export function createHubSpotClient(options: HubSpotClientOptions): HubSpotClient {
  const token = options.accessToken;
  if (!token) throw new TypeError('createHubSpotClient: an access token is required');
  const pageSize = Math.min(100, Math.max(1, Math.floor(options.pageSize ?? 100)));
  const refresh = options.refreshAccessToken;
  const http = createHttpClient<HubSpotError>({
    vendor: 'HubSpot',
    baseUrl: options.baseUrl ?? 'https://api.hubapi.com',
    auth: refresh
      ? {
          type: 'oauth',
          accessToken: token,
          refresh: () => refresh(),
          expired: (a, e) =>
            a.status === 401 && e?.code === 'EXPIRED_AUTHENTICATION'
              ? 'EXPIRED_AUTHENTICATION'
              : null,
        }
      : { type: 'bearer', token },
    scrub: { mask: '[access token]', patterns: [[TOKEN_LIKE, '[access token]']] },
    parseError,
    // the day's quota does not come back within any retry we would make
    retryable: (status, _h, e) => (status === 429 && e?.policyName !== 'DAILY') || status >= 500,
    rateWindow,
    isPayloadError: (err): err is Error => err instanceof HubSpotPayloadError,
    error: (message, fields, e) => new HubSpotApiError(message, fields, e),
    maxRetries: options.maxRetries,
    timeoutMs: options.timeoutMs,
    backoffMs: options.backoffMs,
    sleep: options.sleep,
    random: options.random,
    log: options.log,
  });
  const get = <T>(path: string, parse: (v: unknown) => T) =>
    http.getJson({ path, shown: shown(path) }, parse);

  function objectQuery(object: HubSpotObjectList, opts: Omit<ListOptions, 'after'>) {
    const query = new URLSearchParams();
    const properties = opts.properties ?? BACKFILL_PROPERTIES[object];
    const history = opts.propertiesWithHistory ?? BACKFILL_HISTORY[object];
    if (properties.length) query.set('properties', properties.join(','));
    if (history.length) query.set('propertiesWithHistory', history.join(','));
    query.set('archived', String(opts.archived === true));
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
      const page = await get(path, parseObjectPage);
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
      const answer = await http.getJson(
        { method: 'POST', path, json: { inputs: batch } },
        parseAssociationBatch,
      );
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
    const req = { path, shown: shown(path), accept: (s: number) => s === 404 };
    const answer = await http.request(req);
    if (answer.status === 404) return null;
    return http.decode(answer, req, parseCrmObject);
  }

  async function searchPage(object: SearchableList, q: SearchQuery): Promise<SearchPage> {
    const property = MODIFIED_PROPERTY[object];
    const path = `/crm/v3/objects/${object}/search`;
    const body = {
      filterGroups: [
        { filters: [{ propertyName: property, operator: 'GTE', value: String(q.since) }] },
      ],
      // one sort only (HubSpot's rule); ascending, so a query past 10,000 results resumes by time
      sorts: [{ propertyName: property, direction: 'ASCENDING' }],
      properties: BACKFILL_PROPERTIES[object],
      limit: Math.min(SEARCH_PAGE_LIMIT, Math.max(1, q.limit)),
      ...(q.after ? { after: q.after } : {}),
    };
    const shownAs = `${path} (${property} >= ${new Date(q.since).toISOString()}${q.after ? `, after ${q.after}` : ''})`;
    const page = await http.getJson(
      { method: 'POST', path, shown: shownAs, json: body },
      parseSearchPage,
    );
    return { results: page.results, total: page.total, after: page.paging?.next?.after ?? null };
  }

  async function batchRead(
    object: SearchableList,
    ids: readonly string[],
  ): Promise<HubSpotCrmObject[]> {
    const out: HubSpotCrmObject[] = [];
    const history = BACKFILL_HISTORY[object];
    const size = history.length ? HISTORY_PAGE_LIMIT : BATCH_READ_LIMIT;
    for (let i = 0; i < ids.length; i += size) {
      const body = {
        properties: BACKFILL_PROPERTIES[object],
        ...(history.length ? { propertiesWithHistory: history } : {}),
        inputs: ids.slice(i, i + size).map((id) => ({ id })),
      };
      // 207: some objects were deleted since the search; the rest are answered
      out.push(
        ...(await http.getJson(
          { method: 'POST', path: `/crm/v3/objects/${object}/batch/read`, json: body },
          parseBatchRead,
        )),
      );
    }
    return out;
  }

  async function dealPipelines(): Promise<Pipeline[]> {
    return get('/crm/v3/pipelines/deals', parsePipelines);
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
  return { pages, dealContacts, getObject, dealPipelines, searchPage, batchRead, backfill };
}
