// URL redaction: the one function every stored URL-bearing field passes through before it is written
// (live ingestion, file imports, and `closedloop redact` over stored facts). Pure: no store, no I/O.
import { CLICK_ID_PARAMS } from '../rules/campaign-params.js';
import type { RawEvent, RedactionHint } from '../store/types.js';
import { copyRecord } from '../util/copy-record.js';

/** What a redacted parameter value becomes (the snippet writes the same string). */
export const REDACTED = '[redacted]';
/** What an e-mail address in a URL becomes. */
export const EMAIL_MARKER = '[email]';

/**
 * Parameter names redacted by default, matched against each word of a name (split at `_ - . [ ] space`
 * and camelCase): `user[password]`, `x-api-key`, `cardNumber` and `card_number` all match.
 */
export const DEFAULT_REDACT_WORDS: readonly string[] = [
  'password',
  'passwd',
  'pwd',
  'pw',
  'pass',
  'passcode',
  'passphrase',
  'secret',
  'token',
  'auth',
  'authorization',
  'apikey',
  'key',
  'session',
  'sessionid',
  'sessid',
  'sid',
  'csrf',
  'xsrf',
  'card',
  'cardnumber',
  'cc',
  'cvv',
  'cvc',
  'ssn',
  'iban',
  'otp',
  'pin',
];
/**
 * Words distinctive enough to match inside a longer word too: `newpassword`, `accesstoken`,
 * `phpsessid`, `jsessionid`, `xcsrftoken`.
 */
export const DEFAULT_REDACT_SUBSTRINGS: readonly string[] = [
  'password',
  'passwd',
  'passphrase',
  'passcode',
  'secret',
  'token',
  'apikey',
  'authorization',
  'cardnumber',
  'csrf',
  'xsrf',
  'session',
  'sessid',
];

/** Never redacted, whatever the rules say: the marketing parameters attribution reads. */
const KEEP = new Set(CLICK_ID_PARAMS);
const keep = (name: string): boolean => name.startsWith('utm_') || KEEP.has(name);

export interface RedactionRules {
  /** Extra parameter names (the workspace's and the configuration's), matched like the default words. */
  extraNames?: readonly string[];
  /**
   * A parameter that carries the visitor's own e-mail on a campaign link (e.g. `cl_email`): removed from
   * the URL, and the page event gets an identify with that e-mail beside it.
   */
  identifyParam?: string | null;
}

/**
 * What every redacted parameter name holds, as the rules below decide (RedactionHint): a substring
 * (the distinctive words, an extra name whole, the identify parameter) or a word of its own. The
 * stored-facts redaction reads only events whose JSON holds one, or an `@`.
 */
export function hintWords(rules: RedactionRules = {}): RedactionHint {
  const anywhere = new Set<string>(DEFAULT_REDACT_SUBSTRINGS);
  const exact = new Set<string>(DEFAULT_REDACT_WORDS);
  for (const n of rules.extraNames ?? []) {
    anywhere.add(n.toLowerCase());
    for (const w of words(n)) exact.add(w);
  }
  if (rules.identifyParam) anywhere.add(rules.identifyParam.toLowerCase());
  return { anywhere: [...anywhere].sort(), words: [...exact].sort() };
}

export interface CompiledRedaction {
  /** True when a parameter of this name has its value redacted. */
  redacts(name: string): boolean;
  readonly identifyParam: string | null;
}

/** Lower-cased words of a name: `user[newPassword]` → user, new, password, newpassword... */
function words(name: string): string[] {
  const out = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return out;
}

/** A parameter name as the server that receives it reads it: percent-decoded, `+` as space. */
export function decodeName(raw: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw.trim(); // nothing to decode (the common case)
  return safeDecode(raw.replace(/\+/g, ' ')).trim();
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parameter names are case-insensitive; extra names are validated where they are set (derive/redaction-settings.ts). */
export function compileRedaction(rules: RedactionRules = {}): CompiledRedaction {
  const exact = new Set<string>(DEFAULT_REDACT_WORDS);
  for (const n of rules.extraNames ?? []) {
    const lower = n.toLowerCase();
    exact.add(lower);
    for (const w of words(n)) exact.add(w);
  }
  const extraWhole = new Set((rules.extraNames ?? []).map((n) => n.toLowerCase()));
  const identifyParam = rules.identifyParam ? rules.identifyParam.toLowerCase() : null;
  const cache = new Map<string, boolean>();
  const decide = (name: string): boolean => {
    const lower = name.toLowerCase();
    if (keep(lower) || lower === identifyParam) return false;
    if (extraWhole.has(lower) || DEFAULT_REDACT_SUBSTRINGS.some((s) => lower.includes(s)))
      return true;
    // `api_key` → api, key; `cardNumber` → card, number. (Every word is a substring of the lower-cased
    // name: the stored-facts pre-filter, hintWords, relies on it.)
    return words(name).some((w) => exact.has(w));
  };
  return {
    identifyParam,
    redacts(name: string): boolean {
      let r = cache.get(name);
      if (r === undefined) {
        r = decide(name);
        if (cache.size > 10_000) cache.clear();
        cache.set(name, r);
      }
      return r;
    },
  };
}

/** What one URL's redaction did. */
export interface UrlRedaction {
  url: string;
  /** Names whose values were redacted (lower case), `email` for e-mail addresses, `userinfo` for `user:pass@`. */
  names: string[];
  /** The e-mail the identify parameter carried, when it carried one. */
  identifyEmail?: string;
}

const SIMPLE_EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** How deep parameter values that are themselves encoded URLs are followed. */
const MAX_NESTING = 3;

/**
 * Redacts one URL (or a path, a query string with or without `?`, a fragment): the values of denied
 * query and fragment parameters become `[redacted]`, e-mail addresses anywhere become `[email]`
 * (`@`, `%40` and `%2540` alike), `user:password@` before a host is redacted, and the identify
 * parameter is removed. Idempotent: redacting a redacted URL changes nothing.
 */
export function redactUrl(input: string, rules: CompiledRedaction): Readonly<UrlRedaction> {
  // without a query, a fragment, a parameter or an @ (plain or encoded) there is nothing to redact
  if (INERT.test(input) && !input.includes(EMAIL_MARKER)) return { url: input, names: [] };
  if (input.length > MEMO_MAX_CHARS) return redactUrlAt(input, rules, 0);
  const hit = memo.get(input);
  if (hit !== undefined && hit.rules === rules) return hit.result;
  const result = redactUrlAt(input, rules, 0);
  Object.freeze(result.names);
  if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
  memo.set(input, { rules, result: Object.freeze(result) });
  return result;
}

const INERT = /^[^?#@=%]*$/;
// An event carries the same URL several times (context.page.url and properties.url, the search beside
// them) and a visitor's events repeat it: the results are remembered, for one set of rules at a time per
// URL, in one bounded map for the process (frozen: they are shared).
const MEMO_MAX_ENTRIES = 4096;
const MEMO_MAX_CHARS = 1024;
const memo = new Map<string, { rules: CompiledRedaction; result: Readonly<UrlRedaction> }>();

function redactUrlAt(input: string, rules: CompiledRedaction, depth: number): UrlRedaction {
  const names = new Set<string>();
  let identifyEmail: string | undefined;
  let rest = input;
  let fragment: string | undefined;
  const hashAt = rest.indexOf('#');
  if (hashAt >= 0) {
    fragment = rest.slice(hashAt + 1);
    rest = rest.slice(0, hashAt);
  }
  let base = rest;
  let query: string | undefined;
  const qAt = rest.indexOf('?');
  if (qAt >= 0) {
    base = rest.slice(0, qAt);
    query = rest.slice(qAt + 1);
  } else if (/^[^/:]*=/.test(rest)) {
    // a bare query string (`search` sent without its `?`)
    base = '';
    query = rest;
  }
  // user:password@host: the whole userinfo goes
  base = base.replace(/^([a-z][a-z0-9+.-]*:)?\/\/[^/?#]*@/i, (_m, scheme: string | undefined) => {
    names.add('userinfo');
    return `${scheme ?? ''}//${REDACTED}@`;
  });
  const params = (q: string): string =>
    redactParams(q, rules, names, depth, (email) => {
      identifyEmail ??= email;
    });
  if (query !== undefined) query = params(query);
  if (fragment !== undefined) {
    // `#access_token=...&x=1`, or a router's `#/reset?token=...`
    const fq = fragment.indexOf('?');
    if (fq >= 0) fragment = fragment.slice(0, fq + 1) + params(fragment.slice(fq + 1));
    else if (/^[^/]*=/.test(fragment)) fragment = params(fragment);
  }
  let url = redactEmails(base, names);
  // a query emptied by removing the identify parameter loses its `?` too
  if (query !== undefined && (query !== '' || !identifyEmail))
    url += `${qAt >= 0 ? '?' : ''}${redactEmails(query, names)}`;
  if (fragment !== undefined) url += `#${redactEmails(fragment, names)}`;
  const out: UrlRedaction = { url, names: [...names].sort() };
  if (identifyEmail !== undefined) out.identifyEmail = identifyEmail;
  return out;
}

/** A redacted name as listed on the event: never an e-mail, never long. */
function listedName(lower: string): string {
  return redactEmails(lower, new Set()).slice(0, 64);
}

/** `a=1&password=x;b=2`: each `&` part; a denied name (also after a `;`) redacts the rest of its part. */
function redactParams(
  query: string,
  rules: CompiledRedaction,
  names: Set<string>,
  depth: number,
  onIdentify: (email: string) => void,
): string {
  const parts = query.split('&');
  const kept: string[] = [];
  for (const part of parts) {
    const subs = part.split(';');
    let offset = 0;
    let out = part;
    let dropped = false;
    for (const sub of subs) {
      const eq = sub.indexOf('=');
      if (eq > 0) {
        const name = decodeName(sub.slice(0, eq));
        const lower = name.toLowerCase();
        if (rules.identifyParam !== null && lower === rules.identifyParam && offset === 0) {
          const email = safeDecode(sub.slice(eq + 1).replace(/\+/g, ' ')).trim();
          if (SIMPLE_EMAIL.test(email)) {
            onIdentify(email);
            names.add(listedName(lower));
            dropped = true;
            break;
          }
        }
        if (rules.redacts(name)) {
          names.add(listedName(lower));
          out = part.slice(0, offset + eq + 1) + REDACTED;
          break;
        }
        const value = sub.slice(eq + 1);
        const nested = depth < MAX_NESTING ? redactNested(value, rules, names, depth) : value;
        if (nested !== value) {
          out = part.slice(0, offset + eq + 1) + nested + part.slice(offset + sub.length);
          break;
        }
      }
      offset += sub.length + 1;
    }
    if (!dropped) kept.push(out);
  }
  return kept.join('&');
}

/** A parameter value that is itself an encoded URL (`redirect=https%3A%2F%2F...%3Ftoken%3D...`). */
function redactNested(
  value: string,
  rules: CompiledRedaction,
  names: Set<string>,
  depth: number,
): string {
  if (!value.includes('%') || !/%3d/i.test(value)) return value;
  const decoded = safeDecode(value.replace(/\+/g, ' '));
  if (decoded === value || !/[?#&]/.test(decoded)) return value;
  const inner = redactUrlAt(
    decoded,
    { identifyParam: null, redacts: (n) => rules.redacts(n) },
    depth + 1,
  );
  if (inner.names.length === 0) return value;
  for (const n of inner.names) names.add(n);
  return encodeURIComponent(inner.url);
}

const AT = /@|%40|%2540/gi;
const DOMAIN = /[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/uy;
const LOCAL_CHAR = /[\p{L}\p{N}._+\-!$'*^`{|}~]/u;
/** Encoded characters that end a local part (`=`, `&`, `?`, `/`, `:`, `#`, space, `@`, `%`): they separate, not spell. */
const SEPARATOR_CODES = new Set([
  '3d',
  '26',
  '3f',
  '2f',
  '3a',
  '23',
  '20',
  '22',
  '3c',
  '3e',
  '40',
  '25',
]);
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-f]$/i.test(c);

/**
 * Replaces e-mail addresses by scanning out from each `@` (plain or percent-encoded): linear in the
 * length of the text, so no input can make it slow (a regex with a greedy local part can be quadratic).
 */
export function redactEmails(text: string, names: Set<string>): string {
  // a marker a client (the snippet) already wrote is listed too: the event says why the value is missing
  if (text.includes(EMAIL_MARKER)) names.add('email');
  if (!/@|%40|%2540/i.test(text)) return text;
  let out = '';
  let last = 0;
  AT.lastIndex = 0;
  for (let m = AT.exec(text); m !== null; m = AT.exec(text)) {
    const at = m.index;
    if (at < last) continue;
    let l = at;
    while (l > last) {
      if (l - 3 >= last && text[l - 3] === '%' && isHex(text[l - 2]) && isHex(text[l - 1])) {
        if (SEPARATOR_CODES.has(text.slice(l - 2, l).toLowerCase())) break;
        l -= 3;
      } else if (LOCAL_CHAR.test(text[l - 1]!)) {
        l -= 1;
      } else break;
    }
    DOMAIN.lastIndex = at + m[0].length;
    const d = DOMAIN.exec(text);
    if (l === at || !d || !/\p{L}{2,}$/u.test(d[0])) {
      AT.lastIndex = at + m[0].length;
      continue;
    }
    const end = at + m[0].length + d[0].length;
    out += text.slice(last, l) + EMAIL_MARKER;
    last = end;
    AT.lastIndex = end;
    names.add('email');
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Keys of `context.page` and `properties` that hold a URL, a path or a query. */
const URL_KEY = /url|href|link|referr?er|search|query|path|hash|landing|location/i;
/** A string that looks like a URL, a path with a query, a query or a fragment. */
const URL_LIKE = /^(?:[a-z][a-z0-9+.-]*:\/\/|\/\/|\/\S*[?#]|[?#]\S)/i;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `{ ...o, [key]: value }`, built key by key (util/copy-record.ts says why). */
function withKey(o: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out = copyRecord(o);
  out[key] = value;
  return out;
}

interface Acc {
  names: Set<string>;
  identifyEmail?: string;
  changed: boolean;
}

/** Redacts the URL-bearing strings of one object (context.page, properties): a copy when anything changed. */
function redactFields(
  obj: Record<string, unknown>,
  rules: CompiledRedaction,
  acc: Acc,
  all: boolean,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v !== 'string' || v === '') continue;
    if (!(all ? k !== 'title' : URL_KEY.test(k)) && !URL_LIKE.test(v)) continue;
    const r = redactUrl(v, rules);
    for (const n of r.names) acc.names.add(n);
    if (r.identifyEmail !== undefined) acc.identifyEmail ??= r.identifyEmail;
    if (r.url !== v) {
      copy ??= { ...obj };
      copy[k] = r.url;
    }
  }
  if (!copy) return obj;
  acc.changed = true;
  return copy;
}

export interface EventRedaction {
  /** The event to store (the same object when nothing was redacted). */
  event: RawEvent;
  /** Names redacted in it (also written to `context.redacted`). */
  names: string[];
  /** For a page event whose URL carried the identify parameter: the identify to store beside it. */
  identify?: RawEvent;
}

/**
 * Redacts every stored URL-bearing field of an event: each string of `context.page` (but its title),
 * `context.referrer.url`/`link`, and the `properties` whose key names a URL (url, search, referrer,
 * path, href, ...) or whose value looks like one. The names redacted are listed in `context.redacted`.
 */
export function redactEvent(event: RawEvent, rules: CompiledRedaction): EventRedaction {
  const acc: Acc = { names: new Set(), changed: false };
  let context = isObject(event.context) ? event.context : undefined;
  let properties = isObject(event.properties) ? event.properties : undefined;
  if (context) {
    let c = context;
    if (isObject(c.page)) {
      const page = redactFields(c.page, rules, acc, true);
      if (page !== c.page) c = withKey(c, 'page', page);
    }
    if (isObject(c.referrer)) {
      const ref = redactFields(c.referrer, rules, acc, false);
      if (ref !== c.referrer) c = withKey(c, 'referrer', ref);
    }
    context = c;
  }
  if (properties) properties = redactFields(properties, rules, acc, false);
  const names = [...acc.names].sort();
  if (names.length === 0) return { event, names };
  const previous =
    context && Array.isArray(context.redacted)
      ? context.redacted.filter((n): n is string => typeof n === 'string')
      : [];
  const listed = [...new Set([...previous, ...names])].sort();
  const out: RawEvent = withKey(event, 'context', withKey(context ?? {}, 'redacted', listed));
  if (properties && acc.changed) out.properties = properties;
  const result: EventRedaction = { event: out, names };
  if (acc.identifyEmail !== undefined && String(event.type).toLowerCase() === 'page')
    result.identify = identifyFor(out, acc.identifyEmail);
  return result;
}

/** The identify a campaign link's e-mail becomes: same ids and time as the page, a messageId derived from the page's. */
function identifyFor(page: RawEvent, email: string): RawEvent {
  const identify: RawEvent = { type: 'identify', traits: { email } };
  for (const k of ['anonymousId', 'userId', 'timestamp', 'originalTimestamp', 'sentAt'] as const) {
    if (page[k] !== undefined) identify[k] = page[k];
  }
  if (typeof page.messageId === 'string' && page.messageId !== '')
    identify.messageId = `${page.messageId}:identify`;
  if (isObject(page.context))
    identify.context = withKey(page.context, 'identifiedBy', 'campaign_link');
  return identify;
}
