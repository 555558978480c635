// The dead-letters area on ClickHouse. Reads are the neutral queries every engine runs. A retry replays
// pending letters through the journal's own load path (events.ts: the same rule sorts the lines, the same
// de-duplicating insert stores them); a letter's change (retried, or failed again with today's reason) is
// a new version of its ReplacingMergeTree row, which reads see through FINAL. Events go in before the new
// versions: a retry cut short in between is repeated, and the events it already stored then count as
// loaded (duplicates), so nothing is stored twice and no letter stays pending wrongly.
import type {
  DeadLetter,
  DeadLetterCounts,
  DeadLetterFilter,
  DeadLetterRetry,
} from '../../areas/dead-letters.js';
import type { JournalLine } from '../../journal-lines.js';
import {
  countDeadLettersSql,
  listDeadLettersSql,
  pendingDeadLettersSql,
  toDeadLetter,
  toDeadLetterCounts,
} from '../neutral/dead-letters-queries.js';
import { queryNeutral } from './dialect.js';
import { insertEvents, sortJournalLines, storableRows, type ChStore } from './events.js';

export async function listDeadLetters(
  s: ChStore,
  f: DeadLetterFilter & { pendingOnly?: boolean; limit?: number },
): Promise<DeadLetter[]> {
  return (await queryNeutral(s.conn, s.database, listDeadLettersSql(f))).map(toDeadLetter);
}

export async function countDeadLetters(
  s: ChStore,
  workspaceId?: string,
): Promise<DeadLetterCounts> {
  return toDeadLetterCounts(
    await queryNeutral(s.conn, s.database, countDeadLettersSql(workspaceId)),
  );
}

export async function retryDeadLetters(s: ChStore, f: DeadLetterFilter): Promise<DeadLetterRetry> {
  const rows = await queryNeutral<{ id: string; raw64: string }>(
    s.conn,
    s.database,
    pendingDeadLettersSql(f),
  );
  if (rows.length === 0) return { loaded: [], failed: [], inserted: 0, affected: new Map() };
  // each letter stands alone: line numbers here only map the replay back to its letter
  const lines: JournalLine[] = rows.map((r, i) => ({
    lineNo: i + 1,
    raw: Buffer.from(r.raw64, 'base64'),
    terminated: true,
  }));
  const idOf = (l: JournalLine) => rows[l.lineNo - 1]!.id;
  const { good, refused } = sortJournalLines(lines);
  const stored = await insertEvents(
    s,
    await storableRows(
      s,
      good.map((g) => g.row),
    ),
  );
  const loaded = good.map((g) => idOf(g.line));
  const failed = refused.map((r) => ({ id: idOf(r.line), reason: r.reason }));
  await s.conn.command(
    `INSERT INTO ${s.database}.dead_letters
       (id, workspace_id, source, line_no, received_at, failed_at, reason, raw, retried_at, version)
     SELECT id, workspace_id, source, line_no, received_at,
       if(has({loaded:Array(String)}, id), failed_at, now64(3)),
       if(has({loaded:Array(String)}, id), reason, transform(id, {failed:Array(String)}, {reasons:Array(String)}, reason)),
       raw,
       if(has({loaded:Array(String)}, id), now64(3), retried_at),
       version + 1
     FROM ${s.database}.dead_letters FINAL
     WHERE has({loaded:Array(String)}, id) OR has({failed:Array(String)}, id)`,
    { loaded, failed: failed.map((x) => x.id), reasons: failed.map((x) => x.reason) },
  );
  return { loaded, failed, ...stored };
}
