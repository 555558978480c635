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

export interface SalesforceClientLog {
  event: 'retry' | 'refresh';
  method: string;
  /** The path, never a token; a query's object in place of its SOQL. */
  path: string;
  /** The HTTP status, or 0 when no answer came. */
  status: number;
  attempt: number;
  delayMs: number;
  reason: string;
}

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
export class SalesforceApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 when no answer came. */
    readonly status: number,
    /** Salesforce's `errorCode` (INVALID_SESSION_ID, REQUEST_LIMIT_EXCEEDED...) or OAuth `error`. */
    readonly errorCode: string | null,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'SalesforceApiError';
  }
}

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
// an access token or session id (`00D...!...`), a Bearer credential, form fields that carry secrets
const SESSION_LIKE = /\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+/g;
const BEARER = /\b(Bearer|OAuth)\s+(?!\[)[^\s"',;<]+/gi;
const FORM_SECRET = /\b(refresh_token|client_secret|access_token)=[^&\s"']+/gi;
const JSON_SECRET = /"(refresh_token|client_secret|access_token)"\s*:\s*"[^"]*"/gi;

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

function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
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
  const maxRetries = Math.max(0, options.maxRetries ?? 5);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const baseDelay = options.backoffMs?.base ?? 1000;
  const maxDelay = options.backoffMs?.max ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const dataPath = `/services/data/v${version}`;
  const queryResource = options.includeDeleted ? 'queryAll' : 'query';

  // secrets live in this closure only; every one ever used is scrubbed from what we show
  let accessToken: string | null = options.accessToken ?? null;
  let refreshToken: string | null = oauth?.refreshToken ?? null;
  const secrets = new Set<string>(
    [options.accessToken, oauth?.refreshToken, oauth?.clientSecret].filter(
      (s): s is string => !!s && s.length >= 4,
    ),
  );
  let refreshing: Promise<void> | null = null;

  const scrub = (text: string) => {
    let out = text;
    for (const s of secrets) out = out.split(s).join('[secret]');
    return out
      .replace(SESSION_LIKE, '[secret]')
      .replace(BEARER, '$1 [secret]')
      .replace(FORM_SECRET, '$1=[secret]')
      .replace(JSON_SECRET, '"$1":"[secret]"');
  };
  const backoff = (attempt: number) => {
    const step = Math.min(maxDelay, baseDelay * 2 ** attempt);
    return Math.round(step / 2 + random() * (step / 2));
  };

  interface Answer {
    status: number;
    text: string;
    headers: Headers;
  }

  /** One request with the retries for limits, 5xx and the network; answers anything else. */
  async function send(
    method: 'GET' | 'POST',
    url: string,
    shown: string,
    headers: () => Record<string, string>,
    body?: string,
  ): Promise<Answer & { attempts: number }> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: headers(),
          body,
          redirect: 'error', // a redirect would carry the Authorization header elsewhere
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const reason = scrub(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
        if (attempt < maxRetries) {
          const delayMs = backoff(attempt);
          log({
            event: 'retry',
            method,
            path: shown,
            status: 0,
            attempt: attempt + 1,
            delayMs,
            reason,
          });
          await sleep(delayMs);
          continue;
        }
        throw new SalesforceApiError(
          `Salesforce ${method} ${shown}: no answer after ${attempt + 1} attempts (${reason})`,
          0,
          null,
          attempt + 1,
        );
      }
      const text = await res.text();
      const answer = { status: res.status, text, headers: res.headers, attempts: attempt + 1 };
      if (res.ok) return answer;
      const { errorCode, message } = errorOf(text);
      const limit = res.status === 403 && errorCode === 'REQUEST_LIMIT_EXCEEDED';
      // the org's 24-hour allowance does not come back within any retry we would make
      const daily = limit && /TotalRequests/i.test(message);
      const retryable = res.status === 429 || (limit && !daily) || res.status >= 500;
      if (!retryable || attempt >= maxRetries) return answer;
      const after =
        res.status === 429 || limit ? retryAfterMs(res.headers.get('retry-after'), now()) : null;
      const delayMs = after ?? backoff(attempt);
      const reason =
        after !== null ? 'Retry-After' : `HTTP ${res.status}${errorCode ? ` ${errorCode}` : ''}`;
      log({
        event: 'retry',
        method,
        path: shown,
        status: res.status,
        attempt: attempt + 1,
        delayMs,
        reason,
      });
      await sleep(delayMs);
    }
  }

  function errorOf(text: string): { errorCode: string | null; message: string } {
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // an error page from a proxy
    }
    const rest = SalesforceErrorBody.safeParse(json);
    if (rest.success && rest.data.length > 0) {
      const first = rest.data[0]!;
      return { errorCode: first.errorCode ?? null, message: first.message ?? '' };
    }
    const auth = SalesforceOAuthError.safeParse(json);
    if (auth.success)
      return { errorCode: auth.data.error, message: auth.data.error_description ?? '' };
    return { errorCode: null, message: text.slice(0, 200) };
  }

  function failure(method: string, shown: string, a: Answer & { attempts: number }): never {
    const { errorCode, message } = errorOf(a.text);
    const detail = scrub(message);
    throw new SalesforceApiError(
      `Salesforce ${method} ${shown} answered ${a.status}${errorCode ? ` (${errorCode})` : ''}` +
        `${detail ? `: ${detail}` : ''}${a.attempts > 1 ? ` after ${a.attempts} attempts` : ''}`,
      a.status,
      errorCode,
      a.attempts,
    );
  }

  /** The refresh-token flow; concurrent callers share one request. */
  function refresh(reason: string): Promise<void> {
    if (!oauth || !refreshToken) {
      return Promise.reject(
        new SalesforceApiError(
          `Salesforce: the session expired (${reason}) and no refresh token is configured`,
          401,
          'INVALID_SESSION_ID',
          1,
        ),
      );
    }
    refreshing ??= (async () => {
      const shown = '/services/oauth2/token';
      log({
        event: 'refresh',
        method: 'POST',
        path: shown,
        status: 401,
        attempt: 1,
        delayMs: 0,
        reason,
      });
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken!,
        client_id: oauth.clientId,
      });
      if (oauth.clientSecret) form.set('client_secret', oauth.clientSecret);
      const a = await send(
        'POST',
        `${loginUrl}${shown}`,
        shown,
        () => ({
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        }),
        form.toString(),
      );
      if (a.status < 200 || a.status >= 300) failure('POST', shown, a);
      let json: unknown;
      try {
        json = JSON.parse(a.text);
      } catch {
        throw new SalesforceApiError(
          `Salesforce POST ${shown}: the answer is not JSON`,
          a.status,
          null,
          a.attempts,
        );
      }
      const parsed = SalesforceTokenResponse.safeParse(json);
      if (!parsed.success) {
        throw new SalesforceApiError(
          `Salesforce POST ${shown}: unexpected answer (${parsed.error.issues[0]?.path.join('.') ?? ''})`,
          a.status,
          null,
          a.attempts,
        );
      }
      const t = parsed.data;
      accessToken = t.access_token;
      secrets.add(t.access_token);
      if (t.refresh_token) {
        refreshToken = t.refresh_token;
        secrets.add(t.refresh_token);
      }
      const issuedAt = t.issued_at && /^\d+$/.test(t.issued_at) ? Number(t.issued_at) : null;
      options.onTokens?.({
        accessToken: t.access_token,
        refreshToken: t.refresh_token ?? null,
        instanceUrl: t.instance_url,
        issuedAt,
      });
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  /** A GET of the data API with the session: refreshes once on INVALID_SESSION_ID. */
  async function get(path: string, shown: string): Promise<unknown> {
    if (!accessToken) await refresh('no access token yet');
    for (let renewed = false; ; renewed = true) {
      const a = await send('GET', `${instanceUrl}${path}`, shown, () => {
        const h: Record<string, string> = {
          Authorization: `Bearer ${accessToken}`,
          Accept: 'application/json',
        };
        if (batchSize) h['Sforce-Query-Options'] = `batchSize=${batchSize}`;
        return h;
      });
      if (a.status >= 200 && a.status < 300) {
        try {
          return JSON.parse(a.text) as unknown;
        } catch {
          throw new SalesforceApiError(
            `Salesforce GET ${shown}: the answer is not JSON`,
            a.status,
            null,
            a.attempts,
          );
        }
      }
      if (a.status === 401 && !renewed && errorOf(a.text).errorCode === 'INVALID_SESSION_ID') {
        await refresh('INVALID_SESSION_ID');
        continue;
      }
      failure('GET', shown, a);
    }
  }

  function read<T>(shown: string, parse: () => T): T {
    try {
      return parse();
    } catch (err) {
      if (!(err instanceof SalesforcePayloadError)) throw err;
      throw new SalesforceApiError(
        `Salesforce GET ${shown}: unexpected answer (${err.message})`,
        200,
        null,
        1,
      );
    }
  }

  /** A locator must be a path of this API on this instance: the token goes nowhere else. */
  function checkLocator(url: string): string {
    if (!url.startsWith(`${dataPath}/query`) || !/^[A-Za-z0-9/._-]+$/.test(url))
      throw new SalesforceApiError(
        `Salesforce: refusing to follow a query locator outside ${dataPath}`,
        0,
        null,
        0,
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
      const json = await get(path, shown);
      const page = read(shown, () => parseQueryPage(json));
      const records = read(shown, () =>
        page.records.map((r, i) => parseRecord(object, r, ['records', String(i)])),
      );
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

  async function settingsRows<T>(soql: string, shown: string, parse: (v: unknown, i: number) => T) {
    const out: T[] = [];
    let path: string | null = `${dataPath}/query?q=${encodeURIComponent(soql)}`;
    while (path) {
      const json = await get(path, shown);
      const page = read(shown, () => parseQueryPage(json));
      out.push(...read(shown, () => page.records.map(parse)));
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
