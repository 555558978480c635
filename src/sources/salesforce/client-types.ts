// The Salesforce client's options, cursor, pages and surface (client.ts makes it).

import { type HttpClientLog } from '../http/index.js';

import { type BACKFILL_OBJECTS } from './soql.js';
import {
  type SalesforceLeadStatus as LeadStatusRow,
  type SalesforceOpportunityStage as OpportunityStageRow,
  type SalesforceObjectName,
  type SalesforceRecordOf,
} from './schemas.js';

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

/** An object a backfill reads page by page. */
export type SalesforceBackfillObject = (typeof BACKFILL_OBJECTS)[number];

/** Where a backfill stands. JSON, to be stored with the rows. */
export interface SalesforceCursor {
  stage: SalesforceBackfillObject | 'done';
  /** The query locator of the next page of this stage (expires after a while; then `since` resumes). */
  nextRecordsUrl: string | null;
  /** Per object, the highest `SystemModstamp` handed out (ISO): the next read starts there. */
  since: Partial<Record<SalesforceObjectName, string>>;
}

/** One page of a backfill, and the cursor that resumes after it. */
export type SalesforceBackfillPage = {
  [K in SalesforceBackfillObject]: {
    object: K;
    records: Array<SalesforceRecordOf[K]>;
    cursor: SalesforceCursor;
  };
}[SalesforceBackfillObject];

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
  /** The history rows of these leads (their dated statuses and conversions). */
  leadHistory(ids: readonly string[]): Promise<Array<SalesforceRecordOf['LeadHistory']>>;
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
