// A Segment NDJSON file into ClickHouse: read a slice of lines at a time (bounded memory, any size), each
// line held to the same rules as DuckDB's SQL normaliser for imports (the event rules, the time rule
// without clock correction, a content hash for a missing messageId), mapped to rows, de-duplicated and
// checked against erased identifiers like a journal segment, and inserted slice by slice. Rejected lines
// are reported by number and reason, the first MAX_LISTED of them listed.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { ImportProgress, IngestResult, Rejection } from '../../areas/events.js';
import { countNonBlankLines } from '../../../util/count-lines.js';
import { lineSlices } from '../../../util/line-slices.js';
import { CONTENT_HASH_FIELDS } from '../../../rules/content-hash.js';
import { notErased } from './erased.js';
import { newRows, type ChStore } from './events.js';
import { journalRow, type EventRow } from './journal-rows.js';

/** Rejections listed in the result (all are counted), as DuckDB's import lists them. */
export const MAX_LISTED_REJECTIONS = 100;

/** A field as DuckDB reads it into VARCHAR/JSON and casts it to text: strings as is, other values as JSON. */
const asText = (v: unknown): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);

/** 'h-' + md5 of the fields joined by '|' (absent ones skipped), as DuckDB's concat_ws does. */
export function contentMessageId(e: Record<string, unknown>): string {
  const parts = CONTENT_HASH_FIELDS.map((k) =>
    k === 'type' ? asText(e.type)?.toLowerCase() : asText(e[k]),
  ).filter((x): x is string => x !== undefined);
  return `h-${createHash('md5').update(parts.join('|')).digest('hex')}`;
}

/**
 * The messageId a line is stored under, as DuckDB's reader gives it: text as is, a number or a boolean as
 * its text, a content hash when missing or blank. An object or array is handed on unchanged, so the event
 * rules refuse it (`messageId|must be a string`) as on DuckDB, rather than hashing it into a valid event.
 */
export function messageIdOf(e: Record<string, unknown>): unknown {
  const id = e.messageId;
  if (id === undefined || id === null || id === '') return contentMessageId(e);
  return typeof id === 'number' || typeof id === 'boolean' ? String(id) : id;
}

export async function importEventsFile(
  s: ChStore,
  workspaceId: string,
  path: string,
  onProgress?: (p: ImportProgress) => void,
): Promise<IngestResult> {
  if (!existsSync(path)) throw new Error(`file not found: ${path}`);
  const batchId = `import-${randomUUID()}`;
  const received = new Date().toISOString();
  let total: number | undefined;
  void countNonBlankLines(path).then((n) => (total = n));
  let lines = 0;
  let valid = 0;
  let inserted = 0;
  let rejectedCount = 0;
  const rejected: Rejection[] = [];
  const reject = (line: number, err: string) => {
    rejectedCount++;
    if (rejected.length >= MAX_LISTED_REJECTIONS) return;
    const bar = err.indexOf('|');
    rejected.push({ line, field: err.slice(0, bar), reason: err.slice(bar + 1) });
  };
  for await (const { first, lines: slice } of lineSlices(path)) {
    const rows: EventRow[] = [];
    slice.forEach((text, i) => {
      if (text.trim() === '') return;
      lines++;
      const lineNo = first + i;
      let o: unknown;
      try {
        o = JSON.parse(text);
      } catch {
        return reject(lineNo, 'line|is not valid JSON');
      }
      if (typeof o !== 'object' || o === null || Array.isArray(o))
        return reject(lineNo, 'line|must be a JSON object');
      const e = o as Record<string, unknown>;
      const mapped = journalRow({
        ...e,
        messageId: messageIdOf(e),
        _ws: workspaceId,
        _recv: received,
        _origin: 'import',
        _batch: batchId,
        _ts: undefined,
      });
      if ('reason' in mapped) return reject(lineNo, mapped.reason);
      valid++;
      rows.push(mapped.row);
    });
    const fresh = await notErased(s, await newRows(s, rows));
    await s.conn.insert(`${s.database}.events`, fresh);
    inserted += fresh.length;
    if (total) onProgress?.({ fraction: Math.min(1, lines / total), file: path });
  }
  onProgress?.({ fraction: 1, file: path });
  return {
    received: lines,
    inserted,
    duplicates: valid - inserted,
    rejected,
    rejectedCount,
    batchId,
  };
}
