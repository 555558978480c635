// The events area on ClickHouse: journal segments in, events read back. A segment is screened and mapped
// to rows in JavaScript (journal-rows.ts), de-duplicated by messageId against the segment itself and the
// stored events (an explicit de-duplicating insert: the sort key is the person and time, not the id, and
// FINAL on every read is not an option), and inserted in one JSONEachRow request; lines that cannot load
// become dead letters. Reads are the neutral queries every engine runs.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { EventFilter, JournalLoadResult, StoredEvent } from '../../areas/events.js';
import type { AffectedIds } from '../../areas/derive-scope.js';
import {
  deadLetterId,
  screenJournalLine,
  splitJournalLines,
  reasonFor,
  type JournalLine,
} from '../../journal-lines.js';
import { countEventsSql, queryEventsSql, toStoredEvent } from '../neutral/events-queries.js';
import type { ClickHouseConnection } from './connection.js';
import { queryNeutral } from './dialect.js';
import { journalRow, type EventRow } from './journal-rows.js';
import { notErased } from './erased.js';

export interface ChStore {
  conn: ClickHouseConnection;
  database: string;
  /** The install's privacy key (privacy.key, 64 hex digits), once one exists: tombstones are keyed with it. */
  privacyKey?: string;
}

/** Segment ids checked against the stored ones per query (a list parameter of this many ids). */
const ID_CHUNK = 20_000;

/** A line that cannot load, with why and what its metadata names. */
export interface RefusedLine {
  line: JournalLine;
  reason: string;
  workspaceId: string | null;
  receivedAt: string | null;
}

/** Sorts lines into event rows and refusals: the journal load path's one rule, for a segment or a retry. */
export function sortJournalLines(lines: readonly JournalLine[]): {
  good: { line: JournalLine; row: EventRow }[];
  refused: RefusedLine[];
} {
  const good: { line: JournalLine; row: EventRow }[] = [];
  const refused: RefusedLine[] = [];
  for (const line of lines) {
    const screened = screenJournalLine(line);
    if (screened.reason) {
      refused.push({ line, reason: screened.reason, ...screened });
      continue;
    }
    const mapped = journalRow(JSON.parse(line.raw.toString('utf8')) as Record<string, unknown>);
    if ('reason' in mapped)
      refused.push({ line, reason: reasonFor(line, mapped.reason), ...screened });
    else good.push({ line, row: mapped.row });
  }
  return { good, refused };
}

export async function loadEventJournal(s: ChStore, path: string): Promise<JournalLoadResult> {
  const source = basename(path);
  const { good, refused } = sortJournalLines(splitJournalLines(await readFile(path)));
  const fresh = await storableRows(
    s,
    good.map((g) => g.row),
  );
  // dead letters first: were the insert of events to fail after them, a reload of the segment finds the
  // same ids (deadLetterId is a function of the line) and the replacing table keeps one of each
  await insertDeadLetters(s, source, refused);
  return { ...(await insertEvents(s, fresh)), deadLetters: refused.length };
}

/** The rows a load stores: new (newRows), and naming no erased identifier (a retry too). */
export async function storableRows(
  s: ChStore,
  rows: readonly EventRow[],
): Promise<readonly EventRow[]> {
  return notErased(s, await newRows(s, rows));
}

/** Inserts rows already found storable (storableRows); the ids they carry, per workspace. */
export async function insertEvents(
  s: ChStore,
  fresh: readonly EventRow[],
): Promise<{ inserted: number; affected: Map<string, AffectedIds> }> {
  await s.conn.insert(`${s.database}.events`, fresh);
  const affected = new Map<string, AffectedIds>();
  for (const r of fresh) {
    let a = affected.get(r.workspace_id);
    if (!a) affected.set(r.workspace_id, (a = { anonymousIds: [], userIds: [] }));
    if (r.anonymous_id !== null) a.anonymousIds.push(r.anonymous_id);
    if (r.user_id !== null) a.userIds.push(r.user_id);
  }
  for (const a of affected.values()) {
    a.anonymousIds = [...new Set(a.anonymousIds)];
    a.userIds = [...new Set(a.userIds)];
  }
  return { inserted: fresh.length, affected };
}

/** The rows whose (workspace, messageId) is neither stored nor earlier in the segment. */
export async function newRows(s: ChStore, rows: readonly EventRow[]): Promise<EventRow[]> {
  const seen = new Set<string>();
  const byWorkspace = new Map<string, EventRow[]>();
  for (const r of rows) {
    const key = `${r.workspace_id}\u0000${r.message_id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = byWorkspace.get(r.workspace_id) ?? [];
    list.push(r);
    byWorkspace.set(r.workspace_id, list);
  }
  const out: EventRow[] = [];
  for (const [ws, list] of byWorkspace) {
    const stored = new Set<string>();
    for (let i = 0; i < list.length; i += ID_CHUNK) {
      const ids = list.slice(i, i + ID_CHUNK).map((r) => r.message_id);
      const found = await s.conn.query<{ message_id: string }>(
        `SELECT message_id FROM ${s.database}.events
         WHERE workspace_id = {ws:String} AND message_id IN {ids:Array(String)}`,
        { ws, ids },
      );
      for (const f of found) stored.add(f.message_id);
    }
    for (const r of list) if (!stored.has(r.message_id)) out.push(r);
  }
  return out;
}

/** Stores refused lines of `source` as dead letters (ids follow the line, so a replay adds nothing). */
export async function insertDeadLetters(
  s: ChStore,
  source: string,
  refused: readonly RefusedLine[],
): Promise<void> {
  if (refused.length === 0) return;
  // one statement, so a segment's letters share one failure time (as in DuckDB's one transaction); the raw
  // bytes may not be UTF-8, which JSON rows cannot carry, so they travel as base64
  await s.conn.command(
    `INSERT INTO ${s.database}.dead_letters (id, workspace_id, source, line_no, received_at, failed_at, reason, raw, version)
     SELECT ids[i], wss[i], {source:String}, lines[i], parseDateTime64BestEffortOrNull(recvs[i], 3, 'UTC'),
       now64(3), reasons[i], base64Decode(raws[i]), 1
     FROM (SELECT {ids:Array(String)} AS ids, {wss:Array(Nullable(String))} AS wss,
       {lines:Array(Int32)} AS lines, {recvs:Array(Nullable(String))} AS recvs,
       {reasons:Array(String)} AS reasons, {raws:Array(String)} AS raws)
     ARRAY JOIN arrayEnumerate(ids) AS i`,
    {
      source,
      ids: refused.map((r) => deadLetterId(source, r.line.lineNo, r.line.raw)),
      wss: refused.map((r) => r.workspaceId),
      lines: refused.map((r) => r.line.lineNo),
      recvs: refused.map((r) => r.receivedAt),
      reasons: refused.map((r) => r.reason),
      raws: refused.map((r) => r.line.raw.toString('base64')),
    },
  );
}

export async function queryEvents(
  s: ChStore,
  workspaceId: string,
  f: EventFilter = {},
): Promise<StoredEvent[]> {
  return (await queryNeutral(s.conn, s.database, queryEventsSql(workspaceId, f))).map(
    toStoredEvent,
  );
}

export async function countEvents(s: ChStore, workspaceId: string): Promise<number> {
  const rows = await queryNeutral(s.conn, s.database, countEventsSql(workspaceId));
  return Number(rows[0]?.n ?? 0);
}
