import { isIP } from 'node:net';
import maxmind, { type Reader } from 'maxmind';
import type { RawEvent } from '../store/types.js';
import { copyRecord } from '../util/copy-record.js';

/** IP → ISO country code from a MaxMind-format (.mmdb) file: GeoLite2/GeoIP2 Country or City, or the free ip-location-db files. */
export class GeoIp {
  private constructor(private readonly reader: Reader<Record<string, unknown>>) {}

  static async open(path: string): Promise<GeoIp> {
    return new GeoIp(await maxmind.open<Record<string, unknown>>(path));
  }

  country(ip: string | undefined): string | undefined {
    if (!ip || isIP(ip) === 0) return undefined;
    const r = this.reader.get(ip);
    if (!r) return undefined;
    // GeoLite2/GeoIP2 shape, then the flat shape of ip-location-db
    const nested = (r.country as { iso_code?: unknown } | undefined)?.iso_code;
    const code = typeof nested === 'string' ? nested : r.country_code;
    return typeof code === 'string' ? code.toUpperCase() : undefined;
  }
}

/** Drops the host part: IPv4 to /24, IPv6 to /48, so a visitor's address is never stored whole. */
export function truncateIp(ip: string): string {
  const v = isIP(ip);
  if (v === 4) return ip.split('.').slice(0, 3).concat('0').join('.');
  if (v === 6) {
    const [head = ''] = ip.split('::');
    const groups = head.split(':').filter(Boolean);
    return `${groups.slice(0, 3).join(':')}::`;
  }
  return ip;
}

export interface LiveEnrichment {
  geo?: GeoIp;
  truncateIps: boolean;
}

/** The first language of an Accept-Language header ("de-DE,de;q=0.9" → "de-DE"), as navigator.language gives it. */
export function localeFrom(header: string | undefined): string | undefined {
  const first = header?.split(',', 1)[0]!.split(';', 1)[0]!.trim();
  return first && /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(first) ? first : undefined;
}

/**
 * A copy of `v` (context.page, or a page event's properties) with `path` and `search` taken from its
 * `url` where they are missing, as location.pathname / location.search give them; undefined when there is
 * nothing to add. The URL is parsed only when a field is missing, and once for both objects of a page
 * event (`last` keeps the previous parse). Derived before redaction (the ingest path redacts every
 * URL-bearing field after enrichment), so a secret in the URL's query is redacted in `search` too.
 */
function withPathAndSearch(
  v: unknown,
  last: { url?: string; parsed?: URL },
): Record<string, unknown> | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const page = v as Record<string, unknown>;
  if ((page.path !== undefined && page.search !== undefined) || typeof page.url !== 'string')
    return undefined;
  if (last.url !== page.url) {
    last.url = page.url;
    try {
      last.parsed = new URL(page.url);
    } catch {
      last.parsed = undefined; // not an absolute URL: nothing to derive
    }
  }
  const url = last.parsed;
  if (!url) return undefined;
  const out = copyRecord(page);
  out.path = page.path ?? url.pathname;
  out.search = page.search ?? url.search;
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function asObject(v: unknown): Record<string, unknown> {
  return isObject(v) ? copyRecord(v) : {};
}

/**
 * What the server adds to an event as it arrives: for browser (client-side) events the request's IP and
 * user agent when the client did not send them (Segment does the same), the locale from Accept-Language,
 * and the page's path and search from its URL (in context.page, and in a page event's properties), which
 * the snippet leaves out to stay small; the country when a GeoIP
 * database is configured; then, if asked, the IP truncated. Runs before the event is written, because a
 * truncated IP cannot be looked up later.
 */
export function enrichLive(
  event: RawEvent,
  request: { ip?: string; userAgent?: string; acceptLanguage?: string; clientSide: boolean },
  opts: LiveEnrichment,
): RawEvent {
  if (!opts.geo && !opts.truncateIps && !request.clientSide) return event;
  // A server-side event whose context names no IP gets nothing added (only its context copied): skip the
  // copies, which showed in the cost of every API event with IP truncation on (the default). The event
  // without a context object still gets `context: {}` below, as it always did.
  if (
    !opts.geo &&
    !request.clientSide &&
    isObject(event.context) &&
    typeof event.context.ip !== 'string'
  )
    return event;
  const context = asObject(event.context);
  let properties = event.properties;
  if (request.clientSide) {
    if (context.ip === undefined && request.ip) context.ip = request.ip;
    if (context.userAgent === undefined && request.userAgent) context.userAgent = request.userAgent;
    // The snippet leaves out what the request already tells (docs/tracker.md, wire format).
    if (context.locale === undefined) {
      const locale = localeFrom(request.acceptLanguage);
      if (locale) context.locale = locale;
    }
    const last = {};
    const page = withPathAndSearch(context.page, last);
    if (page) context.page = page;
    if (String(event.type).toLowerCase() === 'page')
      properties = withPathAndSearch(properties, last) ?? properties;
  }
  const ip = typeof context.ip === 'string' ? context.ip : undefined;
  if (opts.geo && ip) {
    const location = asObject(context.location);
    if (location.country === undefined) {
      const country = opts.geo.country(ip);
      if (country) {
        location.country = country;
        context.location = location;
      }
    }
  }
  if (opts.truncateIps && ip) context.ip = truncateIp(ip);
  const out = copyRecord(event);
  out.context = context;
  if (properties !== event.properties) out.properties = properties;
  return out;
}
