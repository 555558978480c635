import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidInput } from '../workspaces/create.js';

/** The one error shape every endpoint returns. */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * A rule file's refusal (channel rules, cost mapping rules: each issue `path: reason`) as the 400 both
 * rule routes answer, naming the first issue's path.
 */
export function invalidRules(issues: readonly string[]): ApiError {
  return new ApiError(400, 'invalid_rules', issues.join('; '), issues[0]?.split(':')[0] ?? 'rules');
}

export function errorBody(code: string, message: string, field?: string): ApiErrorBody {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

// Fastify's own errors, in our words: no FST_ERR_* code reaches a client.
const FASTIFY_ERRORS: Record<
  string,
  { status: number; code: string; field?: string; message?: string }
> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'too_large', field: 'body' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    field: 'content-type',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'bad_content_length',
    field: 'content-length',
    message: 'the body size does not match Content-Length',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'invalid_json',
    field: 'body',
    message: 'body is empty; a JSON value is required',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'invalid_json',
    field: 'body',
    message: 'body is not valid JSON',
  },
  FST_ERR_VALIDATION: { status: 400, code: 'invalid_input' },
  FST_ERR_NOT_FOUND: { status: 404, code: 'not_found' },
  FST_ERR_BAD_URL: {
    status: 400,
    code: 'bad_url',
    field: 'url',
    message: 'the URL is not valid (a malformed %-escape?)',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: 'uri_too_long',
    field: 'url',
    message: 'a path segment is too long',
  },
};

// Any other client error Fastify or Node raise, by status.
const BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  411: 'length_required',
  413: 'too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
};

/** A body-size refusal that names the limit, so a client knows how much to send. */
export function tooLarge(limit: number, what = 'the request body'): ApiError {
  return new ApiError(
    413,
    'too_large',
    `${what} is larger than the limit of ${limit} bytes`,
    'body',
  );
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The error code a body that fails the route's schema gets (default `invalid_body`). */
    invalidBody?: string;
  }
}

interface SchemaIssue {
  instancePath?: string;
  message?: string;
}

// where a schema failed → our code, and the field named when the whole object failed (a refine)
const VALIDATION_CONTEXT: Record<string, { code: string; whole: string }> = {
  querystring: { code: 'invalid_query', whole: 'query' },
  params: { code: 'invalid_params', whole: 'params' },
  body: { code: 'invalid_body', whole: '(body)' },
  headers: { code: 'invalid_headers', whole: 'headers' },
};

/** A route schema's refusal (the zod issues, as fastify-type-provider-zod hands them on) in our shape. */
function validationError(
  err: { validation: SchemaIssue[]; validationContext?: string },
  invalidBody?: string,
): ApiError {
  const ctx = VALIDATION_CONTEXT[err.validationContext ?? 'body'] ?? VALIDATION_CONTEXT.body!;
  const issue = err.validation[0] ?? {};
  // `/batch/0/type` → `batch[0].type`, as firstIssue() names fields
  const field = (issue.instancePath ?? '')
    .split('/')
    .filter((p) => p !== '')
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
  const code = ctx.code === 'invalid_body' && invalidBody ? invalidBody : ctx.code;
  return new ApiError(400, code, issue.message ?? 'is not valid', field || ctx.whole);
}

/** Our status, code and message for a thrown error; undefined for a server fault (a 5xx). */
export function clientErrorOf(
  err: unknown,
  bodyLimit?: number,
  invalidBody?: string,
): ApiError | undefined {
  if (err instanceof ApiError) return err;
  const v = err as { code?: string; validation?: SchemaIssue[]; validationContext?: string };
  if (v.code === 'FST_ERR_VALIDATION' && Array.isArray(v.validation))
    return validationError(
      {
        validation: v.validation,
        ...(v.validationContext ? { validationContext: v.validationContext } : {}),
      },
      invalidBody,
    );
  if (err instanceof InvalidInput)
    return new ApiError(400, 'invalid_input', err.message, err.field);
  const fe = err as Partial<FastifyError>;
  const known = fe.code ? FASTIFY_ERRORS[fe.code] : undefined;
  if (known?.status === 413 && bodyLimit !== undefined) return tooLarge(bodyLimit);
  if (known)
    return new ApiError(
      known.status,
      known.code,
      known.message ?? String(fe.message ?? ''),
      known.field,
    );
  if (err instanceof SyntaxError)
    return new ApiError(400, 'invalid_json', `body is not valid JSON: ${err.message}`, 'body');
  const status = fe.statusCode;
  if (status && status >= 400 && status < 500) {
    return new ApiError(
      status,
      BY_STATUS[status] ?? 'bad_request',
      String(fe.message || STATUS_CODES[status] || 'bad request'),
    );
  }
  return undefined;
}

function send(reply: FastifyReply, e: ApiError) {
  // the rest of a refused body may still be on its way: close rather than read it
  if (e.status === 413) reply.header('Connection', 'close');
  return reply.status(e.status).send(errorBody(e.code, e.message, e.field));
}

/** Maps thrown errors (ours, Fastify's, unexpected) to JSON `{"error": {...}}` with the right status. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError | InvalidInput | Error, req, reply) => {
    const e = clientErrorOf(err, req.routeOptions.bodyLimit, req.routeOptions.config.invalidBody);
    if (e) return send(reply, e);
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody('internal', 'internal error'));
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send(errorBody('not_found', `no route for ${req.method} ${req.url.split('?')[0]}`)),
  );
}

/** Fastify's `frameworkErrors` option: errors raised before routing (a bad URL, a too-long parameter). */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const e = clientErrorOf(err);
  if (e) void send(reply, e);
  else {
    req.log.error({ err }, 'unhandled framework error');
    void reply.status(500).send(errorBody('internal', 'internal error'));
  }
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser rejects (malformed requests, headers too large,
 * a request or its headers not received in time), answered in our shape on the raw socket, then closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request_timeout', 'the request was not received in time']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'the request headers are too large']
        : [400, 'bad_request', 'the request is not valid HTTP'];
  if (socket.writable) {
    const body = JSON.stringify(errorBody(code, message));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
