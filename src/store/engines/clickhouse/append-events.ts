// The append path on ClickHouse (EventsStore.appendEvents: already-parsed events, e.g. the identify a
// stored-facts redaction adds, or a test's events): each event held to the journal's rules as one line of
// a segment with this call's metadata (journal-rows.ts: the event rules, the time rule with clock
// correction unless imported, a content hash for a missing messageId, as DuckDB's appender: messageIdOf), then the
// load path's de-duplicating, erased-identifier-checked insert. One insert request: durable when it
// returns (inserts are synchronous, connection.ts).
import { randomUUID } from 'node:crypto';
import type { EventOrigin, IngestResult, RawEvent, Rejection } from '../../areas/events.js';
import { insertEvents, storableRows, type ChStore } from './events.js';
import { messageIdOf } from './message-id.js';
import { journalRow, type EventRow } from './journal-rows.js';

export async function appendEvents(
  s: ChStore,
  workspaceId: string,
  events: readonly RawEvent[],
  meta: { origin: EventOrigin; receivedAt: Date },
): Promise<IngestResult> {
  const batchId = `${meta.origin}-${randomUUID()}`;
  const received = meta.receivedAt.toISOString();
  const rows: EventRow[] = [];
  const rejected: Rejection[] = [];
  events.forEach((e, i) => {
    const mapped = journalRow({
      ...e,
      messageId: messageIdOf(e),
      _ws: workspaceId,
      _recv: received,
      _origin: meta.origin,
      _batch: batchId,
      _ts: undefined,
    });
    if ('row' in mapped) return void rows.push(mapped.row);
    const bar = mapped.reason.indexOf('|');
    rejected.push({
      line: i + 1,
      field: mapped.reason.slice(0, bar),
      reason: mapped.reason.slice(bar + 1),
    });
  });
  const { inserted } = await insertEvents(s, await storableRows(s, rows));
  return {
    received: events.length,
    inserted,
    duplicates: events.length - inserted - rejected.length,
    rejected,
    rejectedCount: rejected.length,
  };
}
