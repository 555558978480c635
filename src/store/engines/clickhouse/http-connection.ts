// A ClickHouse server through its HTTP interface and the official client (@clickhouse/client). Every
// request carries the pinned settings, bodies travel gzip-compressed both ways, and errors come back as
// ClickHouseError with the server's code and name. The password lives only inside the client: no message,
// log line or toString of this connection contains it.
import { Readable } from 'node:stream';
import {
  ClickHouseError as ClientError,
  ClickHouseLogLevel,
  createClient,
  type ClickHouseClient,
  type ClickHouseSettings,
} from '@clickhouse/client';
import {
  ClickHouseError,
  PINNED_SETTINGS,
  type ClickHouseConnection,
  type InsertRows,
  type QueryParams,
} from './connection.js';

export interface HttpConnectionOptions {
  /** Default `default`. */
  username?: string;
  /** Default empty. */
  password?: string;
  /** The database unqualified names resolve in (default `default`). */
  database?: string;
  /** A request's limit: a rebuild's statements run for minutes (default 10 minutes). */
  requestTimeoutMs?: number;
  /** How long the check on open waits for an answer (default 10 s). */
  connectTimeoutMs?: number;
  /** Sockets kept to the server (default 10). */
  maxOpenConnections?: number;
}

// Codes a server answers wrong credentials with (UNKNOWN_USER, WRONG_PASSWORD, REQUIRED_PASSWORD,
// AUTHENTICATION_FAILED).
const CREDENTIAL_CODES = new Set([192, 193, 194, 516]);

/**
 * Opens a connection to the ClickHouse server at `url` (`http(s)://host:port`, no credentials or path:
 * those are options) and checks it: the endpoint answers, and accepts the credentials and database.
 * Fails with a message naming the URL without the password.
 */
export async function openHttpConnection(
  url: string,
  options: HttpConnectionOptions = {},
): Promise<ClickHouseConnection> {
  const origin = originOf(url);
  const username = options.username ?? 'default';
  const database = options.database ?? 'default';
  const where = `${origin.protocol}//${encodeURIComponent(username)}@${origin.host}/${database}`;
  const client = createClient({
    url: origin.origin,
    username,
    password: options.password ?? '',
    database,
    application: 'closedloop',
    clickhouse_settings: pinnedSettings(),
    compression: { request: true, response: true },
    request_timeout: options.requestTimeoutMs ?? 600_000,
    max_open_connections: options.maxOpenConnections ?? 10,
    // large parameters (lists of ids) go in a multipart body, not a URL a proxy may refuse
    use_multipart_params_auto: true,
    // failures reach the caller as errors; the client's own log would only repeat them
    log: { level: ClickHouseLogLevel.OFF },
  });
  try {
    await checkEndpoint(client, where, options.connectTimeoutMs ?? 10_000);
  } catch (e) {
    await client.close();
    throw e;
  }

  let closed = false;
  const live = (): ClickHouseClient => {
    if (closed) throw new Error(`the ClickHouse connection to ${where} is closed`);
    return client;
  };
  const fail = (e: unknown): never => {
    throw toError(e, where);
  };

  const connection = {
    kind: 'http' as const,
    async query<T>(sql: string, params?: QueryParams): Promise<T[]> {
      const rows = await live()
        .query({ query: sql, format: 'JSONEachRow', query_params: { ...params } })
        .then((rs) => rs.json<T>())
        .catch(fail);
      return rows;
    },
    async command(sql: string, params?: QueryParams): Promise<void> {
      await live()
        .command({ query: sql, query_params: { ...params } })
        .catch(fail);
    },
    async insert(table: string, rows: InsertRows, columns?: readonly string[]): Promise<void> {
      const c = live();
      if (typeof rows === 'string' || Buffer.isBuffer(rows)) {
        if (rows.length === 0) return;
        // JSONEachRow text made already: sent as the body as it is, not parsed into objects again
        const body = Readable.from([Buffer.isBuffer(rows) ? rows : Buffer.from(rows)], {
          objectMode: false,
        });
        const list = columns && columns.length > 0 ? ` (${columns.join(', ')})` : '';
        const result = await c
          .exec({ query: `INSERT INTO ${table}${list} FORMAT JSONEachRow`, values: body })
          .catch(fail);
        await drain(result.stream).catch(fail);
        return;
      }
      if (rows.length === 0) return;
      await c
        .insert({
          table,
          values: rows as Record<string, unknown>[],
          format: 'JSONEachRow',
          ...(columns && columns.length > 0
            ? { columns: [...columns] as [string, ...string[]] }
            : {}),
        })
        .catch(fail);
    },
    async insertFromInput(
      sql: string,
      body: AsyncIterable<Buffer>,
      params?: QueryParams,
    ): Promise<void> {
      const result = await live()
        .exec({
          query: sql,
          values: Readable.from(body, { objectMode: false }),
          query_params: { ...params },
        })
        .catch(fail);
      await drain(result.stream).catch(fail);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await client.close();
    },
    toString(): string {
      return `ClickHouse over HTTP at ${where}`;
    },
  };
  return connection;
}

/** The pinned settings in the client's types (it takes 64-bit settings as strings). */
function pinnedSettings(): ClickHouseSettings {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(PINNED_SETTINGS)) out[k] = v;
  return out as ClickHouseSettings;
}

function originOf(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not an HTTP URL for ClickHouse: ${stripCredentials(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(`not an HTTP URL for ClickHouse: ${stripCredentials(url)}`);
  if (parsed.username !== '' || parsed.password !== '')
    throw new Error(
      `give the ClickHouse user and password as options, not in the URL (${parsed.protocol}//${parsed.host})`,
    );
  if (parsed.pathname !== '/' || parsed.search !== '')
    throw new Error(
      `the ClickHouse URL is an origin (${parsed.origin}); give the database as an option`,
    );
  return parsed;
}

// for a URL that did not parse: keep the scheme and what follows the last '@'
function stripCredentials(url: string): string {
  const at = url.lastIndexOf('@');
  const scheme = url.indexOf('://');
  return at >= 0 && scheme >= 0 ? url.slice(0, scheme + 3) + url.slice(at + 1) : url;
}

/** The endpoint answers (/ping), then a `SELECT 1` with the credentials and database. */
async function checkEndpoint(client: ClickHouseClient, where: string, timeoutMs: number) {
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  const ping = await client.ping({ select: false, abort_signal: AbortSignal.timeout(timeoutMs) });
  if (!ping.success) {
    const e = ping.error;
    const reason = isAbort(e) ? `no answer within ${seconds}` : reasonOf(e);
    throw new Error(`cannot reach ClickHouse at ${where}: ${reason}`);
  }
  try {
    const rs = await client.query({
      query: 'SELECT 1 AS ok',
      format: 'JSONEachRow',
      abort_signal: AbortSignal.timeout(timeoutMs),
    });
    await rs.json();
  } catch (e) {
    if (e instanceof ClientError) {
      const code = Number(e.code);
      const tag = `(code ${code} ${e.type})`;
      if (CREDENTIAL_CODES.has(code))
        throw new ClickHouseError(
          `ClickHouse at ${where} refused the credentials ${tag}`,
          code,
          e.type,
        );
      throw new ClickHouseError(
        `ClickHouse at ${where} refused the check query: ${e.message.trim()} ${tag}`,
        code,
        e.type,
      );
    }
    const reason = isAbort(e) ? `no answer within ${seconds}` : reasonOf(e);
    throw new Error(`cannot reach ClickHouse at ${where}: ${reason}`, { cause: e });
  }
}

/** A client error as ours: the server's code and name kept, the text in the engine's own shape. */
function toError(e: unknown, where: string): Error {
  if (e instanceof ClientError) {
    const code = Number(e.code);
    return new ClickHouseError(
      `Code: ${code}. DB::Exception: ${e.message.trim()} (${e.type})`,
      Number.isFinite(code) ? code : undefined,
      e.type,
    );
  }
  if (e instanceof ClickHouseError) return e;
  return new Error(`ClickHouse at ${where}: ${reasonOf(e)}`, { cause: e });
}

function isAbort(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return e.name === 'AbortError' || e.name === 'TimeoutError' || /aborted/i.test(e.message);
}

/** A network error's code (ECONNREFUSED, ENOTFOUND...) or its first line. */
function reasonOf(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    const first = e.message.split('\n')[0]!.trim();
    return first.length > 200 ? `${first.slice(0, 200)}...` : first || e.name;
  }
  return String(e);
}

async function drain(stream: Readable): Promise<void> {
  for await (const _chunk of stream) {
    // nothing: an insert answers with no rows
  }
}
