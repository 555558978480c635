// A local endpoint that speaks ClickHouse's HTTP interface, for tests: a real node:http server on
// 127.0.0.1 that takes the requests @clickhouse/client makes and executes them with chdb, in this
// process, on the process's one chdb data directory. The real client, the real SQL and the real engine
// run together; only the server's HTTP layer is ours.
//
// What it does, as a server does:
//   - the query from the body, the `query` URL parameter, or both (parameter, a line break, body), or
//     from a multipart/form-data body (`query` and `param_*` fields: the client's large parameters);
//   - `param_<name>` parameters, read by the type the query declares; every other URL parameter not
//     reserved by the interface is a setting, applied to the request alone (unknown → 115, 404);
//     `database`, `default_format` (else TabSeparated), `query_id`; GET is readonly (readonly=2);
//   - credentials from Basic auth, X-ClickHouse-User/X-ClickHouse-Key, or `user`/`password`
//     parameters (two ways at once refused), checked against the configured user (516, 403);
//   - request bodies in gzip, deflate or br (Content-Encoding); responses compressed when the request
//     sets enable_http_compression=1 and accepts gzip, deflate or br;
//   - `/ping` and a bare `GET /` answer "Ok.";
//   - headers X-ClickHouse-Query-Id, -Format, -Timezone, -Summary, -Server-Display-Name; on an error
//     X-ClickHouse-Exception-Code, the exception text and the server's HTTP status for that code.
// Each request runs on a chdb connection of its own, opened with the settings below, so settings and
// the current database never leak from one request to the next.
//
// What it does NOT prove: anything about replication, sharding, Keeper or a Distributed table (there is
// one engine, in this process); network faults (loss, latency, resets mid-body, TLS), since the bytes go
// over loopback; a server's own HTTP behaviour beyond these requests: sessions (session_id), the native
// compression (compress/decompress), external tables, progress headers, results streamed while the
// query runs (the whole result is buffered, so an error never arrives after a 200), keep-alive and
// request-size limits, users, roles, quotas and grants (one user, allowed everything). The Summary
// carries what chdb measures (rows and bytes read, result bytes, time); written rows are not measured.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Session } from 'chdb';
import { openChdbConnection } from '../store/engines/clickhouse/chdb-connection.js';
import {
  parseClickHouseError,
  type ClickHouseConnection,
} from '../store/engines/clickhouse/connection.js';
import { openHttpConnection } from '../store/engines/clickhouse/http-connection.js';
import { chdbTestDir, freshDatabase } from './clickhouse.js';
import { paramValue, placeholderTypes } from './clickhouse-param-text.js';

export interface ClickHouseHttpEndpointOptions {
  /** The one user it accepts (default `default`). */
  user?: string;
  /** Its password (default empty). */
  password?: string;
  /** The chdb data directory (default the process's test directory: chdb allows one per process). */
  dataDir?: string;
}

/** What a request carried and how it was answered, for tests that check what the client sent. */
export interface SeenRequest {
  method: string;
  path: string;
  /** The settings the URL (or form) carried, names to values. */
  settings: Record<string, string>;
  /** Names of the query parameters (`param_` left off). */
  params: string[];
  /** The query's first 200 characters (an INSERT's rows left off). */
  query: string;
  /** How the credentials came: `basic` (Authorization), `headers` (X-ClickHouse-*), `params`, `none`. */
  auth: 'basic' | 'headers' | 'params' | 'none';
  contentType?: string;
  contentEncoding?: string;
  acceptEncoding?: string;
  /** How the response body was compressed, if it was. */
  responseEncoding?: string;
  status: number;
}

export interface ClickHouseHttpEndpoint {
  /** `http://127.0.0.1:<port>` */
  url: string;
  user: string;
  password: string;
  readonly requests: readonly SeenRequest[];
  close(): Promise<void>;
}

/**
 * Settings each request starts from, before the URL's own: values a server may run with (its defaults,
 * or a common profile) that differ from what our connection pins, so a pinned setting the client fails
 * to send changes what the contract tests see.
 */
const SERVER_SETTINGS = {
  async_insert: 1,
  join_use_nulls: 0,
  output_format_json_quote_64bit_integers: 1,
  date_time_input_format: 'basic',
  mutations_sync: 0,
};

// URL parameters the interface reads itself rather than as settings.
const RESERVED = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'user',
  'password',
  'quota_key',
  'compress',
  'decompress',
  'stacktrace',
  'buffer_size',
  'wait_end_of_query',
  'session_id',
  'session_timeout',
  'session_check',
  'client_protocol_version',
  'close_session',
  'role',
]);

// The HTTP status a server answers an exception with, by the exception's name (any other: 500).
const STATUS_BY_NAME: Record<string, number> = {
  REQUIRED_PASSWORD: 401,
  ...Object.fromEntries(
    [
      'UNKNOWN_USER',
      'WRONG_PASSWORD',
      'AUTHENTICATION_FAILED',
      'SET_NON_GRANTED_ROLE',
      'ACCESS_DENIED',
    ].map((n) => [n, 403]),
  ),
  ...Object.fromEntries(
    [
      'BAD_ARGUMENTS',
      'CANNOT_COMPILE_REGEXP',
      'CANNOT_PARSE_TEXT',
      'CANNOT_PARSE_ESCAPE_SEQUENCE',
      'CANNOT_PARSE_QUOTED_STRING',
      'CANNOT_PARSE_DATE',
      'CANNOT_PARSE_DATETIME',
      'CANNOT_PARSE_NUMBER',
      'CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING',
      'CANNOT_PARSE_IPV4',
      'CANNOT_PARSE_IPV6',
      'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
      'CANNOT_PARSE_UUID',
      'DUPLICATE_COLUMN',
      'ILLEGAL_COLUMN',
      'UNKNOWN_ELEMENT_IN_AST',
      'UNKNOWN_TYPE_OF_AST_NODE',
      'THERE_IS_NO_COLUMN',
      'TOO_DEEP_AST',
      'TOO_BIG_AST',
      'UNEXPECTED_AST_STRUCTURE',
      'SYNTAX_ERROR',
      'INCORRECT_DATA',
      'TYPE_MISMATCH',
      'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE',
    ].map((n) => [n, 400]),
  ),
  ...Object.fromEntries(
    [
      'UNKNOWN_TABLE',
      'UNKNOWN_FUNCTION',
      'UNKNOWN_IDENTIFIER',
      'UNKNOWN_TYPE',
      'UNKNOWN_STORAGE',
      'UNKNOWN_DATABASE',
      'UNKNOWN_SETTING',
      'UNKNOWN_DIRECTION_OF_SORTING',
      'UNKNOWN_AGGREGATE_FUNCTION',
      'UNKNOWN_FORMAT',
      'UNKNOWN_DATABASE_ENGINE',
      'UNKNOWN_TYPE_OF_QUERY',
      'UNKNOWN_ROLE',
    ].map((n) => [n, 404]),
  ),
  QUERY_IS_TOO_LARGE: 413,
  NOT_IMPLEMENTED: 501,
  SOCKET_TIMEOUT: 503,
  CANNOT_OPEN_FILE: 503,
  CANNOT_SCHEDULE_TASK: 503,
  HTTP_LENGTH_REQUIRED: 411,
  TIMEOUT_EXCEEDED: 408,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

/** An exception of the interface itself (before the engine runs anything). */
class Refusal extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
  ) {
    super(`Code: ${code}. DB::Exception: ${message}. (${codeName})`);
  }
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);

/** Starts the endpoint on a free loopback port. */
export async function startClickHouseHttpEndpoint(
  options: ClickHouseHttpEndpointOptions = {},
): Promise<ClickHouseHttpEndpoint> {
  const user = options.user ?? 'default';
  const password = options.password ?? '';
  const dataDir = options.dataDir ?? chdbTestDir();
  // holds the process's chdb engine open on this directory for the endpoint's life (and makes
  // openChdbConnection refuse another directory, as chdb would)
  const holder = await openChdbConnection(dataDir);
  const facts = await holder.query<{ tz: string; v: string }>(
    'SELECT timezone() AS tz, version() AS v',
  );
  const { tz: timezone, v: version } = facts[0]!;
  const serverArgs = Object.entries(SERVER_SETTINGS).map(([k, v]) => `--${k}=${v}`);
  const requests: SeenRequest[] = [];

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://endpoint');
    const method = req.method ?? 'GET';
    const seen: SeenRequest = {
      method,
      path: url.pathname,
      settings: {},
      params: [],
      query: '',
      status: 200,
      auth: authWay(req, url),
      ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
      ...(req.headers['content-encoding']
        ? { contentEncoding: req.headers['content-encoding'] }
        : {}),
      ...(req.headers['accept-encoding']
        ? { acceptEncoding: String(req.headers['accept-encoding']) }
        : {}),
    };
    requests.push(seen);
    res.setHeader('X-ClickHouse-Server-Display-Name', 'closedloop-test-endpoint');
    let compress: string | undefined;
    let started = false;
    try {
      const body = await decodeBody(req);
      if (url.pathname === '/ping' || (url.pathname === '/' && isBareGet(method, url))) {
        plain(res, 200, method === 'HEAD' ? '' : 'Ok.\n');
        return;
      }
      if (url.pathname !== '/') {
        seen.status = 404;
        plain(res, 404, `There is no handle ${url.pathname}\n`);
        return;
      }
      const form = formOf(url, req, body);
      authenticate(req, form, user, password);
      started = true;

      const settings: Record<string, string> = {};
      const params: Record<string, string> = {};
      for (const [key, value] of form.fields) {
        if (key.startsWith('param_')) params[key.slice('param_'.length)] ??= value;
        else if (!RESERVED.has(key) && key !== '') settings[key] = value;
      }
      seen.settings = settings;
      seen.params = Object.keys(params);
      if (form.get('session_id') !== undefined)
        throw new Refusal(48, 'NOT_IMPLEMENTED', 'The test endpoint keeps no HTTP sessions');
      if (isTrue(form.get('compress')) || isTrue(form.get('decompress')))
        throw new Refusal(48, 'NOT_IMPLEMENTED', 'The test endpoint has no native compression');
      compress = isTrue(settings['enable_http_compression'])
        ? chooseEncoding(String(req.headers['accept-encoding'] ?? ''))
        : undefined;

      const query = form.query;
      seen.query = query.slice(0, 200);
      if (query.trim() === '') throw new Refusal(62, 'SYNTAX_ERROR', 'Empty query');
      const queryId = form.get('query_id') || randomUUID();
      const format = outputFormat(
        query,
        form.get('default_format') || header(req, 'x-clickhouse-format') || 'TabSeparated',
      );
      res.setHeader('X-ClickHouse-Query-Id', queryId);

      const session = new Session(dataDir, { connectionArgs: serverArgs });
      try {
        // a server makes every non-POST request readonly before it applies the request's settings
        if (method !== 'POST') await session.queryAsync('SET readonly = 2');
        const changes = Object.entries(settings).map(([k, v]) => `${identifier(k)} = ${quote(v)}`);
        if (changes.length > 0) await session.queryAsync(`SET ${changes.join(', ')}`);
        const database = form.get('database') || req.headers['x-clickhouse-database'];
        if (typeof database === 'string' && database !== '')
          await session.queryAsync(`USE ${backquote(database)}`);
        const types = placeholderTypes(query);
        const values = Object.fromEntries(
          Object.entries(params).map(([k, v]) => [k, paramValue(v, types.get(k))]),
        );
        const result =
          Object.keys(values).length > 0
            ? await session.queryBindAsync(query, values, { format })
            : await session.queryAsync(query, { format });
        const out = Buffer.from(result.bytes());
        res.setHeader('X-ClickHouse-Format', format);
        res.setHeader('X-ClickHouse-Timezone', timezone);
        res.setHeader(
          'X-ClickHouse-Summary',
          JSON.stringify({
            read_rows: String(result.rowsRead),
            read_bytes: String(result.bytesRead),
            result_bytes: String(out.length),
            elapsed_ns: String(Math.round(result.elapsed * 1e9)),
          }),
        );
        res.setHeader('Content-Type', contentType(format));
        seen.responseEncoding = compress;
        send(res, 200, method === 'HEAD' ? Buffer.alloc(0) : out, compress);
      } finally {
        session.close();
      }
    } catch (e) {
      const error = e instanceof Refusal ? e : parseClickHouseError(messageOf(e));
      const code = error instanceof Refusal ? error.code : (error.code ?? 1001);
      const name = error instanceof Refusal ? error.codeName : (error.codeName ?? 'STD_EXCEPTION');
      seen.status = STATUS_BY_NAME[name] ?? 500;
      res.setHeader('X-ClickHouse-Exception-Code', String(code));
      res.setHeader('Content-Type', 'text/plain; charset=UTF-8');
      // an error found before the output was set up (credentials) is never compressed
      const encoding = started ? compress : undefined;
      seen.responseEncoding = encoding;
      send(res, seen.status, Buffer.from(`${error.message} (version ${version})\n`), encoding);
    }
  };

  // a server takes URLs up to 1 MiB (http_max_uri_size); Node's default header limit is 16 KiB
  const server = http.createServer({ maxHeaderSize: 1 << 20 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) plain(res, 500, `${messageOf(e)}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    user,
    password,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await holder.close();
    },
  };
}

interface Form {
  fields: [string, string][];
  get(name: string): string | undefined;
  /** The whole query: the `query` field, then (unless multipart) a line break and the body. */
  query: string;
}

/** The URL's parameters, and a multipart body's fields; the query as a server assembles it. */
function formOf(url: URL, req: http.IncomingMessage, body: Buffer): Form {
  const fields: [string, string][] = [...url.searchParams];
  const type = String(req.headers['content-type'] ?? '');
  let query: string;
  if (type.toLowerCase().startsWith('multipart/form-data')) {
    fields.push(...multipartFields(type, body));
    query = fields
      .filter(([k]) => k === 'query')
      .map(([, v]) => v)
      .join('');
  } else {
    const param = url.searchParams.get('query') ?? '';
    query = (param === '' ? '' : `${param}\n`) + body.toString('utf8');
  }
  return {
    fields,
    get: (name) => fields.find(([k]) => k === name)?.[1],
    query,
  };
}

/** The fields of a multipart/form-data body (files, i.e. external tables, refused). */
function multipartFields(contentType: string, body: Buffer): [string, string][] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new Refusal(36, 'BAD_ARGUMENTS', 'A multipart body without a boundary');
  const text = body.toString('utf8');
  const out: [string, string][] = [];
  for (const part of text.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split);
    if (/filename=/i.test(head))
      throw new Refusal(48, 'NOT_IMPLEMENTED', 'The test endpoint takes no external tables');
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) continue;
    out.push([name, part.slice(split + 4).replace(/\r\n$/, '')]);
  }
  return out;
}

/** Checks the request's credentials, taken the one way it gives them. */
function authenticate(req: http.IncomingMessage, form: Form, user: string, password: string): void {
  const headerUser = header(req, 'x-clickhouse-user');
  const headerKey = header(req, 'x-clickhouse-key');
  const authorization = header(req, 'authorization');
  const inParams = form.get('user') !== undefined || form.get('password') !== undefined;
  const ways = [
    headerUser !== '' || headerKey !== '' ? 'X-ClickHouse HTTP headers' : '',
    authorization !== '' ? 'Authorization HTTP header' : '',
    inParams ? 'authentication via parameters' : '',
  ].filter((w) => w !== '');
  if (ways.length > 1)
    throw new Refusal(
      516,
      'AUTHENTICATION_FAILED',
      `Invalid authentication: it is not allowed to use ${ways[0]} and ${ways[1]} simultaneously`,
    );
  let given = { user: form.get('user') ?? 'default', password: form.get('password') ?? '' };
  if (ways[0] === 'X-ClickHouse HTTP headers') given = { user: headerUser, password: headerKey };
  if (ways[0] === 'Authorization HTTP header') {
    const [scheme, info = ''] = authorization.split(/\s+/, 2);
    if (scheme?.toLowerCase() !== 'basic')
      throw new Refusal(
        516,
        'AUTHENTICATION_FAILED',
        `Invalid authentication: '${scheme}' HTTP Authorization scheme is not supported`,
      );
    const decoded = Buffer.from(info, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    given =
      colon < 0
        ? { user: decoded, password: '' }
        : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (given.user === '')
    throw new Refusal(516, 'AUTHENTICATION_FAILED', `Got an empty user name from ${ways[0]}`);
  if (given.user !== user || given.password !== password)
    throw new Refusal(
      516,
      'AUTHENTICATION_FAILED',
      `${given.user}: Authentication failed: wrong password, or no user of that name`,
    );
}

// for the request log; multipart fields are not looked at (the client sends credentials in headers)
function authWay(req: http.IncomingMessage, url: URL): SeenRequest['auth'] {
  if (header(req, 'authorization') !== '') return 'basic';
  if (header(req, 'x-clickhouse-user') !== '' || header(req, 'x-clickhouse-key') !== '')
    return 'headers';
  if (url.searchParams.has('user') || url.searchParams.has('password')) return 'params';
  return 'none';
}

async function decodeBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const encoding = header(req, 'content-encoding').toLowerCase();
  if (encoding === '' || encoding === 'identity') return raw;
  if (encoding === 'gzip') return gunzip(raw);
  if (encoding === 'deflate') return inflate(raw);
  if (encoding === 'br') return brotli(raw);
  throw new Refusal(
    48,
    'NOT_IMPLEMENTED',
    `The test endpoint decodes gzip, deflate and br bodies, not ${encoding}`,
  );
}

function chooseEncoding(accept: string): string | undefined {
  const offered = accept
    .toLowerCase()
    .split(',')
    .map((s) => s.split(';')[0]!.trim());
  return ['gzip', 'deflate', 'br'].find((e) => offered.includes(e));
}

function send(res: http.ServerResponse, status: number, body: Buffer, encoding?: string): void {
  let out = body;
  if (encoding === 'gzip') out = zlib.gzipSync(body, { level: 3 });
  else if (encoding === 'deflate') out = zlib.deflateSync(body, { level: 3 });
  else if (encoding === 'br') out = zlib.brotliCompressSync(body);
  if (encoding) res.setHeader('Content-Encoding', encoding);
  res.writeHead(status);
  res.end(out);
}

function plain(res: http.ServerResponse, status: number, text: string): void {
  res.setHeader('Content-Type', 'text/plain; charset=UTF-8');
  send(res, status, Buffer.from(text));
}

/** The output format: the query's own trailing FORMAT clause (not an INSERT's input one), else the default. */
function outputFormat(query: string, fallback: string): string {
  if (/^\s*INSERT\b/i.test(query)) return fallback;
  return /\bFORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$/i.exec(query)?.[1] ?? fallback;
}

function contentType(format: string): string {
  if (/^JSON/i.test(format)) return 'application/json; charset=UTF-8';
  if (/^(TabSeparated|TSV)/i.test(format)) return 'text/tab-separated-values; charset=UTF-8';
  if (/^CSV/i.test(format)) return 'text/csv; charset=UTF-8; header=absent';
  return 'text/plain; charset=UTF-8';
}

function isBareGet(method: string, url: URL): boolean {
  return (method === 'GET' || method === 'HEAD') && !url.searchParams.has('query');
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true'].includes(value.toLowerCase());
}

function header(req: http.IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// A setting name goes into a SET statement: only plain names, so the URL cannot add SQL.
function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new Refusal(115, 'UNKNOWN_SETTING', `Unknown setting '${name}'`);
  return name;
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function backquote(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

/**
 * An HTTP connection through the real client to an endpoint of its own (closed with it), on a database
 * of the test's own: the `http` twin of openTestChdb. The connection names the database, so the
 * `database` parameter is exercised on every request.
 */
export async function openTestHttp(): Promise<{
  conn: ClickHouseConnection;
  database: string;
  endpoint: ClickHouseHttpEndpoint;
  close(): Promise<void>;
}> {
  const endpoint = await startClickHouseHttpEndpoint({
    user: 'closedloop',
    password: `pw-${randomUUID()}`,
  });
  const credentials = { username: endpoint.user, password: endpoint.password };
  const database = freshDatabase();
  try {
    const setup = await openHttpConnection(endpoint.url, credentials);
    await setup.command(`CREATE DATABASE ${database}`);
    await setup.close();
    const conn = await openHttpConnection(endpoint.url, { ...credentials, database });
    return {
      conn,
      database,
      endpoint,
      async close() {
        try {
          await conn.command(`DROP DATABASE IF EXISTS ${database}`);
          await conn.close();
        } finally {
          await endpoint.close();
        }
      },
    };
  } catch (e) {
    await endpoint.close();
    throw e;
  }
}
