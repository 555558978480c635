// Dead letters (migration v12): journal lines the engine could not load, kept byte for byte with the
// reason, listed for people and replayed through the journal's own load path once something is fixed.
// The reads are the neutral queries every engine runs; the writes (one transaction) are DuckDB's.
import {
  BLOB,
  blobValueFromBytes,
  INTEGER,
  VARCHAR,
  type DuckDBConnection,
} from '@duckdb/node-api';
import { deadLetterId, type JournalLine } from '../../journal-lines.js';
import type {
  DeadLetter,
  DeadLetterCounts,
  DeadLetterFilter,
  DeadLetterRetry,
} from '../../types.js';
import type { Db } from './connection.js';
import {
  countDeadLettersSql,
  listDeadLettersSql,
  pendingDeadLettersSql,
  toDeadLetter,
  toDeadLetterCounts,
} from '../neutral/dead-letters-queries.js';
import { duckSql, queryNeutral } from './dialect.js';
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

export async function listDeadLetters(
  db: Db,
  f: DeadLetterFilter & { pendingOnly?: boolean; limit?: number },
): Promise<DeadLetter[]> {
  return (await queryNeutral(db, listDeadLettersSql(f))).map(toDeadLetter);
}

export async function countDeadLetters(db: Db, workspaceId?: string): Promise<DeadLetterCounts> {
  return toDeadLetterCounts(await queryNeutral(db, countDeadLettersSql(workspaceId)));
}

/**
 * Replays pending dead letters through the journal's load path: those that load now are marked retried
 * (the events stored in the same transaction); the rest keep waiting, with today's reason.
 */
export function retryDeadLetters(db: Db, f: DeadLetterFilter): Promise<DeadLetterRetry> {
  return db.write(async (conn) => {
    // read on the writer: what is pending must not change before the marks below
    const pending = duckSql(pendingDeadLettersSql(f));
    const rows = (
      await conn.runAndReadAll(pending.text, pending.params, pending.types)
    ).getRowObjectsJson();
    // each letter stands alone: line numbers here only map the replay back to its letter
    const lines: JournalLine[] = rows.map((r, i) => ({
      lineNo: i + 1,
      raw: Buffer.from(String(r.raw64), 'base64'),
      terminated: true,
    }));
    const idOf = (l: JournalLine) => String(rows[l.lineNo - 1]!.id);
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
