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

/** The list endpoints a backfill reads. */
export type StripeResource = 'customers' | 'subscriptions' | 'invoices';

/** Query parameters per resource for a backfill: every subscription, discounts as objects. */
export const BACKFILL_PARAMS: Record<StripeResource, Record<string, string | string[]>> = {
  customers: {},
  // without status=all Stripe lists only subscriptions that have not been canceled
  subscriptions: { status: 'all', 'expand[]': ['data.discounts', 'data.items.data.discounts'] },
  invoices: {},
};

export interface StripeClientLog {
  event: 'retry';
  method: string;
  /** The path and query, never the key. */
  path: string;
  /** The HTTP status, or 0 when no answer came (network, timeout). */
  status: number;
  attempt: number;
  delayMs: number;
  reason: string;
}

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
export class StripeApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 when no answer came. */
    readonly status: number,
    /** Stripe's error type and code, when it sent them. */
    readonly type: string | null,
    readonly code: string | null,
    /** `Request-Id`, for Stripe support. */
    readonly requestId: string | null,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'StripeApiError';
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

// anything shaped like a Stripe secret or restricted key, should a server echo one
const KEY_LIKE = /\b(sk|rk)_(live|test)_[A-Za-z0-9]+/g;

/** Seconds or an HTTP date, as `Retry-After` may say; null if neither. */
function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function createStripeClient(options: StripeClientOptions): StripeClient {
  const key = options.secretKey;
  if (!key) throw new TypeError('createStripeClient: a secret key is required');
  const baseUrl = (options.baseUrl ?? 'https://api.stripe.com').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl))
    throw new TypeError('createStripeClient: baseUrl must be http(s)');
  const pageSize = Math.min(100, Math.max(1, Math.floor(options.pageSize ?? 100)));
  const maxRetries = Math.max(0, options.maxRetries ?? 5);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const baseDelay = options.backoffMs?.base ?? 500;
  const maxDelay = options.backoffMs?.max ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const headers: Record<string, string> = {
    Authorization: `Bearer ${key}`,
    Accept: 'application/json',
  };
  if (options.apiVersion) headers['Stripe-Version'] = options.apiVersion;
  if (options.account) headers['Stripe-Account'] = options.account;

  const scrub = (text: string) =>
    text.split(key).join('[secret key]').replace(KEY_LIKE, '[secret key]');
  // exponential with equal jitter: half the step for sure, half at random
  const backoff = (attempt: number) => {
    const step = Math.min(maxDelay, baseDelay * 2 ** attempt);
    return Math.round(step / 2 + random() * (step / 2));
  };

  async function getJson(path: string): Promise<unknown> {
    const url = `${baseUrl}${path}`;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        const reason = scrub(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
        if (attempt < maxRetries) {
          const delayMs = backoff(attempt);
          log({
            event: 'retry',
            method: 'GET',
            path,
            status: 0,
            attempt: attempt + 1,
            delayMs,
            reason,
          });
          await sleep(delayMs);
          continue;
        }
        throw new StripeApiError(
          `Stripe GET ${path}: no answer after ${attempt + 1} attempts (${reason})`,
          0,
          null,
          null,
          null,
          attempt + 1,
        );
      }
      const body = await res.text();
      if (res.ok) {
        try {
          return JSON.parse(body) as unknown;
        } catch {
          throw new StripeApiError(
            `Stripe GET ${path}: the answer is not JSON`,
            res.status,
            null,
            null,
            res.headers.get('request-id'),
            attempt + 1,
          );
        }
      }
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(body);
      } catch {
        // an error page from a proxy: no Stripe error body
      }
      const error = ErrorBody.safeParse(parsed);
      const type = error.success ? (error.data.error.type ?? null) : null;
      const code = error.success ? (error.data.error.code ?? null) : null;
      const detail = scrub(error.success ? (error.data.error.message ?? '') : body.slice(0, 200));
      const should = res.headers.get('stripe-should-retry');
      const retryable =
        should === 'true' ||
        (should !== 'false' && (res.status === 429 || res.status === 409 || res.status >= 500));
      if (retryable && attempt < maxRetries) {
        const after =
          res.status === 429 ? retryAfterMs(res.headers.get('retry-after'), Date.now()) : null;
        const delayMs = after ?? backoff(attempt);
        log({
          event: 'retry',
          method: 'GET',
          path,
          status: res.status,
          attempt: attempt + 1,
          delayMs,
          reason: after !== null ? 'Retry-After' : `HTTP ${res.status}`,
        });
        await sleep(delayMs);
        continue;
      }
      throw new StripeApiError(
        `Stripe GET ${path} answered ${res.status}${type ? ` (${type}${code ? `/${code}` : ''})` : ''}` +
          `${detail ? `: ${detail}` : ''}${attempt > 0 ? ` after ${attempt + 1} attempts` : ''}`,
        res.status,
        type,
        code,
        res.headers.get('request-id'),
        attempt + 1,
      );
    }
  }

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
      const path = `/v1/${resource}?${query.toString()}`;
      const json = await getJson(path);
      const page = ListPage.safeParse(json);
      if (!page.success) {
        const issue = page.error.issues[0]!;
        throw new StripeApiError(
          `Stripe GET ${path}: not a list page (${issue.path.join('.') || '(root)'}: ${issue.message})`,
          200,
          null,
          null,
          null,
          1,
        );
      }
      const data = page.data.data;
      const last = data[data.length - 1];
      cursor = last ? last.id : cursor;
      yield { resource, data, cursor, hasMore: page.data.has_more && data.length > 0 };
      if (!page.data.has_more || data.length === 0) return;
    }
  }

  return { pages };
}
