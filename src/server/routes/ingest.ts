import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BatchBody, firstIssue, prepareBatch, SingleEventBody, type EnvelopeRejection } from '../../collect/envelope.js';
import { randomUUID } from 'node:crypto';
import { checkEvent } from '../../collect/event-rules.js';
import { canonicalEvent } from '../../collect/canonical-event.js';
import { dateMicros, eventTime } from '../../collect/event-time.js';
import { enrichLive, type LiveEnrichment } from '../../collect/enrich.js';
import { MAX_BATCH_BYTES, MAX_EVENT_BYTES } from '../../collect/limits.js';
import type { RateLimiter } from '../../collect/rate-limit.js';
import { writeKeyFrom, type WriteKeyCache } from '../../collect/write-keys.js';
import type { EventJournal } from '../../store/journal.js';
import type { EventOrigin } from '../../store/types.js';
import { ApiError } from '../errors.js';

export interface IngestDeps {
  journal: EventJournal;
  enrichment: LiveEnrichment;
  keys: WriteKeyCache;
  limiter: RateLimiter;
}

const SINGLE_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;

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
  // sendBeacon and fetch(keepalive) post text/plain to avoid a CORS preflight; the body is JSON.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string) as unknown);
    } catch (err) {
      const e = err as Error & { statusCode?: number };
      e.statusCode = 400;
      done(new ApiError(400, 'invalid_json', `body is not valid JSON: ${e.message}`, 'body'), undefined);
    }
  });

  const cors = (reply: FastifyReply) =>
    reply
      .header('Access-Control-Allow-Origin', '*')
      .header('Access-Control-Allow-Headers', 'Content-Type, Authorization')
      .header('Access-Control-Allow-Methods', 'POST, OPTIONS');

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
    const request = { ip: req.ip, userAgent: req.headers['user-agent'], clientSide: origin === 'collect' };
    const messageIds = new Set<string>();
    let duplicates = 0;
    // Every check happens here, before the ack: what is journalled is exactly what the loader stores.
    for (const { position, event: received } of events) {
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
      const event = enrichLive(received, request, deps.enrichment);
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
    return reply.status(200).send({ success: true, received: body.batch.length, accepted: lines.length, duplicates, rejected });
  }

  function parseBatch(raw: unknown): BatchBody {
    const r = BatchBody.safeParse(raw);
    if (!r.success) {
      const { field, reason } = firstIssue(r.error);
      throw new ApiError(400, 'invalid_body', reason, field);
    }
    return r.data;
  }

  app.options('/v1/*', async (_req, reply) => cors(reply).status(204).send());
  app.options('/collect', async (_req, reply) => cors(reply).status(204).send());

  app.post('/v1/batch', { bodyLimit: MAX_BATCH_BYTES }, (req, reply) => ingest(req, reply, parseBatch(req.body), 'api', false));
  app.post('/collect', { bodyLimit: MAX_BATCH_BYTES }, (req, reply) => ingest(req, reply, parseBatch(req.body), 'collect', false));
  for (const type of SINGLE_TYPES) {
    app.post(`/v1/${type}`, { bodyLimit: MAX_EVENT_BYTES }, (req, reply) => {
      const r = SingleEventBody.safeParse(req.body);
      if (!r.success) throw new ApiError(400, 'invalid_body', 'must be a JSON object (one event)', '(body)');
      const { sentAt, writeKey, ...event } = r.data;
      const body: BatchBody = { batch: [{ ...event, type }], sentAt: typeof sentAt === 'string' ? sentAt : undefined, writeKey: typeof writeKey === 'string' ? writeKey : undefined };
      return ingest(req, reply, body, 'api', true);
    });
  }
}
