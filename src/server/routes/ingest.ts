import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BatchBody, firstIssue, prepareBatch, SingleEventBody, type EnvelopeRejection } from '../../collect/envelope.js';
import { randomUUID } from 'node:crypto';
import { checkEvent } from '../../rules/event-rules.js';
import { canonicalEvent } from '../../collect/canonical-event.js';
import { dateMicros, eventTime } from '../../rules/event-time.js';
import { enrichLive, type LiveEnrichment } from '../../collect/enrich.js';
import { MAX_BATCH_BYTES, MAX_EVENT_BYTES } from '../../collect/limits.js';
import type { RateLimiter } from '../../collect/rate-limit.js';
import { writeKeyFrom, type WriteKeyCache } from '../../collect/write-keys.js';
import type { EventJournal } from '../../store/journal.js';
import type { EventOrigin } from '../../store/types.js';
import type { RedactionRulesCache } from '../../model/redaction-settings.js';
import { access } from '../access.js';
import { ApiError } from '../errors.js';
import { allowAnyOrigin, preflightHeaders } from '../cors.js';
import { jsonBodyParser } from '../json-body.js';
import { sdkSettingsRoutes } from './sdk-settings.js';

export interface IngestDeps {
  journal: EventJournal;
  enrichment: LiveEnrichment;
  keys: WriteKeyCache;
  limiter: RateLimiter;
  redaction: RedactionRulesCache;
}

const SINGLE_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
// path → event type: the Segment names, then analytics.js's one-letter paths
const SINGLE_PATHS: [string, (typeof SINGLE_TYPES)[number]][] = [...SINGLE_TYPES.map((t) => [t, t] as [string, (typeof SINGLE_TYPES)[number]]), ...SINGLE_TYPES.map((t) => [t[0]!, t] as [string, (typeof SINGLE_TYPES)[number]])];

interface Rejected {
  index: number;
  field: string;
  reason: string;
}

/**
 * Segment-compatible ingestion (`/v1/*`, for Segment and RudderStack SDKs pointed at our host) and the
 * snippet's `/collect`. A 2xx is sent only after the events are durable (synced to the journal).
 */
export function ingestRoutes(app: FastifyInstance, deps: IngestDeps): void {
  const cors = (reply: FastifyReply) => allowAnyOrigin(reply);

  async function ingest(req: FastifyRequest, reply: FastifyReply, body: BatchBody, origin: EventOrigin, single: boolean) {
    cors(reply);
    const writeKey = writeKeyFrom(req.headers.authorization, body);
    if (!writeKey) throw new ApiError(401, 'unauthorized', 'a write key is required (Basic auth user name, or writeKey in the body)', 'writeKey');
    const ws = await deps.keys.resolve(writeKey);
    if (!ws) throw new ApiError(401, 'unauthorized', 'unknown write key', 'writeKey');
    const wait = deps.limiter.take(writeKey);
    if (wait > 0) {
      reply.header('Retry-After', String(wait));
      throw new ApiError(429, 'rate_limited', `too many requests for this write key; retry after ${wait} s`);
    }
    const { events, rejected: envelopeRejected } = prepareBatch(body, single ? (body.batch[0] as { type?: string }).type : undefined);
    const rejected: Rejected[] = envelopeRejected.map((r: EnvelopeRejection) => ({ index: r.position - 1, field: r.field, reason: r.reason }));
    const lines: string[] = [];
    const receivedAt = new Date();
    const now = dateMicros(receivedAt);
    const meta = { _ws: ws.id, _recv: receivedAt.toISOString(), _origin: origin, _batch: `${origin}-${randomUUID()}` };
    const metaBytes = JSON.stringify(meta).length + ',"_ts":"0000-00-00T00:00:00.000000Z"'.length; // ASCII only
    const request = { ip: req.ip, userAgent: req.headers['user-agent'], acceptLanguage: req.headers['accept-language'], clientSide: origin === 'collect' };
    const messageIds = new Set<string>();
    let duplicates = 0;
    // Every check happens here, before the ack: what is journalled is exactly what the loader stores.
    // events the server adds (a campaign link's identify) are journalled but not counted as the client's
    const added = new Set<(typeof events)[number]>();
    let addedLines = 0;
    for (const item of events) {
      const { position, event: received } = item;
      const i = position - 1;
      const bad = checkEvent(received);
      if (bad) {
        rejected.push({ index: i, field: `batch[${i}].${bad.field}`, reason: bad.reason });
        continue;
      }
      const time = eventTime(received, now, true);
      if (!time.ok) {
        rejected.push({ index: i, field: `batch[${i}].${time.field}`, reason: time.reason });
        continue;
      }
      // URLs redacted before anything is written; a campaign link's identify joins the batch (docs/redaction.md)
      const event = await deps.redaction.apply(ws.id, enrichLive(received, request, deps.enrichment), (identify) => {
        const item = { position, event: identify };
        added.add(item);
        events.push(item);
      });
      const { event: canonical, messageId } = canonicalEvent(event, time);
      const line = JSON.stringify({ ...canonical, ...meta, _ts: time.ts }); // our metadata last: a client cannot set it
      // UTF-8 bytes are at most 3 per UTF-16 unit, so the exact count is needed only near the limit
      if (line.length * 3 > MAX_EVENT_BYTES && Buffer.byteLength(line) - metaBytes > MAX_EVENT_BYTES) {
        rejected.push({ index: i, field: `batch[${i}]`, reason: `is larger than ${MAX_EVENT_BYTES / 1024} KB` });
        continue;
      }
      // a messageId names one event: a repeat inside the request is stored once and counted apart
      if (messageIds.has(messageId)) {
        duplicates++;
        continue;
      }
      messageIds.add(messageId);
      if (added.has(item)) addedLines++;
      lines.push(line);
    }
    // durable before we answer: the journal syncs to disk (group commit) and loads into the store shortly
    await deps.journal.append(lines);
    rejected.sort((a, b) => a.index - b.index);
    if (single && rejected.length > 0) {
      const r = rejected[0]!;
      throw new ApiError(400, 'invalid_event', r.reason, r.field.replace(/^batch\[0\]\.?/, '') || '(body)');
    }
    if (rejected.length === body.batch.length) {
      const r = rejected[0]!;
      return reply.status(400).send({ error: { code: 'invalid_event', message: `every event was rejected; first: ${r.field}: ${r.reason}`, field: r.field }, rejected });
    }
    return reply.status(200).send({ success: true, received: body.batch.length, accepted: lines.length - addedLines, duplicates, rejected });
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
    scope.addContentTypeParser('*', { parseAs: 'string' }, jsonBodyParser(scope));
    scope.addHook('onRequest', async (_req, reply) => {
      cors(reply);
    });
    for (const path of ['/v1/*', '/collect', '/beacon/v1/batch', '/sourceConfig', '/sourceConfig/']) {
      scope.options(path, { config: access.anyone() }, async (req, reply) => preflightHeaders(req, reply).status(204).send());
    }

    // batches: Segment's /v1/batch, analytics.js's batching delivery (/v1/b), the snippet, RudderStack's
    // beacon (write key in the query string)
    for (const path of ['/v1/batch', '/v1/b']) {
      scope.post(path, { bodyLimit: MAX_BATCH_BYTES, config: writeKey }, (req, reply) => ingest(req, reply, parseBatch(req.body), 'api', false));
    }
    scope.post('/collect', { bodyLimit: MAX_BATCH_BYTES, config: writeKey }, (req, reply) => ingest(req, reply, parseBatch(req.body), 'collect', false));
    scope.post('/beacon/v1/batch', { bodyLimit: MAX_BATCH_BYTES, config: writeKey }, (req, reply) => {
      const body = parseBatch(req.body);
      const q = req.query as { writeKey?: unknown };
      if (body.writeKey === undefined && typeof q.writeKey === 'string') body.writeKey = q.writeKey;
      return ingest(req, reply, body, 'api', false);
    });

    // single events, by their Segment names and by analytics.js's short paths (/v1/t, /v1/p, ...)
    for (const [path, type] of SINGLE_PATHS) {
      scope.post(`/v1/${path}`, { bodyLimit: MAX_EVENT_BYTES, config: writeKey }, (req, reply) => {
        const r = SingleEventBody.safeParse(req.body);
        if (!r.success) throw new ApiError(400, 'invalid_body', 'must be a JSON object (one event)', '(body)');
        const { sentAt, writeKey, ...event } = r.data;
        const body: BatchBody = { batch: [{ ...event, type }], sentAt: typeof sentAt === 'string' ? sentAt : undefined, writeKey: typeof writeKey === 'string' ? writeKey : undefined };
        return ingest(req, reply, body, 'api', true);
      });
    }
    // analytics.js reports its own delivery metrics to {apiHost}/m: accepted and dropped
    scope.post('/v1/m', { bodyLimit: MAX_EVENT_BYTES, config: access.anyone() }, async (_req, reply) => reply.status(200).send({ success: true }));
    sdkSettingsRoutes(scope, deps.keys);
  });
}
