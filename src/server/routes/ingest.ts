import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  preValidationHookHandler,
} from 'fastify';
import { acceptBatch } from '../../collect/accept-batch.js';
import { newBatchId } from '../../collect/batch-id.js';
import { expandCompactBody } from '../../collect/compact-collect.js';
import { BatchBody, firstIssue, isSingleEventBody } from '../../collect/envelope.js';
import type { LiveEnrichment } from '../../collect/enrich.js';
import { MAX_BATCH_BYTES, MAX_EVENT_BYTES } from '../../collect/limits.js';
import type { RateLimiter } from '../../collect/rate-limit.js';
import type { EventJournal } from '../../store/journal.js';
import type { EventOrigin } from '../../store/types.js';
import type { RedactionRulesCache } from '../../derive/redaction-settings.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';
import { allowAnyOrigin, preflightHeaders } from '../cors.js';
import { jsonBodyParser } from '../json-body.js';
import { sdkSettingsRoutes } from './sdk-settings.js';
import { copyRecord } from '../../util/copy-record.js';

/** A single event's own keys that belong to the request: moved to the envelope. */
const ENVELOPE_KEYS: ReadonlySet<string> = new Set(['sentAt', 'writeKey']);

export interface IngestDeps {
  journal: EventJournal;
  enrichment: LiveEnrichment;
  limiter: RateLimiter;
  redaction: RedactionRulesCache;
}

const SINGLE_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
// path → event type: the Segment names, then analytics.js's one-letter paths
const SINGLE_PATHS: [string, (typeof SINGLE_TYPES)[number]][] = [
  ...SINGLE_TYPES.map((t) => [t, t] as [string, (typeof SINGLE_TYPES)[number]]),
  ...SINGLE_TYPES.map((t) => [t[0]!, t] as [string, (typeof SINGLE_TYPES)[number]]),
];

/**
 * Segment-compatible ingestion (`/v1/*`, for Segment and RudderStack SDKs pointed at our host) and the
 * snippet's `/collect`. A 2xx is sent only after the events are durable (synced to the journal).
 */
export function ingestRoutes(app: FastifyInstance, deps: IngestDeps): void {
  const cors = (reply: FastifyReply) => allowAnyOrigin(reply);

  async function ingest(
    req: FastifyRequest,
    reply: FastifyReply,
    body: BatchBody,
    origin: EventOrigin,
    single: boolean,
  ) {
    // (the CORS headers are on the reply already: the scope's onRequest hook below)
    // the route's declared write key resolved the workspace (server/access.ts)
    const ws = workspaceOf(req);
    const wait = deps.limiter.take(ws.id);
    if (wait > 0) {
      reply.header('Retry-After', String(wait));
      throw new ApiError(
        429,
        'rate_limited',
        `too many requests for this write key; retry after ${wait} s`,
      );
    }
    const rules = deps.redaction.cached(ws.id) ?? (await deps.redaction.rulesFor(ws.id));
    // Every check happens here, before the ack: what is journalled is exactly what the loader stores.
    const { lines, accepted, duplicates, rejected, anonymousIds, userIds } = acceptBatch(body, {
      forcedType: single ? (body.batch[0] as { type?: string }).type : undefined,
      receivedAt: new Date(),
      meta: { workspaceId: ws.id, origin, batchId: newBatchId(origin) },
      request: {
        // (read only for the snippet's events: enrichment takes the IP of client-side events alone)
        ip: origin === 'collect' ? req.ip : undefined,
        userAgent: req.headers['user-agent'],
        acceptLanguage: req.headers['accept-language'],
        clientSide: origin === 'collect',
      },
      enrichment: deps.enrichment,
      redaction: rules,
    });
    const received = body.batch.length;
    // the parsed body is garbage now: let it go before the wait for the disk, so that a burst of
    // requests in flight does not carry every parsed event into the old generation
    req.body = undefined;
    // durable before we answer: the journal syncs to disk (group commit) and loads into the store shortly
    await deps.journal.append(lines, { workspaceId: ws.id, anonymousIds, userIds });
    if (single && rejected.length > 0) {
      const r = rejected[0]!;
      throw new ApiError(
        400,
        'invalid_event',
        r.reason,
        r.field.replace(/^batch\[0\]\.?/, '') || '(body)',
      );
    }
    if (rejected.length === received) {
      const r = rejected[0]!;
      return reply.status(400).send({
        error: {
          code: 'invalid_event',
          message: `every event was rejected; first: ${r.field}: ${r.reason}`,
          field: r.field,
        },
        rejected,
      });
    }
    return reply.status(200).send({ success: true, received, accepted, duplicates, rejected });
  }

  function parseBatch(raw: unknown): BatchBody {
    const r = BatchBody.safeParse(raw);
    if (!r.success) {
      const { field, reason } = firstIssue(r.error);
      throw new ApiError(400, 'invalid_body', reason, field);
    }
    return r.data;
  }

  // The ingestion routes get a scope of their own: there every body is JSON whatever its Content-Type
  // (the snippet and analytics.js send text/plain to spare a preflight, RudderStack's Node SDK
  // application/x-www-form-urlencoded, curl -d the same), and every answer, errors included, carries the
  // CORS headers a browser SDK needs to read it (without them a 4xx looks like a network error and is
  // retried forever).
  void app.register(async (scope) => {
    const writeKey = access.writeKey();
    scope.removeAllContentTypeParsers();
    const json = jsonBodyParser(scope);
    scope.addContentTypeParser('*', { parseAs: 'string' }, json);
    // the same parser named for the types the SDKs send: Fastify caches a named type's parser, and looks
    // for the catch-all anew (parsing the header) on every request
    scope.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string' }, json);
    // (the callback form: one promise less per request than an async hook)
    scope.addHook('onRequest', (_req, reply, done) => {
      cors(reply);
      done();
    });
    for (const path of [
      '/v1/*',
      '/collect',
      '/beacon/v1/batch',
      '/sourceConfig',
      '/sourceConfig/',
    ]) {
      scope.options(path, { config: access.anyone() }, async (req, reply) =>
        preflightHeaders(req, reply).status(204).send(),
      );
    }

    // batches: Segment's /v1/batch, analytics.js's batching delivery (/v1/b), the snippet, RudderStack's
    // beacon (write key in the query string)
    for (const path of ['/v1/batch', '/v1/b']) {
      scope.post(path, { bodyLimit: MAX_BATCH_BYTES, config: writeKey }, (req, reply) =>
        ingest(req, reply, parseBatch(req.body), 'api', false),
      );
    }
    // the snippet's compact body is made keyed before anything reads it, the write key's check included
    // (a preHandler, which runs after this hook)
    const expandCompact: preValidationHookHandler = (req, _reply, done) => {
      const r = expandCompactBody(req.body);
      if (!r.ok) return done(new ApiError(400, 'invalid_body', r.reason, r.field));
      req.body = r.body;
      done();
    };
    scope.post(
      '/collect',
      { bodyLimit: MAX_BATCH_BYTES, config: writeKey, preValidation: expandCompact },
      (req, reply) => ingest(req, reply, parseBatch(req.body), 'collect', false),
    );
    scope.post('/beacon/v1/batch', { bodyLimit: MAX_BATCH_BYTES, config: writeKey }, (req, reply) =>
      ingest(req, reply, parseBatch(req.body), 'api', false),
    );

    // single events, by their Segment names and by analytics.js's short paths (/v1/t, /v1/p, ...)
    for (const [path, type] of SINGLE_PATHS) {
      scope.post(`/v1/${path}`, { bodyLimit: MAX_EVENT_BYTES, config: writeKey }, (req, reply) => {
        const raw = req.body;
        if (!isSingleEventBody(raw))
          throw new ApiError(400, 'invalid_body', 'must be a JSON object (one event)', '(body)');
        const { sentAt, writeKey } = raw;
        // the request's own object, copied key by key rather than spread (util/copy-record.ts says why)
        const event = copyRecord(raw, ENVELOPE_KEYS);
        event.type = type;
        const body: BatchBody = {
          batch: [event],
          sentAt: typeof sentAt === 'string' ? sentAt : undefined,
          writeKey: typeof writeKey === 'string' ? writeKey : undefined,
        };
        return ingest(req, reply, body, 'api', true);
      });
    }
    // analytics.js reports its own delivery metrics to {apiHost}/m: accepted and dropped
    scope.post(
      '/v1/m',
      { bodyLimit: MAX_EVENT_BYTES, config: access.anyone() },
      async (_req, reply) => reply.status(200).send({ success: true }),
    );
    sdkSettingsRoutes(scope);
  });
}
