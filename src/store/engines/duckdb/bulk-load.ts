// The file-based bulk paths: importing an NDJSON file (with line-numbered rejections) and loading an
// ingestion-journal segment. Both go through DuckDB's own NDJSON reader and the shared normaliser.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ImportProgress } from '../../store.js';
import type {
  IngestResult,
  JournalLoadOptions,
  JournalLoadResult,
  Rejection,
} from '../../types.js';
import { splitJournalLines } from '../../journal-lines.js';
import { countNonBlankLines } from '../../../util/count-lines.js';
import { sqlString, type Db, type Row } from './connection.js';
import { insertDeadLetters } from './dead-letters-repo.js';
import { readJsonColumnsArg } from './event-sql.js';
import { diagnoseFile } from './file-diagnosis.js';
import { importInsertSql, isDuplicateKeyError, validCountSql } from './import-sql.js';
import {
  insertLines,
  isolateLines,
  isTransient,
  journalInsertSql,
  runJournalInsert,
  withScratch,
} from './journal-isolate.js';

/** How many rejected lines an import lists (all are counted). */
const MAX_LISTED_REJECTIONS = 1000;

export function toRejection(r: Row): Rejection {
  const [field, reason] = String(r.err).split('|', 2) as [string, string];
  return { line: Number(r.line_no), field, reason };
}

export async function importEventsFile(
  db: Db,
  workspaceId: string,
  path: string,
  onProgress?: (p: ImportProgress) => void,
): Promise<IngestResult> {
  if (!existsSync(path)) throw new Error(`file not found: ${path}`);
  const batch = `import-${randomUUID()}`;
  const src = `read_ndjson(${sqlString(path)}, columns=${readJsonColumnsArg()}, format='newline_delimited', ignore_errors=true)`;
  const linesPromise = countNonBlankLines(path);
  const params = {
    ws: workspaceId,
    received: new Date().toISOString(),
    correct: false,
    origin: 'import',
    batch,
  };
  const inserted = await db.write(async (conn) => {
    // DuckDB reports its own progress through a large scan; poll it for the caller's bar.
    const timer = onProgress
      ? setInterval(() => {
          const p = conn.progress;
          if (p.percentage >= 0) onProgress({ fraction: p.percentage / 100, file: path });
        }, 200)
      : undefined;
    try {
      try {
        return (await conn.run(importInsertSql(src, false), params)).rowsChanged;
      } catch (err) {
        // the file repeats a messageId (the failed statement left nothing behind): de-duplicate it too
        if (!isDuplicateKeyError(err)) throw err;
        return (await conn.run(importInsertSql(src, true), params)).rowsChanged;
      }
    } finally {
      if (timer) clearInterval(timer);
    }
  });
  onProgress?.({ fraction: 1, file: path });
  const lines = await linesPromise;
  if (inserted === lines) {
    return {
      received: lines,
      inserted,
      duplicates: 0,
      rejected: [],
      rejectedCount: 0,
      batchId: batch,
    };
  }
  // Something was skipped. When every line is a valid event, only duplicates were (a file imported
  // again, or overlapping archives): one more pass of the reader says so, far faster than the diagnosis.
  const [v] = await db.query(validCountSql(src), { received: params.received, correct: false });
  if (Number(v?.valid) === lines) {
    return {
      received: lines,
      inserted,
      duplicates: lines - inserted,
      rejected: [],
      rejectedCount: 0,
      batchId: batch,
    };
  }
  // Some lines were rejected: find which and why (slower, only for files that need it).
  const diag = await diagnoseFile(db, path, MAX_LISTED_REJECTIONS);
  return {
    received: lines,
    inserted,
    duplicates: diag.valid - inserted,
    rejected: diag.rejected,
    rejectedCount: diag.rejectedCount,
    batchId: batch,
  };
}

/**
 * Loads a journal segment. The fast path is one bulk statement over the file; if the engine refuses it
 * (a line it cannot read, or one failing the event rules), the segment is split into lines, the refused
 * ones isolated, and the rest loaded with the refused ones stored as dead letters, in one transaction.
 */
export async function loadEventJournal(
  db: Db,
  path: string,
  opts: JournalLoadOptions = {},
): Promise<JournalLoadResult> {
  const returning = opts.readAffected ?? true;
  return db.write(async (conn) => {
    try {
      const sql = journalInsertSql(path, returning);
      return { ...(await runJournalInsert(conn, sql, returning)), deadLetters: 0 };
    } catch (err) {
      if (isTransient(err)) throw err;
    }
    const lines = splitJournalLines(await readFile(path));
    const source = basename(path);
    return withScratch(async (scratch) => {
      const { good, refused } = await isolateLines(conn, lines, scratch);
      await conn.run('BEGIN TRANSACTION');
      try {
        const loaded = await insertLines(conn, good, scratch);
        await insertDeadLetters(conn, source, refused);
        await conn.run('COMMIT');
        return { ...loaded, deadLetters: refused.length };
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  });
}
