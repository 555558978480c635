// Where the facts and derived tables live, as one URL (CLOSEDLOOP_STORE): the embedded DuckDB file by
// default, a ClickHouse server over HTTP(S), or ClickHouse embedded in this process (chdb). Engine-neutral:
// it only reads the URL; opening the engine is store/open.ts's business.

/** The embedded DuckDB file under the data directory (the default). */
export interface DuckDbLocation {
  engine: 'duckdb';
}

/** A ClickHouse server (or cluster endpoint) reached through its HTTP interface. */
export interface ClickHouseLocation {
  engine: 'clickhouse';
  /** The HTTP(S) origin, without credentials or path: `http://host:8123`. */
  url: string;
  username: string;
  password: string;
  database: string;
  /** The URL for messages: the password left out (`http://user@host:8123/db`). */
  display: string;
}

/** ClickHouse embedded in this process through chdb, on a data directory. */
export interface ChdbLocation {
  engine: 'chdb';
  /** An absolute directory. */
  path: string;
  database: string;
  display: string;
}

export type StoreLocation = DuckDbLocation | ClickHouseLocation | ChdbLocation;

/** A store URL that cannot be used; the message names the part at fault and never the password. */
export class StoreUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUrlError';
  }
}

const FORMS =
  'duckdb, clickhouse://user:password@host:8123/database, clickhouses://... (TLS) or chdb:///absolute/path';
// Database names are spliced into SQL as identifiers, so only plain ones are accepted.
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_PORTS = { clickhouse: 8123, clickhouses: 8443 } as const;

/** Parses a store URL; an empty or missing one is the default, DuckDB. */
export function parseStoreUrl(input: string | undefined): StoreLocation {
  const text = (input ?? '').trim();
  if (text === '' || text.toLowerCase() === 'duckdb') return { engine: 'duckdb' };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'clickhouse' || scheme === 'clickhouses') return parseClickHouse(text, scheme);
  if (scheme === 'chdb') return parseChdb(text);
  const shown = redactUrl(text);
  if (scheme === 'http' || scheme === 'https')
    throw new StoreUrlError(
      `store URL ${shown}: write ${scheme === 'https' ? 'clickhouses' : 'clickhouse'}://... for a ClickHouse server (expected ${FORMS})`,
    );
  throw new StoreUrlError(
    scheme
      ? `store URL ${shown}: unknown scheme "${scheme}:" (expected ${FORMS})`
      : `store URL ${shown}: not a URL (expected ${FORMS})`,
  );
}

function parseClickHouse(text: string, scheme: 'clickhouse' | 'clickhouses'): ClickHouseLocation {
  const shown = redactUrl(text);
  const url = parseUrl(text, shown);
  if (!url.hostname) throw new StoreUrlError(`store URL ${shown}: the host is missing`);
  const port = url.port === '' ? DEFAULT_PORTS[scheme] : Number(url.port);
  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (segments.length > 1)
    throw new StoreUrlError(
      `store URL ${shown}: the path must be one database name, not "${url.pathname}"`,
    );
  const database = segments.length === 1 ? decode(segments[0]!, 'database', shown) : 'default';
  checkDatabase(database, shown);
  const unknown = [...url.searchParams.keys()];
  if (unknown.length > 0)
    throw new StoreUrlError(
      `store URL ${shown}: unknown parameter ${unknown.map((k) => `"${k}"`).join(', ')} (a ClickHouse URL takes none)`,
    );
  const username = url.username === '' ? 'default' : decode(url.username, 'user name', shown);
  const password = decode(url.password, 'password', shown);
  const protocol = scheme === 'clickhouses' ? 'https' : 'http';
  const origin = `${protocol}://${url.hostname}:${port}`;
  return {
    engine: 'clickhouse',
    url: origin,
    username,
    password,
    database,
    display: `${protocol}://${encodeURIComponent(username)}@${url.hostname}:${port}/${database}`,
  };
}

function parseChdb(text: string): ChdbLocation {
  const shown = redactUrl(text);
  if (!/^chdb:\/\//i.test(text))
    throw new StoreUrlError(`store URL ${shown}: write chdb:///absolute/path (three slashes)`);
  const url = parseUrl(text, shown);
  if (url.host !== '' || url.username !== '' || url.password !== '')
    throw new StoreUrlError(
      `store URL ${shown}: chdb takes no host or user; write chdb:///absolute/path (three slashes)`,
    );
  const path = decode(url.pathname, 'path', shown);
  if (path === '' || path === '/')
    throw new StoreUrlError(
      `store URL ${shown}: the data directory is missing (chdb:///absolute/path)`,
    );
  let database = 'default';
  for (const [key, value] of url.searchParams) {
    if (key !== 'database')
      throw new StoreUrlError(
        `store URL ${shown}: unknown parameter "${key}" (chdb takes only ?database=name)`,
      );
    database = value;
  }
  checkDatabase(database, shown);
  return { engine: 'chdb', path, database, display: shown };
}

function parseUrl(text: string, shown: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new StoreUrlError(`store URL ${shown}: not a valid URL (expected ${FORMS})`);
  }
}

function decode(part: string, what: string, shown: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new StoreUrlError(`store URL ${shown}: the ${what} has a broken %-escape`);
  }
}

function checkDatabase(name: string, shown: string): void {
  if (!DATABASE_NAME.test(name))
    throw new StoreUrlError(
      `store URL ${shown}: the database name "${name}" must be letters, digits and underscores, not starting with a digit`,
    );
}

/**
 * The URL with its password left out, for messages and logs: `clickhouse://u:secret@h/db` →
 * `clickhouse://u@h/db`. It works on text that is not a valid URL too, and errs towards removing more:
 * everything between `user:` and the last `@` goes, and so does the value of a `password=` parameter.
 */
export function redactUrl(text: string): string {
  let out = text;
  const start = out.indexOf('://');
  if (start >= 0) {
    const rest = out.slice(start + 3);
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
      const userinfo = rest.slice(0, at);
      const colon = userinfo.indexOf(':');
      if (colon >= 0) out = out.slice(0, start + 3) + userinfo.slice(0, colon) + rest.slice(at);
    }
  }
  return out.replace(/([?&](?:password|key)=)[^&#]*/gi, '$1***');
}
