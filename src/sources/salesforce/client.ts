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
  HttpApiError,
  createHttpClient,
  createScrubber,
  type HttpApiErrorFields,
  type VendorErrorInfo,
} from '../http/index.js';
import {
  type OpportunityDetails,
  type SalesforceBackfillObject,
  type SalesforceBackfillPage,
  type SalesforceClient,
  type SalesforceClientOptions,
  type SalesforceCursor,
  type SalesforceQueryResult,
} from './client-types.js';
import {
  SALESFORCE_ID,
  SalesforceErrorBody,
  SalesforceLeadStatus,
  SalesforceOAuthError,
  SalesforceOpportunityStage,
  SalesforcePayloadError,
  SalesforceTokenResponse,
  parseQueryPage,
  parseRecord,
  parseWith,
  type SalesforceObjectName,
  type SalesforceRecordOf,
} from './schemas.js';

import {
  BACKFILL_FIELDS,
  BACKFILL_OBJECTS,
  DEFAULT_API_VERSION,
  FIELD_NAME,
  IDS_PER_QUERY,
  soqlDateTime,
  soqlSelect,
} from './soql.js';

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

// an access token or session id (`00D...!...`), a Bearer credential, form fields that carry secrets
const SESSION_LIKE = /\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+/g;
const OAUTH_HEADER = /\bOAuth\s+(?!\[)[^\s"',;<]+/gi;

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
    field: 'Id' | 'OpportunityId' | 'LeadId',
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

  const nextStage = (stage: SalesforceBackfillObject): SalesforceCursor['stage'] =>
    BACKFILL_OBJECTS[BACKFILL_OBJECTS.indexOf(stage) + 1] ?? 'done';

  async function* backfill(
    opts: { cursor?: SalesforceCursor | null } = {},
  ): AsyncGenerator<SalesforceBackfillPage, void, undefined> {
    let cursor: SalesforceCursor = opts.cursor
      ? { ...opts.cursor, since: { ...opts.cursor.since } }
      : { stage: BACKFILL_OBJECTS[0], nextRecordsUrl: null, since: {} };
    while (cursor.stage !== 'done') {
      const stage: SalesforceBackfillObject = cursor.stage;
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
    leadHistory: (ids) => where('LeadHistory', 'LeadId', ids),
    opportunityDetails,
    opportunityStages,
    leadStatuses,
    backfill,
    nextPass,
  };
}
