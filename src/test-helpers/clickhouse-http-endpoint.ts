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
//   - an INSERT reading its data with input('structure') and a FORMAT clause: the body is written to a
//     temporary file the query reads with file() instead (chdb takes no inline data for input());
//   - `/ping` and a bare `GET /` answer "Ok.";
//   - headers X-ClickHouse-Query-Id, -Format, -Timezone, -Summary, -Server-Display-Name; on an error
//     X-ClickHouse-Exception-Code, the exception text and the server's HTTP status for that code.
// Reading a request is clickhouse-http-request.ts; parameter texts are clickhouse-param-text.ts. Each
// request runs on a chdb connection of its own, opened with the settings below, so settings and the
// current database never leak from one request to the next.
//
// What it does NOT prove: anything about replication, sharding, Keeper or a Distributed table (there is
// one engine, in this process); network faults (loss, latency, resets mid-body, TLS), since the bytes go
// over loopback; a server's own HTTP behaviour beyond these requests: sessions (session_id), the native
// compression (compress/decompress), external tables, progress headers, results streamed while the
// query runs (the whole result is buffered, so an error never arrives after a 200), keep-alive and
// request-size limits, users, roles, quotas and grants (one user, allowed everything). The Summary
// carries what chdb measures (rows and bytes read, result bytes, time); written rows are not measured.
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
import {
  authenticate,
  authWay,
  header,
  isTrue,
  readForm,
  Refusal,
  type AuthWay,
} from './clickhouse-http-request.js';

export interface ClickHouseHttpEndpointOptions {
  /** The one user it accepts (default `default`). */
  user?: string;
  /** Its password (default empty). */
  password?: string;
  /** The chdb data directory (default the process's test directory: chdb allows one per process). */
  dataDir?: string;
  /**
   * True: the endpoint does not keep the process alive (neither its port nor its connections), for an
   * endpoint shared by a whole test file and closed when the process exits.
   */
  unref?: boolean;
  /**
   * The version this endpoint says it runs (`version()` in a query answers it), to play an older or newer
   * server than chdb's own. Default chdb's.
   */
  version?: string;
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
  /** How the credentials came. */
  auth: AuthWay;
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
  const timezone = facts[0]!.tz;
  const version = options.version ?? facts[0]!.v;
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
    // set once the credentials pass: an error found before that is never compressed (as a server's)
    let compress: string | undefined;
    let inputFile: string | undefined;
    try {
      const form = await readForm(req, url);
      if (url.pathname === '/ping' || (url.pathname === '/' && isBareGet(method, url))) {
        plain(res, 200, method === 'HEAD' ? '' : 'Ok.\n');
        return;
      }
      if (url.pathname !== '/') {
        seen.status = 404;
        plain(res, 404, `There is no handle ${url.pathname}\n`);
        return;
      }
      authenticate(req, form, user, password);
      const { settings, params } = form;
      seen.settings = settings;
      seen.params = Object.keys(params);
      if (form.get('session_id') !== undefined)
        throw new Refusal(48, 'NOT_IMPLEMENTED', 'The test endpoint keeps no HTTP sessions');
      if (isTrue(form.get('compress')) || isTrue(form.get('decompress')))
        throw new Refusal(48, 'NOT_IMPLEMENTED', 'The test endpoint has no native compression');
      compress = isTrue(settings['enable_http_compression'])
        ? chooseEncoding(String(req.headers['accept-encoding'] ?? ''))
        : undefined;

      // an INSERT reading its data with input(): chdb takes no inline data there, so the body becomes a
      // file the query reads instead (as a server streams it into input())
      const fromInput = form.parts && readsInput(form.parts.query) ? form.parts : undefined;
      if (fromInput) {
        inputFile = join(tmpdir(), `closedloop-input-${randomUUID()}`);
        writeFileSync(inputFile, fromInput.body);
      }
      const asked = fromInput ? inputAsFile(fromInput.query, inputFile!) : form.query;
      const query =
        options.version === undefined
          ? asked
          : asked.replace(/\bversion\(\)/g, `'${options.version.replace(/'/g, '')}'`);
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
      seen.responseEncoding = compress;
      send(res, seen.status, Buffer.from(`${error.message} (version ${version})\n`), compress);
    } finally {
      if (inputFile) rmSync(inputFile, { force: true });
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
  if (options.unref) {
    server.unref();
    server.on('connection', (socket) => socket.unref());
  }
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

const INPUT = /\binput\s*\(\s*('(?:[^'\\]|\\.)*')\s*\)/i;
const TRAILING_FORMAT = /\s+FORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$/i;

/** Whether a query is an INSERT whose data it reads with input('structure') ... FORMAT F. */
function readsInput(query: string): boolean {
  return /^\s*INSERT\b/i.test(query) && INPUT.test(query) && TRAILING_FORMAT.test(query);
}

/** The query reading the data from `path` with file(path, F, 'structure') instead, its FORMAT clause gone. */
function inputAsFile(query: string, path: string): string {
  const format = TRAILING_FORMAT.exec(query)![1]!;
  return query
    .replace(TRAILING_FORMAT, '')
    .replace(
      INPUT,
      (_m, structure: string) => `file(${quote(path)}, ${quote(format)}, ${structure})`,
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
