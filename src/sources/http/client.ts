// One HTTP client for every vendor API the connectors read (Stripe, HubSpot, Salesforce, Pipedrive):
// JSON requests against a configurable base URL (tests point it at a local replay server), answers
// validated with zod or the vendor's parser, retries with capped exponential backoff and jitter on
// 5xx, 429 and network failures, `Retry-After` (seconds or an HTTP date), a per-vendor rate-window hook,
// an auth hook (a static header, Basic, a query parameter, an OAuth bearer refreshed once on the
// vendor's "expired" answer), a timeout per attempt and the caller's AbortSignal, and errors that name
// the vendor, method, path and status with every secret scrubbed.
//
// Written on Node's global fetch rather than a library (got, ky, p-retry): what the vendors need beyond
// a retry loop is their own rules (which answers retry, which waits are a rate window, which answer
// means an expired token, what to scrub), so a library would be wrapped in as much code as this is,
// and nothing new has to be installed.
//
//   const http = createHttpClient({ vendor: 'Stripe', baseUrl, auth: { type: 'bearer', token } });
//   const page = await http.getJson({ path: '/v1/customers?limit=100' }, ListPage);

import type { z } from 'zod';
import { HttpApiError, type HttpApiErrorFields } from './errors.js';
import { createScrubber, type ScrubPattern, type Scrubber } from './scrub.js';
import { backoffMs, realSleep, retryAfterMs } from './timing.js';

export interface HttpClientLog {
  event: 'retry' | 'throttle' | 'refresh';
  method: string;
  /** The request as shown: scrubbed, never a secret. */
  path: string;
  /** The HTTP status, or 0 when no answer came (network, timeout). */
  status: number;
  attempt: number;
  delayMs: number;
  reason: string;
}

/** What a vendor's error body says, as far as messages and error fields need it. */
export interface VendorErrorInfo {
  /** For programs: `INVALID_SESSION_ID`, `parameter_unknown`... */
  code: string | null;
  /** For messages, in brackets after the status (`invalid_request_error/parameter_unknown`). */
  label: string | null;
  /** For people; scrubbed before it is shown. */
  message: string;
}

/** An answer as the client read it (the body read whole: vendor API answers are small pages). */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Attempts this answer took (1: the first). */
  attempts: number;
}

export type Auth<E extends VendorErrorInfo = VendorErrorInfo> =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | { type: 'header'; name: string; value: string }
  /** A token in the URL, as some v1 APIs take it: sent, never shown. */
  | { type: 'query'; name: string; value: string }
  | { type: 'basic'; username: string; password: string }
  | {
      type: 'oauth';
      /** The current token; without one the client refreshes before its first request. */
      accessToken?: string | null;
      /** A new access token (a refresh-token grant); concurrent callers share one call. */
      refresh: (reason: string) => Promise<string>;
      /** The vendor's "expired" answer: the reason to refresh, else null. */
      expired: (answer: Answer, error: E | null) => string | null;
    };

/** A vendor's rate-limit window, read from its headers. */
export interface RateWindow<E extends VendorErrorInfo = VendorErrorInfo> {
  /** After a successful answer: how long the next request waits first (the window is spent). */
  spent?(headers: Headers): number | null;
  /** A retryable answer without `Retry-After`: the window's wait and its reason, else null (backoff). */
  wait?(status: number, headers: Headers, error: E | null): { ms: number; reason: string } | null;
}

export interface HttpClientOptions<E extends VendorErrorInfo = VendorErrorInfo> {
  /** Names the vendor in errors (`Stripe GET /v1/customers answered 500`). */
  vendor: string;
  /** http(s), with a path prefix if need be; tests point it at a local replay. */
  baseUrl: string;
  auth?: Auth<E>;
  /** Sent with every request (`Stripe-Version`, `Sforce-Query-Options`...). */
  headers?: Record<string, string>;
  /** What masks a secret (`[secret]`), and the vendor's own credential shapes; or a shared scrubber. */
  scrub?: Scrubber | { mask?: string; patterns?: readonly ScrubPattern[] };
  /** The vendor's error body, when it is one (null: shown as the body's first 200 characters). */
  parseError?: (json: unknown) => E | null;
  /** Which failed answers are retried. Default 429 and 5xx. */
  retryable?: (status: number, headers: Headers, error: E | null) => boolean;
  rateWindow?: RateWindow<E>;
  /** Errors a parser throws that mean "an answer of the wrong shape" (shown, not rethrown). */
  isPayloadError?: (err: unknown) => err is Error;
  /** Makes the vendor's own error class. Default HttpApiError. */
  error?: (
    message: string,
    fields: HttpApiErrorFields,
    error: E | null,
    headers: Headers | null,
  ) => HttpApiError;
  /** Retries after the first attempt. Default 5. */
  maxRetries?: number;
  /** Per attempt. Default 30 s. */
  timeoutMs?: number;
  /** The first backoff and its cap. Defaults 500 ms and 30 s. */
  backoffMs?: { base?: number; max?: number };
  /** The longest rate-limit wait taken; a longer one fails with `retryAt`. Default: any. */
  maxWaitMs?: number;
  /** Aborts every request of this client (a sync being stopped). */
  signal?: AbortSignal;
  /** Waits between attempts (tests record instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
  /** A random number in [0, 1) for the backoff's jitter (tests). */
  random?: () => number;
  /** Now, in ms, for `Retry-After` dates (tests). */
  now?: () => number;
  /** Where retries, throttling and refreshes are told; each entry is scrubbed. */
  log?: (entry: HttpClientLog) => void;
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Appended to the base URL, with its query. */
  path: string;
  /** How errors and logs name the request. Default the path, scrubbed. */
  shown?: string;
  /** A JSON body. */
  json?: unknown;
  /** A form body (`application/x-www-form-urlencoded`). */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Failed statuses answered as they are (a 404 that means "deleted since"). */
  accept?: (status: number) => boolean;
  signal?: AbortSignal;
}

/** A zod schema, or a vendor's parse function (throwing its payload error). */
export type Parse<T> = z.ZodType<T> | ((json: unknown) => T);

export interface HttpClient {
  /** The answer (2xx or accepted) after retries and a token refresh; a failure throws. */
  request(req: HttpRequest): Promise<Answer>;
  /** `request`, then its body parsed as JSON and validated. */
  getJson<T>(req: HttpRequest, parse: Parse<T>, what?: string): Promise<T>;
  /** An answer's body parsed as JSON and validated; `what` names what it should have been. */
  decode<T>(answer: Answer, req: HttpRequest, parse: Parse<T>, what?: string): T;
  /** The vendor's error for a request, scrubbed (for the vendor's own checks). */
  fail(req: HttpRequest, message: string, fields?: Partial<HttpApiErrorFields>): HttpApiError;
  scrub(text: string): string;
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function isSchema<T>(parse: Parse<T>): parse is z.ZodType<T> {
  return typeof parse === 'object' && parse !== null && 'safeParse' in parse;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function createHttpClient<E extends VendorErrorInfo = VendorErrorInfo>(
  options: HttpClientOptions<E>,
): HttpClient {
  const vendor = options.vendor;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/?#]+/.test(baseUrl))
    throw new TypeError(`${vendor}: baseUrl must be http(s)`);
  const auth: Auth<E> = options.auth ?? { type: 'none' };
  const scrubber =
    options.scrub && 'scrub' in options.scrub
      ? options.scrub
      : createScrubber(options.scrub?.mask ?? '[secret]', options.scrub?.patterns);
  const scrub = (text: string) => scrubber.scrub(text);
  const maxRetries = Math.max(0, options.maxRetries ?? 5);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const baseDelay = options.backoffMs?.base ?? 500;
  const maxDelay = options.backoffMs?.max ?? 30_000;
  const maxWaitMs = options.maxWaitMs ?? Infinity;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const log = (entry: HttpClientLog) => options.log?.({ ...entry, reason: scrub(entry.reason) });
  const retryable = options.retryable ?? ((status: number) => status === 429 || status >= 500);
  const makeError =
    options.error ??
    ((message: string, fields: HttpApiErrorFields) => new HttpApiError(message, fields));

  // every credential is scrubbed from what the client shows, known or echoed
  let basic: string | null = null;
  if (auth.type === 'bearer') scrubber.add(auth.token);
  if (auth.type === 'header' || auth.type === 'query') scrubber.add(auth.value);
  if (auth.type === 'basic') {
    basic = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
    scrubber.add(auth.password);
    scrubber.add(basic);
  }
  // the OAuth token lives in this closure only, and each one is scrubbed
  let accessToken = auth.type === 'oauth' ? (auth.accessToken ?? null) : null;
  scrubber.add(accessToken);
  let refreshing: Promise<void> | null = null;
  // the wait before the next request, when the last answer said the window was spent
  let throttleMs = 0;

  const shownOf = (req: HttpRequest) => scrub(req.shown ?? req.path);

  function fail(
    req: HttpRequest,
    message: string,
    fields: Partial<HttpApiErrorFields> = {},
    error: E | null = null,
    headers: Headers | null = null,
  ): HttpApiError {
    return makeError(
      scrub(message),
      {
        vendor,
        method: req.method ?? 'GET',
        path: shownOf(req),
        status: fields.status ?? 0,
        code: fields.code ?? error?.code ?? null,
        attempts: fields.attempts ?? 1,
        retryAt: fields.retryAt ?? null,
      },
      error,
      headers,
    );
  }

  function errorOf(text: string): E | null {
    const json = parseJson(text);
    return json.ok && options.parseError ? options.parseError(json.value) : null;
  }

  function detailOf(text: string, error: E | null): string {
    return scrub(error ? error.message : text.slice(0, 200));
  }

  function headersFor(req: HttpRequest): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (auth.type === 'bearer') h.Authorization = `Bearer ${auth.token}`;
    if (auth.type === 'header') h[auth.name] = auth.value;
    if (auth.type === 'basic') h.Authorization = `Basic ${basic}`;
    if (auth.type === 'oauth' && accessToken) h.Authorization = `Bearer ${accessToken}`;
    if (req.json !== undefined) h['Content-Type'] = 'application/json';
    if (req.form !== undefined) h['Content-Type'] = 'application/x-www-form-urlencoded';
    return { ...h, ...req.headers };
  }

  function urlOf(req: HttpRequest): string {
    let url = `${baseUrl}${req.path}`;
    if (auth.type === 'query')
      url += `${req.path.includes('?') ? '&' : '?'}${encodeURIComponent(auth.name)}=${encodeURIComponent(auth.value)}`;
    return url;
  }

  const aborted = (req: HttpRequest) => !!(req.signal?.aborted || options.signal?.aborted);

  /** One request with its retries; answers a 2xx, an accepted status or the last failure. */
  async function attempt(req: HttpRequest): Promise<{ answer: Answer; error: E | null }> {
    const method = req.method ?? 'GET';
    const shown = shownOf(req);
    const url = urlOf(req);
    const body =
      req.json !== undefined
        ? JSON.stringify(req.json)
        : req.form !== undefined
          ? new URLSearchParams(req.form).toString()
          : undefined;
    if (body !== undefined && !METHODS_WITH_BODY.has(method))
      throw new TypeError(`${vendor}: a ${method} request has no body`);
    for (let n = 0; ; n++) {
      if (throttleMs > 0) {
        const delayMs = throttleMs;
        throttleMs = 0;
        log({
          event: 'throttle',
          method,
          path: shown,
          status: 0,
          attempt: n,
          delayMs,
          reason: 'window spent',
        });
        await sleep(delayMs);
      }
      if (aborted(req)) throw fail(req, `${vendor} ${method} ${shown}: aborted`, { attempts: n });
      const signals = [AbortSignal.timeout(timeoutMs), req.signal, options.signal].filter(
        (s): s is AbortSignal => s !== undefined,
      );
      let res: Response;
      let text: string;
      try {
        res = await fetch(url, {
          method,
          headers: headersFor(req),
          body,
          redirect: 'error', // a redirect would carry the credentials to wherever it points
          signal: AbortSignal.any(signals),
        });
        text = await res.text();
      } catch (err) {
        if (aborted(req))
          throw fail(req, `${vendor} ${method} ${shown}: aborted`, { attempts: n + 1 });
        const cause =
          err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
        const reason = scrub(
          err instanceof Error ? `${err.name}: ${err.message}${cause}` : String(err),
        );
        if (n < maxRetries) {
          const delayMs = backoffMs(n, baseDelay, maxDelay, random);
          log({ event: 'retry', method, path: shown, status: 0, attempt: n + 1, delayMs, reason });
          await sleep(delayMs);
          continue;
        }
        throw fail(
          req,
          `${vendor} ${method} ${shown}: no answer after ${n + 1} attempts (${reason})`,
          {
            attempts: n + 1,
          },
        );
      }
      const answer: Answer = { status: res.status, headers: res.headers, text, attempts: n + 1 };
      if (res.ok || req.accept?.(res.status)) {
        const spent = options.rateWindow?.spent?.(res.headers);
        if (spent && spent > 0) throttleMs = spent;
        return { answer, error: null };
      }
      const error = errorOf(text);
      if (n >= maxRetries || !retryable(res.status, res.headers, error)) return { answer, error };
      const after = retryAfterMs(res.headers.get('retry-after'), now());
      const wait =
        after !== null
          ? { ms: after, reason: 'Retry-After' }
          : (options.rateWindow?.wait?.(res.status, res.headers, error) ?? null);
      if (wait && wait.ms > maxWaitMs) {
        const detail = detailOf(text, error);
        throw fail(
          req,
          `${vendor} ${method} ${shown} answered ${res.status}: rate limited for ${Math.round(wait.ms / 1000)} s, ` +
            `longer than the ${Math.round(maxWaitMs / 1000)} s waited${detail ? `: ${detail}` : ''}`,
          { status: res.status, attempts: n + 1, retryAt: now() + wait.ms },
          error,
          res.headers,
        );
      }
      const delayMs = wait?.ms ?? backoffMs(n, baseDelay, maxDelay, random);
      const reason = wait?.reason ?? `HTTP ${res.status}${error?.code ? ` ${error.code}` : ''}`;
      log({
        event: 'retry',
        method,
        path: shown,
        status: res.status,
        attempt: n + 1,
        delayMs,
        reason,
      });
      await sleep(delayMs);
    }
  }

  /** The OAuth refresh; concurrent callers share one. */
  function renew(reason: string, told: Omit<HttpClientLog, 'event' | 'reason'>): Promise<void> {
    if (auth.type !== 'oauth') return Promise.resolve();
    refreshing ??= (async () => {
      log({ event: 'refresh', ...told, reason });
      const token = await auth.refresh(reason);
      scrubber.add(token);
      accessToken = token;
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  function failure(req: HttpRequest, answer: Answer, error: E | null): HttpApiError {
    const method = req.method ?? 'GET';
    const label = error?.label ? ` (${error.label})` : '';
    const detail = detailOf(answer.text, error);
    return fail(
      req,
      `${vendor} ${method} ${shownOf(req)} answered ${answer.status}${label}` +
        `${detail ? `: ${detail}` : ''}${answer.attempts > 1 ? ` after ${answer.attempts} attempts` : ''}`,
      { status: answer.status, attempts: answer.attempts },
      error,
      answer.headers,
    );
  }

  async function request(req: HttpRequest): Promise<Answer> {
    const method = req.method ?? 'GET';
    if (auth.type === 'oauth' && !accessToken) {
      const told = { method, path: shownOf(req), status: 0, attempt: 0, delayMs: 0 };
      await renew('no access token yet', told);
    }
    for (let renewed = false; ; renewed = true) {
      const used = accessToken;
      const { answer, error } = await attempt(req);
      if (answer.status >= 200 && answer.status < 300) return answer;
      if (req.accept?.(answer.status)) return answer;
      const reason = auth.type === 'oauth' && !renewed ? auth.expired(answer, error) : null;
      if (reason !== null) {
        // another request may have refreshed while this one waited: then just try again
        if (accessToken === used) {
          const told = {
            method,
            path: shownOf(req),
            status: answer.status,
            attempt: answer.attempts,
            delayMs: 0,
          };
          await renew(reason, told);
        }
        continue;
      }
      throw failure(req, answer, error);
    }
  }

  function decode<T>(answer: Answer, req: HttpRequest, parse: Parse<T>, what?: string): T {
    const method = req.method ?? 'GET';
    const named = `${vendor} ${method} ${shownOf(req)}`;
    const fields = { status: answer.status, attempts: answer.attempts };
    const json = parseJson(answer.text);
    if (!json.ok) throw fail(req, `${named}: the answer is not JSON`, fields, null, answer.headers);
    const unexpected = what ? `not ${what}` : 'unexpected answer';
    if (isSchema(parse)) {
      const parsed = parse.safeParse(json.value);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || '(root)';
      throw fail(req, `${named}: ${unexpected} (${where}: ${issue?.message ?? 'invalid'})`, fields);
    }
    try {
      return parse(json.value);
    } catch (err) {
      if (!options.isPayloadError?.(err)) throw err;
      throw fail(req, `${named}: ${unexpected} (${err.message})`, fields);
    }
  }

  async function getJson<T>(req: HttpRequest, parse: Parse<T>, what?: string): Promise<T> {
    return decode(await request(req), req, parse, what);
  }

  // a plain object of closures: nothing on it holds a credential
  return {
    request,
    getJson,
    decode,
    fail: (req, message, fields) => fail(req, message, fields),
    scrub,
  };
}
