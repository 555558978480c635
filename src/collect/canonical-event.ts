// The values the journal line carries, in the form the store's SQL reads without interpretation: the
// identifier fields as text, the type in lower case, a messageId always present, and the event time
// already decided (event-time.ts). What the API acknowledged is then exactly what the loader stores.
import { CONTENT_HASH_FIELDS } from '../rules/content-hash.js';
import { createHash } from 'node:crypto';
import { STRING_FIELDS } from '../rules/event-rules.js';
import { ORIGINAL_TIMESTAMP_KEY, type EventTime } from '../rules/event-time.js';
import { copyRecord } from '../util/copy-record.js';

export interface CanonicalEvent {
  event: Record<string, unknown>;
  messageId: string;
}

/**
 * An event that passed checkEvent and eventTime, canonicalised (in place). An event without a messageId gets one
 * from its content ("h-" and an MD5 of the hashed fields), so a client's retry is stored once and a
 * repeat inside one batch is counted as a duplicate.
 */
export function canonicalEvent(
  e: Record<string, unknown>,
  time: Extract<EventTime, { ok: true }>,
): CanonicalEvent {
  const out = e; // in place: the caller's own copy of the request's event (see acceptBatch)
  for (const f of STRING_FIELDS) {
    const v = out[f];
    if (typeof v === 'number' || typeof v === 'boolean') out[f] = String(v);
  }
  out.type = String(out.type).toLowerCase();
  if (typeof out.messageId !== 'string' || out.messageId === '') {
    const content = JSON.stringify(CONTENT_HASH_FIELDS.map((f) => out[f] ?? null));
    out.messageId = `h-${createHash('md5').update(content).digest('hex')}`;
  }
  if (time.replaced) {
    const context =
      out.context !== null && typeof out.context === 'object'
        ? (out.context as Record<string, unknown>)
        : {};
    const withOriginal = copyRecord(context);
    withOriginal[ORIGINAL_TIMESTAMP_KEY] = time.replaced.original;
    out.context = withOriginal;
  }
  return { event: out, messageId: out.messageId as string };
}
