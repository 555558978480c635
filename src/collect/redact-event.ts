// Redaction of one event: every URL-bearing field it stores (the page context, the referrer, URL-like
// properties) through redact-url.ts, the names listed in `context.redacted`, and the identify a campaign
// link's e-mail parameter becomes. Pure: no store, no I/O.
import type { RawEvent } from '../store/types.js';
import type { CompiledRedaction } from './redaction-rules.js';
import { isInert, redactUrl } from './redact-url.js';
import { copyRecord } from '../util/copy-record.js';

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
  /** Created at the first name (most events redact nothing). */
  names?: Set<string>;
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
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = obj[k];
    // (inert text first: the test is cheap, and a plain path or referrer is most of what is looked at)
    if (typeof v !== 'string' || v === '' || isInert(v)) continue;
    if (!(all ? k !== 'title' : URL_KEY.test(k)) && !URL_LIKE.test(v)) continue;
    const r = redactUrl(v, rules);
    for (const n of r.names) (acc.names ??= new Set()).add(n);
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
  const acc: Acc = { changed: false };
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
  if (acc.names === undefined) return { event, names: [] };
  const names = [...acc.names].sort();
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
