// The dead-letters area's reads, written once for every engine. Dead letters are few and change once (a
// retry stamps them), so ClickHouse keeps them as versioned rows and reads the current ones (FINAL).
import type { DeadLetter, DeadLetterCounts, DeadLetterFilter } from '../../areas/dead-letters.js';
import { previewLine, PREVIEW_CHARS } from '../../journal-lines.js';
import { text } from './rows.js';
import { fn, join, p, sql, type Sql } from './sql.js';

// a preview needs the first characters only: never read a whole (up to 32 KB) line for it
const PREVIEW_BYTES = PREVIEW_CHARS * 4 + 4;

function where(f: DeadLetterFilter & { pendingOnly?: boolean }): Sql {
  const clauses: Sql[] = [sql`true`];
  if (f.workspaceId !== undefined) clauses.push(sql`workspace_id = ${p.text(f.workspaceId)}`);
  if (f.id !== undefined) clauses.push(sql`id = ${p.text(f.id)}`);
  if (f.pendingOnly) clauses.push(sql`retried_at IS NULL`);
  return join(clauses, ' AND ');
}

/** Dead letters, newest first: the raw line's head only (base64: it may not be UTF-8), and its size. */
export function listDeadLettersSql(
  f: DeadLetterFilter & { pendingOnly?: boolean; limit?: number },
): Sql {
  const limit = Math.max(1, Math.trunc(f.limit ?? 100));
  return sql`SELECT id, workspace_id, source, line_no, ${fn.isoTime('received_at')} AS received_text,
      ${fn.isoTime('failed_at')} AS failed_text, reason, ${fn.base64(fn.bytesHead('raw', PREVIEW_BYTES))} AS head,
      ${fn.byteLength('raw')} AS bytes, ${fn.isoTime('retried_at')} AS retried_text
    FROM ${fn.tableFinal('dead_letters')}
    WHERE ${where(f)}
    ORDER BY failed_at DESC, source, line_no LIMIT ${p.int(limit)}`;
}

/** A row of listDeadLettersSql as a DeadLetter, its preview made from the head. */
export function toDeadLetter(r: Record<string, unknown>): DeadLetter {
  const bytes = Number(r.bytes);
  const head = Buffer.from(String(r.head), 'base64');
  // cut at a byte limit, the head may end mid-character: mark it cut even when the characters fit
  const preview = previewLine(head);
  return {
    id: String(r.id),
    workspaceId: text(r.workspace_id),
    source: String(r.source),
    line: Number(r.line_no),
    receivedAt: text(r.received_text),
    failedAt: String(r.failed_text),
    reason: String(r.reason),
    preview: bytes > head.length && !preview.endsWith('…') ? `${preview}…` : preview,
    bytes,
    retriedAt: text(r.retried_text),
  };
}

/** Pending and retried dead letters (of a workspace, or all). */
export function countDeadLettersSql(workspaceId?: string): Sql {
  return sql`SELECT ${fn.countIf('retried_at IS NULL')} AS pending, ${fn.countIf('retried_at IS NOT NULL')} AS retried
    FROM ${fn.tableFinal('dead_letters')}
    WHERE ${where(workspaceId === undefined ? {} : { workspaceId })}`;
}

export function toDeadLetterCounts(rows: readonly Record<string, unknown>[]): DeadLetterCounts {
  return { pending: Number(rows[0]?.pending ?? 0), retried: Number(rows[0]?.retried ?? 0) };
}

/** The pending letters a retry replays, oldest first, each with its whole raw line as base64. */
export function pendingDeadLettersSql(f: DeadLetterFilter): Sql {
  return sql`SELECT id, ${fn.base64('raw')} AS raw64
    FROM ${fn.tableFinal('dead_letters')}
    WHERE ${where({ ...f, pendingOnly: true })}
    ORDER BY failed_at, source, line_no`;
}
