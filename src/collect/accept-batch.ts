// The acceptance rule of docs/ingestion.md applied to one request's events, in one synchronous pass per
// event: envelope and strings (envelope.ts, sanitise.ts), fields (event-rules.ts), time (event-time.ts),
// enrichment, URL redaction, canonical values and the journal line. What it returns as lines is exactly
// what the loader will store; everything else is refused here, by position, before any ack.
import { canonicalEvent } from './canonical-event.js';
import { enrichLive, type LiveEnrichment } from './enrich.js';
import { prepareBatch, type BatchBody, type PreparedEvent } from './envelope.js';
import { checkEvent } from '../rules/event-rules.js';
import { dateMicros, eventTime } from '../rules/event-time.js';
import { formatIsoMillis } from '../rules/iso-time.js';
import { journalLine, metaMembers, type LineMeta } from './journal-line.js';
import { MAX_EVENT_BYTES } from './limits.js';
import { redactEvent } from './redact-event.js';
import type { CompiledRedaction } from './redaction-rules.js';

export interface Rejected {
  /** 0-based position in the request. */
  index: number;
  field: string;
  reason: string;
}

export interface AcceptOptions {
  /** The single-event routes force the type their path names. */
  forcedType?: string;
  /** The server's receive time. */
  receivedAt: Date;
  meta: Omit<LineMeta, 'receivedAt'>;
  request: { ip?: string; userAgent?: string; acceptLanguage?: string; clientSide: boolean };
  enrichment: LiveEnrichment;
  redaction: CompiledRedaction;
}

export interface Accepted {
  /** Journal lines, in request order (a campaign link's identify after its page event). */
  lines: string[];
  /** The client's own events among the lines (the identifies the server adds are not counted). */
  accepted: number;
  /** Events whose messageId repeats an earlier one of the request: stored once. */
  duplicates: number;
  /** Refused events, by position. */
  rejected: Rejected[];
  /** The anonymous and user ids the lines carry, as the store reads them (repeats allowed). */
  anonymousIds: string[];
  userIds: string[];
}

export function acceptBatch(body: BatchBody, o: AcceptOptions): Accepted {
  const { events, rejected: envelope } = prepareBatch(body, o.forcedType);
  const rejected: Rejected[] = envelope.map((r) => ({
    index: r.position - 1,
    field: r.field,
    reason: r.reason,
  }));
  const now = dateMicros(o.receivedAt);
  const { workspaceId, origin, batchId } = o.meta;
  const receivedAt = formatIsoMillis(o.receivedAt.getTime());
  const members = metaMembers({ workspaceId, receivedAt, origin, batchId });
  const lines: string[] = [];
  const anonymousIds: string[] = [];
  const userIds: string[] = [];
  // (both made at their first use: most requests carry one event, or no repeat)
  let firstId: string | undefined;
  let messageIds: Set<string> | undefined;
  let duplicates = 0;
  // events the server adds (a campaign link's identify) are journalled but not counted as the client's
  let added: Set<PreparedEvent> | undefined;
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
    const redacted = redactEvent(enrichLive(received, o.request, o.enrichment), o.redaction);
    if (redacted.identify) {
      const extra = { position, event: redacted.identify };
      (added ??= new Set()).add(extra);
      events.push(extra);
    }
    const { event: canonical, messageId } = canonicalEvent(redacted.event, time);
    const { line, eventJson } = journalLine(canonical, members, time.ts);
    // UTF-8 bytes are at most 3 per UTF-16 unit, so the exact count is needed only near the limit
    if (eventJson.length * 3 > MAX_EVENT_BYTES && Buffer.byteLength(eventJson) > MAX_EVENT_BYTES) {
      rejected.push({
        index: i,
        field: `batch[${i}]`,
        reason: `is larger than ${MAX_EVENT_BYTES / 1024} KB`,
      });
      continue;
    }
    // a messageId names one event: a repeat inside the request is stored once and counted apart
    if (firstId === undefined) firstId = messageId;
    else {
      messageIds ??= new Set([firstId]);
      if (messageIds.has(messageId)) {
        duplicates++;
        continue;
      }
      messageIds.add(messageId);
    }
    if (added?.has(item)) addedLines++;
    lines.push(line);
    // (canonicalEvent made them text; the store reads an empty one as none)
    const { anonymousId, userId } = canonical;
    if (typeof anonymousId === 'string' && anonymousId !== '') anonymousIds.push(anonymousId);
    if (typeof userId === 'string' && userId !== '') userIds.push(userId);
  }
  rejected.sort((a, b) => a.index - b.index);
  return {
    lines,
    accepted: lines.length - addedLines,
    duplicates,
    rejected,
    anonymousIds,
    userIds,
  };
}
