import type { FastifyBodyParser, FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';
import { jsonSyntaxError } from './json-syntax.js';

/**
 * A body parser for JSON: Fastify's own (which refuses `__proto__` and `constructor.prototype` keys),
 * with a 400 that says where the body stops being JSON (line, column, character) instead of echoing it.
 */
export function jsonBodyParser(app: FastifyInstance): FastifyBodyParser<string> {
  // the callback form of Fastify's parser (its type is a union of the callback and the promise forms)
  const parse = app.getDefaultJsonParser('error', 'error') as (
    req: FastifyRequest,
    body: string,
    done: (err: Error | null, value?: unknown) => void,
  ) => void;
  return (req, body, done) => {
    parse(req, body, (err, value) => {
      if (!err) return done(null, value);
      if (body.trim() === '')
        return done(
          new ApiError(400, 'invalid_json', 'body is empty; a JSON value is required', 'body'),
          undefined,
        );
      const at = jsonSyntaxError(body);
      const message = at
        ? `body is not valid JSON at line ${at.line}, column ${at.column} (character ${at.position}): ${at.reason}`
        : `body is not valid JSON: ${err.message}`; // valid syntax refused for a forbidden key (__proto__)
      done(new ApiError(400, 'invalid_json', message, 'body'), undefined);
    });
  };
}

/** Replaces the application/json parser of `app` (and the scopes under it) with jsonBodyParser. */
export function installJsonBody(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser(app));
}
