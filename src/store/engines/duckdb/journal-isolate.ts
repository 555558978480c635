// The journal's load statement, and the slow path beside it: when the bulk reader refuses a segment, find
// which lines it refuses (and why) so that the rest can load. Lines are screened in JavaScript first
// (journal-lines.ts); the engine itself then judges the rest by bisection, each probe the very statement
// the load runs, rolled back, so that whatever the engine refuses (today's faults or a future bug's) is
// found without guessing its rules.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { reasonFor, screenJournalLine, type JournalLine } from '../../journal-lines.js';
import type { AffectedIds } from '../../types.js';
import { sqlString } from './connection.js';
import {
  dedupInsertSql,
  normalisedColumns,
  parsedSource,
  readJsonColumnsArg,
  type RowMeta,
} from './event-sql.js';

const JOURNAL_COLUMNS = readJsonColumnsArg({
  _ws: 'VARCHAR',
  _recv: 'VARCHAR',
  _origin: 'VARCHAR',
  _batch: 'VARCHAR',
  _ts: 'VARCHAR',
});
const JOURNAL_META: RowMeta = {
  ws: '_ws',
  received: 'CAST(_recv AS TIMESTAMPTZ)',
  correct: "(_origin <> 'import')",
  origin: '_origin',
  batch: '_batch',
  ts: '_ts',
};
const RULES_MARK = 'closedloop-event-rules:';

/**
 * Loads a journal file's events. A line failing the event rules makes the statement fail (naming the rule)
 * rather than being skipped: it was acknowledged, so it must become a dead letter, never vanish. With
 * `returning`, the statement returns the ids of each row it stores (runJournalInsert reads them).
 */
export function journalInsertSql(path: string, returning = true): string {
  const src = `read_ndjson(${sqlString(path)}, columns=${JOURNAL_COLUMNS}, format='newline_delimited')`;
  const checked = `(SELECT * REPLACE (CASE WHEN err IS NOT NULL THEN error(${sqlString(RULES_MARK)} || err) END AS err)
    FROM (SELECT ${normalisedColumns(JOURNAL_META)} FROM ${parsedSource(src)}))`;
  return dedupInsertSql(checked, returning ? RETURNING_IDS : '');
}
const RETURNING_IDS = 'RETURNING workspace_id, anonymous_id, user_id';

// Failures that say nothing about the data (the machine or the engine failed): the load is retried later
// and nothing is set aside, or a full disk would turn every acknowledged event into a dead letter.
const TRANSIENT =
  /^(IO|Out of Memory|Interrupt|FATAL|INTERNAL|Connection|TransactionContext|Permission) Error/i;

export function isTransient(err: unknown): boolean {
  return TRANSIENT.test(err instanceof Error ? err.message : String(err));
}

/** The engine's refusal of one line as 'field|reason': the rule it broke, else the reader's words without file names. */
export function engineReason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const rule = msg.indexOf(RULES_MARK);
  if (rule >= 0)
    return msg
      .slice(rule + RULES_MARK.length)
      .split('\n')[0]!
      .trim();
  const first = msg
    .split('\n')[0]!
    .replace(/ in file "[^"]*"/g, '')
    .replace(/,? at byte \d+ in line \d+/g, '')
    .replace(/,? in line \d+/g, '')
    .replace(/ (Object|Array) [{[].*? (has|is) /, ' $1 $2 ') // the reader quotes the line: the preview shows it already
    .trim();
  return `line|${first.length > 200 ? `${first.slice(0, 200)}…` : first}`;
}

export interface RefusedLine {
  line: JournalLine;
  reason: string;
  workspaceId: string | null;
  receivedAt: string | null;
}

/** A scratch directory for the probe files, removed afterwards. */
export async function withScratch<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'closedloop-isolate-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeLines(path: string, lines: readonly JournalLine[]): Promise<void> {
  const parts: Buffer[] = [];
  for (const l of lines) parts.push(l.raw, NEWLINE);
  await writeFile(path, Buffer.concat(parts));
}
const NEWLINE = Buffer.from('\n');

/** Runs the load statement over `lines` and rolls it back: the engine's refusal, or undefined when they load. */
async function probe(
  conn: DuckDBConnection,
  lines: readonly JournalLine[],
  scratch: string,
): Promise<unknown> {
  const path = join(scratch, 'probe.ndjson');
  await writeLines(path, lines);
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(journalInsertSql(path));
    return undefined;
  } catch (err) {
    if (isTransient(err)) throw err;
    return err;
  } finally {
    await conn.run('ROLLBACK');
  }
}

/**
 * Sorts lines into those that load and those that cannot (with why), storing nothing. Cost: one probe when
 * the screen caught every bad line, else about 2·log2(n) probes per line the engine alone refuses.
 */
export async function isolateLines(
  conn: DuckDBConnection,
  lines: readonly JournalLine[],
  scratch: string,
): Promise<{ good: JournalLine[]; refused: RefusedLine[] }> {
  const good: JournalLine[] = [];
  const refused: RefusedLine[] = [];
  const meta = new Map<JournalLine, { workspaceId: string | null; receivedAt: string | null }>();
  const candidates: JournalLine[] = [];
  for (const line of lines) {
    const s = screenJournalLine(line);
    if (s.reason !== undefined)
      refused.push({
        line,
        reason: s.reason,
        workspaceId: s.workspaceId,
        receivedAt: s.receivedAt,
      });
    else {
      meta.set(line, s);
      candidates.push(line);
    }
  }
  const stack = candidates.length > 0 ? [candidates] : [];
  while (stack.length > 0) {
    const chunk = stack.pop()!;
    const err = await probe(conn, chunk, scratch);
    if (err === undefined) good.push(...chunk);
    else if (chunk.length === 1)
      refused.push({
        line: chunk[0]!,
        reason: reasonFor(chunk[0]!, engineReason(err)),
        ...meta.get(chunk[0]!)!,
      });
    else {
      const mid = chunk.length >> 1;
      stack.push(chunk.slice(mid), chunk.slice(0, mid));
    }
  }
  good.sort((a, b) => a.lineNo - b.lineNo);
  refused.sort((a, b) => a.line.lineNo - b.line.lineNo);
  return { good, refused };
}

/** Loads lines the isolation found good (inside the caller's transaction). */
export async function insertLines(
  conn: DuckDBConnection,
  lines: readonly JournalLine[],
  scratch: string,
): Promise<{ inserted: number; affected: Map<string, AffectedIds> }> {
  if (lines.length === 0) return { inserted: 0, affected: new Map() };
  const path = join(scratch, 'good.ndjson');
  await writeLines(path, lines);
  return runJournalInsert(conn, journalInsertSql(path));
}

/**
 * Runs a journal insert and reads which ids it affected from its RETURNING rows, a chunk at a time: each
 * chunk is fetched asynchronously, so a large load's rows are read between the requests being served
 * rather than in one long block of the main thread. A statement without RETURNING (`returning` false)
 * affects no ids that it says: only its count is read.
 */
export async function runJournalInsert(
  conn: DuckDBConnection,
  sql: string,
  returning = true,
): Promise<{ inserted: number; affected: Map<string, AffectedIds> }> {
  const result = await conn.run(sql);
  if (!returning) return { inserted: result.rowsChanged, affected: new Map() };
  const affected = new Map<string, { anon: Set<string>; users: Set<string> }>();
  let inserted = 0;
  for (
    let chunk = await result.fetchChunk();
    chunk !== null && chunk.rowCount > 0;
    chunk = await result.fetchChunk()
  ) {
    const rows = chunk.getRows();
    inserted += rows.length;
    addAffected(affected, rows);
  }
  return { inserted, affected: affectedIds(affected) };
}

/** Which anonymous and user ids got new events, per workspace: the derive step re-derives around those. */
function addAffected(
  affected: Map<string, { anon: Set<string>; users: Set<string> }>,
  rows: readonly DuckDBValue[][],
): void {
  for (const [ws, anon, user] of rows) {
    let t = affected.get(String(ws));
    if (!t) affected.set(String(ws), (t = { anon: new Set(), users: new Set() }));
    if (anon !== null) t.anon.add(String(anon));
    if (user !== null) t.users.add(String(user));
  }
}

function affectedIds(
  affected: Map<string, { anon: Set<string>; users: Set<string> }>,
): Map<string, AffectedIds> {
  return new Map(
    [...affected].map(([k, t]) => [k, { anonymousIds: [...t.anon], userIds: [...t.users] }]),
  );
}
