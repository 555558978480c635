// The Stripe API client for backfills: list endpoints read page by page (`limit`, `starting_after`,
// `has_more`), each page handed out with the cursor to resume from. Rate limits (429, waiting as
// `Retry-After` says) and server errors (5xx, network failures, timeouts) are retried with
// exponential backoff; `Stripe-Should-Retry` overrides either way. The secret key goes in the
// Authorization header and nowhere else: not in a URL, a log entry, an error or the client object.
//
//   const stripe = createStripeClient({ secretKey, baseUrl });
//   for await (const page of stripe.pages('subscriptions', { startingAfter: savedCursor })) {
//     store(page.data);
//     savedCursor = page.cursor; // resume here after a failure
//   }

import { z } from 'zod';
import {
  createHttpClient,
  HttpApiError,
  type HttpApiErrorFields,
  type HttpClientLog,
  type VendorErrorInfo,
} from '../http/index.js';

/** The list endpoints a backfill reads. */
export type StripeResource = 'customers' | 'subscriptions' | 'invoices';

/** Query parameters per resource for a backfill: every subscription, discounts as objects. */
export const BACKFILL_PARAMS: Record<StripeResource, Record<string, string | string[]>> = {
  customers: {},
  // without status=all Stripe lists only subscriptions that have not been canceled
  subscriptions: { status: 'all', 'expand[]': ['data.discounts', 'data.items.data.discounts'] },
  invoices: {},
};

/** A retry, as the client tells it: free of the key. */
export type StripeClientLog = HttpClientLog;

export interface StripeClientOptions {
  secretKey: string;
  /** Default https://api.stripe.com; tests point it at a local replay. */
  baseUrl?: string;
  /** Sent as `Stripe-Version`; without it the account's default version answers. */
  apiVersion?: string;
  /** A connected account (`Stripe-Account`). */
  account?: string;
  /** Objects per page, 1-100 (Stripe's maximum). Default 100. */
  pageSize?: number;
  /** Retries after the first attempt. Default 5. */
  maxRetries?: number;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  /** The first backoff and its cap. Defaults 500 ms and 30 s. */
  backoffMs?: { base?: number; max?: number };
  /** Waits between attempts (tests record instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
  /** Where retries are told; each entry is free of the key. */
  log?: (entry: StripeClientLog) => void;
  /** A random number in [0, 1) for the backoff's jitter (tests). */
  random?: () => number;
}

/** One page of a list: its objects and the cursor that resumes after them. */
export interface StripePage {
  resource: StripeResource;
  data: Array<Record<string, unknown> & { id: string }>;
  /** The last object's id: pass it as `startingAfter` to continue after this page. */
  cursor: string | null;
  hasMore: boolean;
}

export interface StripeClient {
  /** Every page of a list, from the start or after `startingAfter`. */
  pages(
    resource: StripeResource,
    options?: { startingAfter?: string | null; params?: Record<string, string | string[]> },
  ): AsyncGenerator<StripePage, void, undefined>;
}

/** Stripe refused, or could not be reached after the retries. The message never holds the key. */
export class StripeApiError extends HttpApiError {
  /** Stripe's error type, when it sent one (`code` is its error code). */
  readonly type: string | null;
  /** `Request-Id`, for Stripe support. */
  readonly requestId: string | null;

  constructor(
    message: string,
    fields: HttpApiErrorFields,
    error: StripeError | null,
    headers: Headers | null,
  ) {
    super(message, fields);
    this.name = 'StripeApiError';
    this.type = error?.type ?? null;
    this.requestId = headers?.get('request-id') ?? null;
  }
}

const ListPage = z.object({
  object: z.literal('list'),
  data: z.array(z.looseObject({ id: z.string().min(1) })),
  has_more: z.boolean(),
});

const ErrorBody = z.object({
  error: z.object({
    type: z.string().optional(),
    code: z.string().optional(),
    message: z.string().optional(),
  }),
});

interface StripeError extends VendorErrorInfo {
  type: string | null;
}

function parseError(json: unknown): StripeError | null {
  const body = ErrorBody.safeParse(json);
  if (!body.success) return null;
  const { type = null, code = null, message = '' } = body.data.error;
  return { type, code, label: type ? `${type}${code ? `/${code}` : ''}` : null, message };
}

// anything shaped like a Stripe secret or restricted key, should a server echo one
const KEY_LIKE = /\b(sk|rk)_(live|test)_[A-Za-z0-9]+/g;

export function createStripeClient(options: StripeClientOptions): StripeClient {
  const key = options.secretKey;
  if (!key) throw new TypeError('createStripeClient: a secret key is required');
  const pageSize = Math.min(100, Math.max(1, Math.floor(options.pageSize ?? 100)));
  const headers: Record<string, string> = {};
  if (options.apiVersion) headers['Stripe-Version'] = options.apiVersion;
  if (options.account) headers['Stripe-Account'] = options.account;
  const http = createHttpClient({
    vendor: 'Stripe',
    baseUrl: options.baseUrl ?? 'https://api.stripe.com',
    auth: { type: 'bearer', token: key },
    headers,
    scrub: { mask: '[secret key]', patterns: [[KEY_LIKE, '[secret key]']] },
    parseError,
    // `Stripe-Should-Retry` overrides the status either way; 409 is a conflict Stripe says to retry
    retryable: (status, h) => {
      const should = h.get('stripe-should-retry');
      if (should === 'true' || should === 'false') return should === 'true';
      return status === 429 || status === 409 || status >= 500;
    },
    error: (message, fields, error, h) => new StripeApiError(message, fields, error, h),
    maxRetries: options.maxRetries,
    timeoutMs: options.timeoutMs,
    backoffMs: options.backoffMs,
    sleep: options.sleep,
    random: options.random,
    log: options.log,
  });

  async function* pages(
    resource: StripeResource,
    opts: { startingAfter?: string | null; params?: Record<string, string | string[]> } = {},
  ): AsyncGenerator<StripePage, void, undefined> {
    let cursor = opts.startingAfter ?? null;
    const params = opts.params ?? BACKFILL_PARAMS[resource];
    for (;;) {
      const query = new URLSearchParams({ limit: String(pageSize) });
      for (const [name, value] of Object.entries(params)) {
        for (const v of Array.isArray(value) ? value : [value]) query.append(name, v);
      }
      if (cursor) query.set('starting_after', cursor);
      const page = await http.getJson(
        { path: `/v1/${resource}?${query.toString()}` },
        ListPage,
        'a list page',
      );
      const data = page.data;
      const last = data[data.length - 1];
      cursor = last ? last.id : cursor;
      yield { resource, data, cursor, hasMore: page.has_more && data.length > 0 };
      if (!page.has_more || data.length === 0) return;
    }
  }

  // a plain object of closures: nothing on it holds the key
  return { pages };
}
