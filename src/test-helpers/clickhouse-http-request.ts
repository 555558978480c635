// How the test endpoint (clickhouse-http-endpoint.ts) reads a request as ClickHouse's HTTP interface
// does: the body (decompressed by its Content-Encoding), the URL's parameters and a multipart body's
// fields, the query assembled from them, which fields are settings and which query parameters, and the
// credentials, given one way only.
import type http from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/** An exception of the interface itself (before the engine runs anything). */
export class Refusal extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
  ) {
    super(`Code: ${code}. DB::Exception: ${message}. (${codeName})`);
  }
}

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

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);

/** A request's fields and the query they make. */
export interface Form {
  /** The URL's parameters, then a multipart body's fields, in order. */
  fields: [string, string][];
  get(name: string): string | undefined;
  /** The whole query: the `query` field, then (unless multipart) a line break and the body. */
  query: string;
  /** The `query` URL parameter and the body apart (not multipart), for a query that reads its data with input(). */
  parts?: { query: string; body: Buffer };
  /** Fields that are settings: every one neither reserved by the interface nor `param_*`. */
  settings: Record<string, string>;
  /** `param_<name>` fields by name (the first of a name wins). */
  params: Record<string, string>;
}

/** Reads a request's body and fields; the query as a server assembles it. */
export async function readForm(req: http.IncomingMessage, url: URL): Promise<Form> {
  const body = await decodeBody(req);
  const fields: [string, string][] = [...url.searchParams];
  const type = header(req, 'content-type');
  let query: string;
  let parts: Form['parts'];
  if (type.toLowerCase().startsWith('multipart/form-data')) {
    fields.push(...multipartFields(type, body));
    query = fields
      .filter(([k]) => k === 'query')
      .map(([, v]) => v)
      .join('');
  } else {
    const param = url.searchParams.get('query') ?? '';
    query = (param === '' ? '' : `${param}\n`) + body.toString('utf8');
    parts = { query: param, body };
  }
  const settings: Record<string, string> = {};
  const params: Record<string, string> = {};
  for (const [key, value] of fields) {
    if (key.startsWith('param_')) params[key.slice('param_'.length)] ??= value;
    else if (!RESERVED.has(key) && key !== '') settings[key] = value;
  }
  return {
    fields,
    get: (name) => fields.find(([k]) => k === name)?.[1],
    query,
    ...(parts ? { parts } : {}),
    settings,
    params,
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
export function authenticate(
  req: http.IncomingMessage,
  form: Form,
  user: string,
  password: string,
): void {
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

/** How a request gives its credentials: `basic` (Authorization), `headers` (X-ClickHouse-*), `params`. */
export type AuthWay = 'basic' | 'headers' | 'params' | 'none';

// for the endpoint's request log: multipart fields are not looked at (the client sends credentials in
// a header)
export function authWay(req: http.IncomingMessage, url: URL): AuthWay {
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

export function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true'].includes(value.toLowerCase());
}

export function header(req: http.IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}
