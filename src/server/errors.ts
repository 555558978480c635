import type { FastifyError, FastifyInstance } from 'fastify';
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

export function errorBody(code: string, message: string, field?: string): ApiErrorBody {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/** Maps thrown errors (ours, Fastify's, unexpected) to JSON `{"error": {...}}` with the right status. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError | InvalidInput | Error, req, reply) => {
    if (err instanceof ApiError) return reply.status(err.status).send(errorBody(err.code, err.message, err.field));
    if (err instanceof InvalidInput) return reply.status(400).send(errorBody('invalid_input', err.message, err.field));
    const fe = err as FastifyError;
    if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe instanceof SyntaxError) {
      return reply.status(400).send(errorBody('invalid_json', `body is not valid JSON: ${fe.message}`, 'body'));
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.status(413).send(errorBody('too_large', fe.message, 'body'));
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.status(415).send(errorBody('unsupported_media_type', fe.message));
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send(errorBody(fe.code ?? 'bad_request', fe.message));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody('internal', 'internal error'));
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send(errorBody('not_found', `no route for ${req.method} ${req.url.split('?')[0]}`)),
  );
}
