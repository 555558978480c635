// The Salesforce REST API client for backfills and re-fetches: SOQL over
// `GET /services/data/vXX.X/query?q=` (or `queryAll`, which includes deleted records), page by page
// through `nextRecordsUrl`, for Lead, Contact, Opportunity, OpportunityHistory and
// OpportunityContactRole, each ordered by `SystemModstamp` so a backfill resumes from a query locator or,
// once that has expired, from the last `SystemModstamp` it handed out; and the org's OpportunityStage
// and LeadStatus settings for the mapping.
//
// Sessions: an expired access token answers 401 INVALID_SESSION_ID; with a refresh token the client
// asks `/services/oauth2/token` for a new one (once, however many requests were waiting) and retries the
// request once. A rotated refresh token is used from then on and handed to `onTokens` to be stored.
// Limits: 429, and 403 REQUEST_LIMIT_EXCEEDED for concurrent long requests, wait (`Retry-After` when
// given, else exponential backoff); the org's daily total (`TotalRequests Limit exceeded`) is not
// retried. 5xx answers, network failures and timeouts back off exponentially.
//
// Tokens and secrets go in the Authorization header and the token request's body only: never in a URL,
// a log entry, an error or the client object.
//
//   const sf = createSalesforceClient({ instanceUrl, oauth: { clientId, clientSecret, refreshToken } });
//   for await (const page of sf.backfill({ cursor: saved })) {
//     store(page);
//     saved = page.cursor; // resume here after a failure; sf.nextPass(saved) for the next sync
//   }

import {
  createHttpClient,
  createScrubber,
  HttpApiError,
  type HttpApiErrorFields,
  type HttpClientLog,
  type VendorErrorInfo,
} from '../http/index.js';
import {
  parseQueryPage,
  parseRecord,
  parseWith,
  SalesforceErrorBody,
  SalesforceLeadStatus,
  SalesforceOAuthError,
  SalesforceOpportunityStage,
  SalesforcePayloadError,
  SalesforceTokenResponse,
  SALESFORCE_ID,
  type SalesforceLeadStatus as LeadStatusRow,
  type SalesforceObjectName,
  type SalesforceOpportunityStage as OpportunityStageRow,
  type SalesforceRecordOf,
} from './schemas.js';

/** The objects a backfill reads, in its order. */
export const BACKFILL_OBJECTS = [
  'Lead',
  'Contact',
  'Opportunity',
  'OpportunityHistory',
  'OpportunityContactRole',
] as const satisfies readonly SalesforceObjectName[];

/** The fields each object is read with (`extraFields` adds custom ones). */
export const BACKFILL_FIELDS: Record<SalesforceObjectName, readonly string[]> = {
  Lead: [
    'Id',
    'Email',
    'Phone',
    'MobilePhone',
    'FirstName',
    'LastName',
    'Company',
    'Status',
    'LeadSource',
    'IsConverted',
    'ConvertedDate',
    'ConvertedContactId',
    'ConvertedAccountId',
    'ConvertedOpportunityId',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
  ],
  Contact: [
    'Id',
    'AccountId',
    'Email',
    'Phone',
    'MobilePhone',
    'FirstName',
    'LastName',
    'LeadSource',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
  ],
  Opportunity: [
    'Id',
    'Name',
    'AccountId',
    'StageName',
    'Amount',
    'CloseDate',
    'IsClosed',
    'IsWon',
    'Probability',
    'ForecastCategoryName',
    'Type',
    'LeadSource',
    'CampaignId',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
  ],
  OpportunityHistory: [
    'Id',
    'OpportunityId',
    'StageName',
    'Amount',
    'CloseDate',
    'Probability',
    'ForecastCategory',
    'CreatedDate',
    'SystemModstamp',
  ],
  OpportunityContactRole: [
    'Id',
    'OpportunityId',
    'ContactId',
    'Role',
    'IsPrimary',
    'CreatedDate',
    'SystemModstamp',
  ],
};

/** Salesforce's default API version for this client; any `vNN.N` can be configured. */
export const DEFAULT_API_VERSION = '62.0';
/** Ids in one `WHERE Id IN (...)` (keeps the query well under the URL length limit). */
export const IDS_PER_QUERY = 200;

export interface SalesforceTokens {
  accessToken: string;
  /** Present when the connected app rotated the refresh token: store it, the old one is spent. */
  refreshToken: string | null;
  instanceUrl: string;
  /** Epoch ms, from `issued_at`. */
  issuedAt: number | null;
}

/** A retry or a token refresh, as the client tells it: free of every secret. */
export type SalesforceClientLog = HttpClientLog;

export interface SalesforceClientOptions {
  /** The org's instance or My Domain URL (`https://acme.my.salesforce.com`); tests point it at a replay. */
  instanceUrl: string;
  /** `62.0` (default) or any other `NN.N`. */
  apiVersion?: string;
  /** A current access token; without one the client refreshes before its first request. */
  accessToken?: string;
  /** The OAuth 2.0 refresh-token flow (a connected app's consumer key and secret). */
  oauth?: {
    refreshToken: string;
    clientId: string;
    clientSecret?: string;
    /** Default https://login.salesforce.com (https://test.salesforce.com for sandboxes). */
    loginUrl?: string;
  };
  /** Told each new token (store a rotated refresh token encrypted). Free of nothing: it holds secrets. */
  onTokens?: (tokens: SalesforceTokens) => void;
  /** Multi-currency orgs: read `CurrencyIsoCode` on opportunities (the field exists only there). */
  multiCurrency?: boolean;
  /** Custom fields to read too, per object (`Closedloop_Anonymous_Id__c` on Lead and Contact...). */
  extraFields?: Partial<Record<SalesforceObjectName, readonly string[]>>;
  /** Read with `queryAll`, so deleted records (15 days in the recycle bin) arrive with IsDeleted. */
  includeDeleted?: boolean;
  /** Records per page, 200-2000 (`Sforce-Query-Options: batchSize`); Salesforce may send fewer. */
  batchSize?: number;
  /** Retries after the first attempt (429, limits, 5xx, network). Default 5. */
  maxRetries?: number;
  /** Per request. Default 60 s. */
  timeoutMs?: number;
  /** The first backoff and its cap. Defaults 1 s and 60 s. */
  backoffMs?: { base?: number; max?: number };
  sleep?: (ms: number) => Promise<void>;
  log?: (entry: SalesforceClientLog) => void;
  random?: () => number;
  now?: () => number;
}

/** Where a backfill stands. JSON, to be stored with the rows. */
export interface SalesforceCursor {
  stage: SalesforceObjectName | 'done';
  /** The query locator of the next page of this stage (expires after a while; then `since` resumes). */
  nextRecordsUrl: string | null;
  /** Per object, the highest `SystemModstamp` handed out (ISO): the next read starts there. */
  since: Partial<Record<SalesforceObjectName, string>>;
}

/** One page of a backfill, and the cursor that resumes after it. */
export type SalesforceBackfillPage = {
  [K in SalesforceObjectName]: {
    object: K;
    records: Array<SalesforceRecordOf[K]>;
    cursor: SalesforceCursor;
  };
}[SalesforceObjectName];

/** One page of a query: its records (parsed) and the locator of the next one (null: the end). */
export interface SalesforceQueryResult<T> {
  records: T[];
  totalSize: number;
  nextRecordsUrl: string | null;
}

/** An opportunity re-read with what maps it: its stage history and its contacts. */
export interface OpportunityDetails {
  opportunities: Array<SalesforceRecordOf['Opportunity']>;
  history: Array<SalesforceRecordOf['OpportunityHistory']>;
  contactRoles: Array<SalesforceRecordOf['OpportunityContactRole']>;
}

export interface SalesforceClient {
  /** Every page of a SOQL query, or of its remaining pages from a locator. */
  query<K extends SalesforceObjectName>(
    object: K,
    soql: string,
    options?: { nextRecordsUrl?: string | null },
  ): AsyncGenerator<SalesforceQueryResult<SalesforceRecordOf[K]>, void, undefined>;
  /** The backfill's SOQL for an object, from a `SystemModstamp` on (inclusive) when given. */
  soqlFor(object: SalesforceObjectName, since?: string | null): string;
  /** Records by id (a re-fetch after a gap event or an Outbound Message). */
  byIds<K extends SalesforceObjectName>(
    object: K,
    ids: readonly string[],
  ): Promise<Array<SalesforceRecordOf[K]>>;
  /** Opportunities with their stage history and contact roles. */
  opportunityDetails(ids: readonly string[]): Promise<OpportunityDetails>;
  /** The org's opportunity stages (which are closed, which won). */
  opportunityStages(): Promise<OpportunityStageRow[]>;
  /** The org's lead statuses (which one a conversion sets). */
  leadStatuses(): Promise<LeadStatusRow[]>;
  /** Each object in turn, resumable from a cursor. */
  backfill(options?: {
    cursor?: SalesforceCursor | null;
  }): AsyncGenerator<SalesforceBackfillPage, void, undefined>;
  /** A done cursor's next (incremental) pass: every object again, from its `since`. */
  nextPass(cursor: SalesforceCursor): SalesforceCursor;
}

/** Salesforce refused, or could not be reached. The message never holds a token or secret. */
export class SalesforceApiError extends HttpApiError {
  /** Salesforce's `errorCode` (INVALID_SESSION_ID, REQUEST_LIMIT_EXCEEDED...) or OAuth `error`. */
  readonly errorCode: string | null;

  constructor(message: string, fields: HttpApiErrorFields) {
    super(message, fields);
    this.name = 'SalesforceApiError';
    this.errorCode = fields.code;
  }
}

/** The REST API's error list, or the token endpoint's OAuth error. */
function parseError(json: unknown): VendorErrorInfo | null {
  const rest = SalesforceErrorBody.safeParse(json);
  if (rest.success && rest.data.length > 0) {
    const first = rest.data[0]!;
    const code = first.errorCode ?? null;
    return { code, label: code, message: first.message ?? '' };
  }
  const auth = SalesforceOAuthError.safeParse(json);
  if (auth.success)
    return {
      code: auth.data.error,
      label: auth.data.error,
      message: auth.data.error_description ?? '',
    };
  return null;
}

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
// an access token or session id (`00D...!...`), a Bearer credential, form fields that carry secrets
const SESSION_LIKE = /\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+/g;
const OAUTH_HEADER = /\bOAuth\s+(?!\[)[^\s"',;<]+/gi;

/**
 * A SOQL statement: Salesforce's query language, run by Salesforce's API (not engine SQL, which the
 * lint keeps under src/store/engines/). Field and object names are ours or checked; ids are checked.
 */
export function soqlSelect(fields: readonly string[], object: string, rest = ''): string {
  // eslint-disable-next-line no-restricted-syntax -- SOQL sent to Salesforce, not an engine's SQL
  return `SELECT ${fields.join(', ')} FROM ${object}${rest}`;
}

/** SOQL's datetime literal: seconds precision, UTC. Floors milliseconds (the read is inclusive). */
export function soqlDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function createSalesforceClient(options: SalesforceClientOptions): SalesforceClient {
  const instanceUrl = options.instanceUrl.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/?#]+$/.test(instanceUrl))
    throw new TypeError('createSalesforceClient: instanceUrl must be an http(s) origin');
  const version = options.apiVersion ?? DEFAULT_API_VERSION;
  if (!/^\d{2,3}\.\d$/.test(version))
    throw new TypeError('createSalesforceClient: apiVersion is NN.N (62.0)');
  const oauth = options.oauth;
  if (!options.accessToken && !oauth)
    throw new TypeError('createSalesforceClient: an access token or a refresh token is required');
  const loginUrl = (oauth?.loginUrl ?? 'https://login.salesforce.com').replace(/\/+$/, '');
  if (oauth && !/^https?:\/\/[^/?#]+$/.test(loginUrl))
    throw new TypeError('createSalesforceClient: loginUrl must be an http(s) origin');
  const extra: Partial<Record<SalesforceObjectName, readonly string[]>> = {};
  for (const [object, names] of Object.entries(options.extraFields ?? {})) {
    for (const n of names ?? [])
      if (!FIELD_NAME.test(n))
        throw new TypeError(`Salesforce: ${JSON.stringify(n)} is not a field`);
    extra[object as SalesforceObjectName] = names;
  }
  const batchSize =
    options.batchSize === undefined
      ? null
      : Math.min(2000, Math.max(200, Math.floor(options.batchSize)));
  const log = options.log ?? (() => {});
  const dataPath = `/services/data/v${version}`;
  const queryResource = options.includeDeleted ? 'queryAll' : 'query';

  // secrets live in these closures only; every one ever used is scrubbed from what we show
  const scrubber = createScrubber('[secret]', [
    [SESSION_LIKE, '[secret]'],
    [OAUTH_HEADER, 'OAuth [secret]'],
  ]);
  let refreshToken: string | null = oauth?.refreshToken ?? null;
  for (const s of [options.accessToken, oauth?.refreshToken, oauth?.clientSecret]) scrubber.add(s);
  const common = {
    vendor: 'Salesforce',
    scrub: scrubber,
    parseError,
    // 429, and 403 REQUEST_LIMIT_EXCEEDED for concurrent long requests; the org's 24-hour allowance
    // (TotalRequests) does not come back within any retry we would make
    retryable: (status: number, _h: Headers, e: VendorErrorInfo | null) =>
      status === 429 ||
      status >= 500 ||
      (status === 403 && e?.code === 'REQUEST_LIMIT_EXCEEDED' && !/TotalRequests/i.test(e.message)),
    isPayloadError: (err: unknown): err is Error => err instanceof SalesforcePayloadError,
    error: (message: string, fields: HttpApiErrorFields) => new SalesforceApiError(message, fields),
    maxRetries: options.maxRetries,
    timeoutMs: options.timeoutMs ?? 60_000,
    backoffMs: { base: options.backoffMs?.base ?? 1000, max: options.backoffMs?.max ?? 60_000 },
    sleep: options.sleep,
    random: options.random,
    now: options.now,
    log,
  };
  const login = oauth ? createHttpClient({ ...common, baseUrl: loginUrl }) : null;

  /** The refresh-token flow (the shared client runs one at a time, however many requests wait). */
  async function refresh(reason: string): Promise<string> {
    if (!oauth || !login || !refreshToken) {
      throw new SalesforceApiError(
        `Salesforce: the session expired (${reason}) and no refresh token is configured`,
        {
          vendor: 'Salesforce',
          method: 'POST',
          path: '/services/oauth2/token',
          status: 401,
          code: 'INVALID_SESSION_ID',
          attempts: 1,
        },
      );
    }
    const form: Record<string, string> = {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: oauth.clientId,
    };
    if (oauth.clientSecret) form.client_secret = oauth.clientSecret;
    const t = await login.getJson(
      { method: 'POST', path: '/services/oauth2/token', form },
      SalesforceTokenResponse,
    );
    scrubber.add(t.access_token);
    if (t.refresh_token) {
      refreshToken = t.refresh_token;
      scrubber.add(t.refresh_token);
    }
    const issuedAt = t.issued_at && /^\d+$/.test(t.issued_at) ? Number(t.issued_at) : null;
    options.onTokens?.({
      accessToken: t.access_token,
      refreshToken: t.refresh_token ?? null,
      instanceUrl: t.instance_url,
      issuedAt,
    });
    return t.access_token;
  }

  const http = createHttpClient({
    ...common,
    baseUrl: instanceUrl,
    headers: batchSize ? { 'Sforce-Query-Options': `batchSize=${batchSize}` } : {},
    // an expired session answers 401 INVALID_SESSION_ID: refreshed once, the request tried again once
    auth: {
      type: 'oauth',
      accessToken: options.accessToken ?? null,
      refresh,
      expired: (a, e) =>
        a.status === 401 && e?.code === 'INVALID_SESSION_ID' ? 'INVALID_SESSION_ID' : null,
    },
  });

  /** A GET of the data API, its answer parsed; `shown` names it (a query's object, never its SOQL). */
  const get = <T>(path: string, shown: string, parse: (json: unknown) => T) =>
    http.getJson({ path, shown }, parse);

  /** A locator must be a path of this API on this instance: the token goes nowhere else. */
  function checkLocator(url: string): string {
    if (!url.startsWith(`${dataPath}/query`) || !/^[A-Za-z0-9/._-]+$/.test(url))
      throw http.fail(
        { path: `${dataPath}/query` },
        `Salesforce: refusing to follow a query locator outside ${dataPath}`,
        { attempts: 0 },
      );
    return url;
  }

  async function* query<K extends SalesforceObjectName>(
    object: K,
    soql: string,
    opts: { nextRecordsUrl?: string | null } = {},
  ): AsyncGenerator<SalesforceQueryResult<SalesforceRecordOf[K]>, void, undefined> {
    let path = opts.nextRecordsUrl
      ? checkLocator(opts.nextRecordsUrl)
      : `${dataPath}/${queryResource}?q=${encodeURIComponent(soql)}`;
    for (;;) {
      const shown = `${path.split('?')[0]} (${object})`;
      const page = await get(path, shown, (json) => {
        const p = parseQueryPage(json);
        const records = p.records.map((r, i) => parseRecord(object, r, ['records', String(i)]));
        return { ...p, records };
      });
      const records = page.records;
      const next = page.done ? null : (page.nextRecordsUrl ?? null);
      yield { records, totalSize: page.totalSize, nextRecordsUrl: next };
      if (!next) return;
      path = checkLocator(next);
    }
  }

  function fieldsOf(object: SalesforceObjectName): string[] {
    const fields = [...BACKFILL_FIELDS[object]];
    if (object === 'Opportunity' && options.multiCurrency) fields.push('CurrencyIsoCode');
    if (options.includeDeleted) fields.push('IsDeleted');
    for (const f of extra[object] ?? []) if (!fields.includes(f)) fields.push(f);
    return fields;
  }

  function soqlFor(object: SalesforceObjectName, since?: string | null): string {
    let where = '';
    if (since) {
      const ms = Date.parse(since);
      if (Number.isNaN(ms))
        throw new TypeError(`Salesforce: ${JSON.stringify(since)} is not a time`);
      where = ` WHERE SystemModstamp >= ${soqlDateTime(ms)}`;
    }
    return soqlSelect(fieldsOf(object), object, `${where} ORDER BY SystemModstamp ASC, Id ASC`);
  }

  const checkIds = (ids: readonly string[]) => {
    for (const id of ids)
      if (!SALESFORCE_ID.test(id))
        throw new TypeError(`Salesforce: ${JSON.stringify(id)} is not an id`);
  };

  async function where<K extends SalesforceObjectName>(
    object: K,
    field: 'Id' | 'OpportunityId',
    ids: readonly string[],
  ): Promise<Array<SalesforceRecordOf[K]>> {
    checkIds(ids);
    const out: Array<SalesforceRecordOf[K]> = [];
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
      const list = unique
        .slice(i, i + IDS_PER_QUERY)
        .map((id) => `'${id}'`)
        .join(', ');
      const soql = soqlSelect(
        fieldsOf(object),
        object,
        ` WHERE ${field} IN (${list}) ORDER BY Id ASC`,
      );
      for await (const page of query(object, soql)) out.push(...page.records);
    }
    return out;
  }

  async function opportunityDetails(ids: readonly string[]): Promise<OpportunityDetails> {
    return {
      opportunities: await where('Opportunity', 'Id', ids),
      history: await where('OpportunityHistory', 'OpportunityId', ids),
      contactRoles: await where('OpportunityContactRole', 'OpportunityId', ids),
    };
  }

  async function settingsRows<T>(
    soql: string,
    shown: string,
    parse: (v: unknown, i: number) => T,
  ): Promise<T[]> {
    const out: T[] = [];
    let path: string | null = `${dataPath}/query?q=${encodeURIComponent(soql)}`;
    while (path) {
      const page: { records: T[]; done: boolean; nextRecordsUrl?: string | null } = await get(
        path,
        shown,
        (json) => {
          const p = parseQueryPage(json);
          return { ...p, records: p.records.map(parse) };
        },
      );
      out.push(...page.records);
      path = page.done || !page.nextRecordsUrl ? null : checkLocator(page.nextRecordsUrl);
    }
    return out;
  }

  const opportunityStages = () =>
    settingsRows(
      soqlSelect(
        [
          'Id',
          'ApiName',
          'MasterLabel',
          'IsActive',
          'IsClosed',
          'IsWon',
          'DefaultProbability',
          'SortOrder',
        ],
        'OpportunityStage',
        ' ORDER BY SortOrder ASC',
      ),
      `${dataPath}/query (OpportunityStage)`,
      (v, i) => parseWith(SalesforceOpportunityStage, v, ['records', String(i)]),
    );
  const leadStatuses = () =>
    settingsRows(
      soqlSelect(
        ['Id', 'ApiName', 'MasterLabel', 'IsConverted', 'IsDefault', 'SortOrder'],
        'LeadStatus',
        ' ORDER BY SortOrder ASC',
      ),
      `${dataPath}/query (LeadStatus)`,
      (v, i) => parseWith(SalesforceLeadStatus, v, ['records', String(i)]),
    );

  const nextStage = (stage: SalesforceObjectName): SalesforceCursor['stage'] =>
    BACKFILL_OBJECTS[BACKFILL_OBJECTS.indexOf(stage) + 1] ?? 'done';

  async function* backfill(
    opts: { cursor?: SalesforceCursor | null } = {},
  ): AsyncGenerator<SalesforceBackfillPage, void, undefined> {
    let cursor: SalesforceCursor = opts.cursor
      ? { ...opts.cursor, since: { ...opts.cursor.since } }
      : { stage: BACKFILL_OBJECTS[0], nextRecordsUrl: null, since: {} };
    while (cursor.stage !== 'done') {
      const stage: SalesforceObjectName = cursor.stage;
      let pages: AsyncGenerator<SalesforceQueryResult<SalesforceRecordOf[typeof stage]>>;
      const fresh = () => query(stage, soqlFor(stage, cursor.since[stage]));
      if (cursor.nextRecordsUrl) {
        pages = query(stage, '', { nextRecordsUrl: cursor.nextRecordsUrl });
        // a locator lives about 15 minutes: an expired one reads again from the watermark
        const first = await pages.next().catch((err: unknown) => {
          if (err instanceof SalesforceApiError && err.errorCode === 'INVALID_QUERY_LOCATOR') {
            log({
              event: 'retry',
              method: 'GET',
              path: `${dataPath}/query (${stage})`,
              status: err.status,
              attempt: 1,
              delayMs: 0,
              reason: 'INVALID_QUERY_LOCATOR: reading again from SystemModstamp',
            });
            return null;
          }
          throw err;
        });
        if (first === null) pages = fresh();
        else {
          const rest = pages;
          pages = (async function* () {
            if (!first.done) yield first.value;
            yield* rest;
          })();
        }
      } else pages = fresh();
      for await (const page of pages) {
        const since = { ...cursor.since };
        const last = page.records.at(-1)?.SystemModstamp;
        if (last !== undefined) since[stage] = new Date(last).toISOString();
        cursor = page.nextRecordsUrl
          ? { stage, nextRecordsUrl: page.nextRecordsUrl, since }
          : { stage: nextStage(stage), nextRecordsUrl: null, since };
        yield { object: stage, records: page.records, cursor } as SalesforceBackfillPage;
      }
    }
  }

  const nextPass = (cursor: SalesforceCursor): SalesforceCursor => ({
    stage: BACKFILL_OBJECTS[0],
    nextRecordsUrl: null,
    since: { ...cursor.since },
  });

  // a plain object of closures: nothing on it holds a token or secret
  return {
    query,
    soqlFor,
    byIds: (object, ids) => where(object, 'Id', ids),
    opportunityDetails,
    opportunityStages,
    leadStatuses,
    backfill,
    nextPass,
  };
}
