import { z } from 'zod';
import type { RawEvent } from '../store/types.js';
import { parseIsoMicros } from '../rules/iso-time.js';
import { MAX_BATCH_EVENTS } from './limits.js';
import { sanitiseEvent } from './sanitise.js';
import { assignRecord, copyRecord } from '../util/copy-record.js';

// Request bodies from outside. The rules for an event's own fields live with the store's
// normaliser (one place for every way events arrive); here we check the envelope around them.

const isoDate = z
  .string()
  .refine((s) => parseIsoMicros(s) !== undefined, 'is not an ISO-8601 date-time');
const jsonObject = z.record(z.string(), z.unknown());

export const SingleEventBody = jsonObject;

/**
 * SingleEventBody's verdict on a body the JSON parser made, without the copy zod returns (the single-event
 * routes copy the event once themselves): a JSON object, not an array or null. envelope.test.ts holds the
 * two to the same answers.
 */
export function isSingleEventBody(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export const BatchBody = z.object({
  batch: z
    .array(z.unknown())
    .min(1, 'must hold at least one event')
    .max(MAX_BATCH_EVENTS, `must hold at most ${MAX_BATCH_EVENTS} events`),
  sentAt: isoDate.optional(),
  writeKey: z.string().optional(),
  context: jsonObject.optional(),
  integrations: jsonObject.optional(),
});
export type BatchBody = z.infer<typeof BatchBody>;

export interface PreparedEvent {
  /** 1-based position in the request (for error reporting). */
  position: number;
  event: RawEvent;
}

export interface EnvelopeRejection {
  position: number;
  field: string;
  reason: string;
}

/** The first problem of a zod result, as a field path and a reason. */
export function firstIssue(error: z.ZodError, prefix = ''): { field: string; reason: string } {
  const issue = error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return { field: `${prefix}${path}`.replace(/^\./, '') || '(body)', reason: issue.message };
}

/**
 * Splits a batch into events ready for the store (changing its items in place): batch-level context and integrations merge into
 * each item (the item wins), sentAt is carried onto each event for clock-skew correction, strings are
 * repaired and nesting bounded (sanitise.ts), and items that are not objects or nest too deeply are
 * rejected by position. (The size limit is checked on the serialised line.)
 */
export function prepareBatch(
  body: BatchBody,
  forcedType?: string,
): { events: PreparedEvent[]; rejected: EnvelopeRejection[] } {
  const events: PreparedEvent[] = [];
  const rejected: EnvelopeRejection[] = [];
  body.batch.forEach((item, i) => {
    const position = i + 1;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      rejected.push({ position, field: `batch[${i}]`, reason: 'must be a JSON object' });
      return;
    }
    // the item itself, changed in place: the request's parsed body is ours, and a copy per event showed
    // in the garbage collector's share under load
    const e = item as RawEvent;
    if (forcedType) e.type = forcedType;
    if (body.context) e.context = merged(body.context, e.context);
    if (body.integrations) e.integrations = merged(body.integrations, e.integrations);
    if (e.sentAt === undefined && body.sentAt !== undefined) e.sentAt = body.sentAt;
    if (e.writeKey !== undefined) delete e.writeKey;
    if (e.receivedAt !== undefined) delete e.receivedAt; // the server's clock decides when an event was received
    const clean = sanitiseEvent(e, `batch[${i}]`);
    if (!clean.ok) {
      rejected.push({ position, field: clean.field, reason: clean.reason });
      return;
    }
    events.push({ position, event: clean.event });
  });
  return { events, rejected };
}

/** `{ ...batchLevel, ...item }` (the item wins), built key by key: util/copy-record.ts says why. */
function merged(batchLevel: Record<string, unknown>, item: unknown): Record<string, unknown> {
  const out = copyRecord(batchLevel);
  return isObject(item) ? assignRecord(out, item) : out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
