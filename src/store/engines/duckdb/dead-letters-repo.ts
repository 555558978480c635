// Dead letters (migration v12): journal lines the engine could not load, kept byte for byte with the
// reason, listed for people and replayed through the journal's own load path once something is fixed.
import {
  BLOB,
  blobValueFromBytes,
  INTEGER,
  VARCHAR,
  type DuckDBBlobValue,
  type DuckDBConnection,
} from '@duckdb/node-api';
import { deadLetterId, previewLine, PREVIEW_CHARS, type JournalLine } from '../../journal-lines.js';
import type {
  DeadLetter,
  DeadLetterCounts,
  DeadLetterFilter,
  DeadLetterRetry,
} from '../../types.js';
import type { Db, Params, Row } from './connection.js';
import { insertLines, isolateLines, withScratch, type RefusedLine } from './journal-isolate.js';

/** Stores refused lines of `source` (inside the caller's transaction). Ids follow the line, so a replay adds nothing. */
export async function insertDeadLetters(
  conn: DuckDBConnection,
  source: string,
  refused: readonly RefusedLine[],
): Promise<void> {
  if (refused.length === 0) return;
  const stmt = await conn.prepare(
    `INSERT OR IGNORE INTO dead_letters (id, workspace_id, source, line_no, received_at, failed_at, reason, raw)
     VALUES ($id, $ws, $source, $line, try_cast($recv AS TIMESTAMPTZ), now(), $reason, $raw)`,
  );
  for (const r of refused) {
    stmt.bind(
      {
        id: deadLetterId(source, r.line.lineNo, r.line.raw),
        ws: r.workspaceId,
        source,
        line: r.line.lineNo,
        recv: r.receivedAt,
        reason: r.reason,
        raw: blobValueFromBytes(r.line.raw),
      },
      { ws: VARCHAR, recv: VARCHAR, line: INTEGER, raw: BLOB },
    );
    await stmt.run();
  }
}

function where(f: DeadLetterFilter & { pendingOnly?: boolean }): { sql: string; params: Params } {
  const clauses = ['true'];
  const params: Params = {};
  if (f.workspaceId !== undefined) {
    clauses.push('workspace_id = $ws');
    params.ws = f.workspaceId;
  }
  if (f.id !== undefined) {
    clauses.push('id = $id');
    params.id = f.id;
  }
  if (f.pendingOnly) clauses.push('retried_at IS NULL');
  return { sql: clauses.join(' AND '), params };
}

const iso = (col: string) => `strftime(${col} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')`;
// a preview needs the first characters only: never read a whole (up to 32 KB) line for it
const PREVIEW_BYTES = PREVIEW_CHARS * 4 + 4;

export async function listDeadLetters(
  db: Db,
  f: DeadLetterFilter & { pendingOnly?: boolean; limit?: number },
): Promise<DeadLetter[]> {
  const w = where(f);
  // the reader's own values, not the JSON-friendly rows of db.query: the raw head is bytes
  const rows = await db.reads.run(async () =>
    (
      await db.reader.runAndReadAll(
        `SELECT id, workspace_id, source, line_no, ${iso('received_at')} AS received_at, ${iso('failed_at')} AS failed_at, reason,
           raw[1:${PREVIEW_BYTES}] AS head, octet_length(raw) AS bytes, ${iso('retried_at')} AS retried_at
         FROM dead_letters WHERE ${w.sql} ORDER BY failed_at DESC, source, line_no LIMIT ${Math.max(1, Math.trunc(f.limit ?? 100))}`,
        w.params,
      )
    ).getRowObjects(),
  );
  return rows.map((r) => {
    const bytes = Number(r.bytes);
    const head = (r.head as DuckDBBlobValue).bytes;
    // cut at a byte limit, the head may end mid-character: mark it cut even when the characters fit
    const preview = previewLine(head);
    return {
      id: String(r.id),
      workspaceId: r.workspace_id === null ? null : String(r.workspace_id),
      source: String(r.source),
      line: Number(r.line_no),
      receivedAt: r.received_at === null ? null : String(r.received_at),
      failedAt: String(r.failed_at),
      reason: String(r.reason),
      preview: bytes > head.length && !preview.endsWith('…') ? `${preview}…` : preview,
      bytes,
      retriedAt: r.retried_at === null ? null : String(r.retried_at),
    };
  });
}

export async function countDeadLetters(db: Db, workspaceId?: string): Promise<DeadLetterCounts> {
  const w = where(workspaceId === undefined ? {} : { workspaceId });
  const rows: Row[] = await db.query(
    `SELECT count(*) FILTER (WHERE retried_at IS NULL) AS pending, count(*) FILTER (WHERE retried_at IS NOT NULL) AS retried
     FROM dead_letters WHERE ${w.sql}`,
    w.params,
  );
  return { pending: Number(rows[0]?.pending ?? 0), retried: Number(rows[0]?.retried ?? 0) };
}

/**
 * Replays pending dead letters through the journal's load path: those that load now are marked retried
 * (the events stored in the same transaction); the rest keep waiting, with today's reason.
 */
export function retryDeadLetters(db: Db, f: DeadLetterFilter): Promise<DeadLetterRetry> {
  return db.write(async (conn) => {
    const w = where({ ...f, pendingOnly: true });
    const rows = (
      await conn.runAndReadAll(
        `SELECT id, raw FROM dead_letters WHERE ${w.sql} ORDER BY failed_at, source, line_no`,
        w.params,
      )
    ).getRows();
    // each letter stands alone: line numbers here only map the replay back to its letter
    const lines: JournalLine[] = rows.map(([, raw], i) => ({
      lineNo: i + 1,
      raw: Buffer.from((raw as DuckDBBlobValue).bytes),
      terminated: true,
    }));
    const idOf = (l: JournalLine) => String(rows[l.lineNo - 1]![0]);
    if (lines.length === 0) return { loaded: [], failed: [], inserted: 0, affected: new Map() };
    return withScratch(async (scratch) => {
      const { good, refused } = await isolateLines(conn, lines, scratch);
      await conn.run('BEGIN TRANSACTION');
      try {
        const loaded = await insertLines(conn, good, scratch);
        const done = await conn.prepare(
          'UPDATE dead_letters SET retried_at = now() WHERE id = $id',
        );
        for (const l of good) {
          done.bind({ id: idOf(l) });
          await done.run();
        }
        const again = await conn.prepare(
          'UPDATE dead_letters SET reason = $reason, failed_at = now() WHERE id = $id',
        );
        for (const r of refused) {
          again.bind({ id: idOf(r.line), reason: r.reason });
          await again.run();
        }
        await conn.run('COMMIT');
        return {
          loaded: good.map(idOf),
          failed: refused.map((r) => ({ id: idOf(r.line), reason: r.reason })),
          ...loaded,
        };
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  });
}
