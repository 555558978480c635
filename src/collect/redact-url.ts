// URL redaction: what every stored URL (or path, query string or fragment) passes through before it is
// written (live ingestion, file imports, and `closedloop redact` over stored facts), each event's fields
// by redact-event.ts. Pure: no store, no I/O.
import type { CompiledRedaction } from './redaction-rules.js';
import { EMAIL_MARKER, redactEmails } from './redact-emails.js';

/** What a redacted parameter value becomes (the snippet writes the same string). */
export const REDACTED = '[redacted]';

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
  if (isInert(input)) return { url: input, names: [] };
  if (input.length > MEMO_MAX_CHARS) return redactUrlAt(input, rules, 0);
  // the URL just redacted again (an event's page URL and its url property, a page's events in a row):
  // compared, not hashed
  if (input === last.input && rules === last.rules) return last.result;
  const hit = memo.get(input);
  if (hit !== undefined && hit.rules === rules) {
    last = { input, rules, result: hit.result };
    return hit.result;
  }
  const result = redactUrlAt(input, rules, 0);
  Object.freeze(result.names);
  if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
  memo.set(input, { rules, result: Object.freeze(result) });
  last = { input, rules, result };
  return result;
}

/**
 * Text redactUrl leaves as it is, whatever the rules: no query, fragment, parameter or @ (plain or
 * encoded), and no e-mail marker to list. (Cheap: the ingestion path tests it before calling redactUrl.)
 */
export function isInert(input: string): boolean {
  return INERT.test(input) && !input.includes(EMAIL_MARKER);
}
const INERT = /^[^?#@=%]*$/;
// An event carries the same URL several times (context.page.url and properties.url, the search beside
// them) and a visitor's events repeat it: the results are remembered, for one set of rules at a time per
// URL, in one bounded map for the process (frozen: they are shared).
const MEMO_MAX_ENTRIES = 4096;
const MEMO_MAX_CHARS = 1024;
const memo = new Map<string, { rules: CompiledRedaction; result: Readonly<UrlRedaction> }>();
let last: { input: string; rules: CompiledRedaction | undefined; result: Readonly<UrlRedaction> } =
  {
    input: '',
    rules: undefined,
    result: { url: '', names: [] },
  };

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
