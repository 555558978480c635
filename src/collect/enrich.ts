import { isIP } from 'node:net';
import maxmind, { type Reader } from 'maxmind';
import type { RawEvent } from '../store/types.js';

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

function asObject(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, unknown>) } : {};
}

/**
 * What the server adds to an event as it arrives: for browser (client-side) events the request's IP and
 * user agent when the client did not send them (Segment does the same); the country when a GeoIP
 * database is configured; then, if asked, the IP truncated. Runs before the event is written, because a
 * truncated IP cannot be looked up later.
 */
export function enrichLive(event: RawEvent, request: { ip?: string; userAgent?: string; clientSide: boolean }, opts: LiveEnrichment): RawEvent {
  if (!opts.geo && !opts.truncateIps && !request.clientSide) return event;
  const context = asObject(event.context);
  if (request.clientSide) {
    if (context.ip === undefined && request.ip) context.ip = request.ip;
    if (context.userAgent === undefined && request.userAgent) context.userAgent = request.userAgent;
  }
  const ip = typeof context.ip === 'string' ? context.ip : undefined;
  if (opts.geo && ip) {
    const location = asObject(context.location);
    if (location.country === undefined) {
      const country = opts.geo.country(ip);
      if (country) context.location = { ...location, country };
    }
  }
  if (opts.truncateIps && ip) context.ip = truncateIp(ip);
  return { ...event, context };
}
