// The file-based bulk paths: importing an NDJSON file (with line-numbered rejections) and loading an
// ingestion-journal segment. Both go through DuckDB's own NDJSON reader and the shared normaliser.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { ImportProgress } from '../../store.js';
import type { IngestResult, Rejection, TouchedIds } from '../../types.js';
import { countNonBlankLines } from '../../../util/count-lines.js';
import { sqlString, type Db, type Row } from './connection.js';
import { insertNormalisedSql, readJsonColumnsArg } from './event-sql.js';
import { diagnoseFile } from './file-diagnosis.js';
import { importInsertSql } from './import-sql.js';

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
  const inserted = await db.write(async (conn) => {
    // DuckDB reports its own progress through a large scan; poll it for the caller's bar.
    const timer = onProgress
      ? setInterval(() => {
          const p = conn.progress;
          if (p.percentage >= 0) onProgress({ fraction: p.percentage / 100, file: path });
        }, 200)
      : undefined;
    try {
      const r = await conn.run(importInsertSql(src), {
        ws: workspaceId,
        received: new Date().toISOString(),
        correct: false,
        origin: 'import',
        batch,
      });
      return r.rowsChanged;
    } finally {
      if (timer) clearInterval(timer);
    }
  });
  onProgress?.({ fraction: 1, file: path });
  const lines = await linesPromise;
  if (inserted === lines) {
    return { received: lines, inserted, duplicates: 0, rejected: [], rejectedCount: 0 };
  }
  // Something was skipped: find which lines and why (slower, only for files that need it).
  const diag = await diagnoseFile(db, path, MAX_LISTED_REJECTIONS);
  return {
    received: lines,
    inserted,
    duplicates: diag.valid - inserted,
    rejected: diag.rejected,
    rejectedCount: diag.rejectedCount,
  };
}

export async function loadEventJournal(db: Db, path: string): Promise<{ inserted: number; touched: Map<string, TouchedIds> }> {
  const cols = readJsonColumnsArg({ _ws: 'VARCHAR', _recv: 'VARCHAR', _origin: 'VARCHAR', _batch: 'VARCHAR' });
  const src = `read_ndjson(${sqlString(path)}, columns=${cols}, format='newline_delimited')`;
  const meta = { ws: '_ws', received: 'CAST(_recv AS TIMESTAMPTZ)', correct: "(_origin <> 'import')", origin: '_origin', batch: '_batch' };
  const rows = await db.write(async (conn) =>
    (await conn.runAndReadAll(insertNormalisedSql(src, meta, 'RETURNING workspace_id, anonymous_id, user_id'))).getRows(),
  );
  // which anonymous and user ids got new events, per workspace: the derive step re-derives around those
  const touched = new Map<string, { anon: Set<string>; users: Set<string> }>();
  for (const [ws, anon, user] of rows) {
    let t = touched.get(String(ws));
    if (!t) touched.set(String(ws), (t = { anon: new Set(), users: new Set() }));
    if (anon !== null) t.anon.add(String(anon));
    if (user !== null) t.users.add(String(user));
  }
  return { inserted: rows.length, touched: new Map([...touched].map(([k, t]) => [k, { anonymousIds: [...t.anon], userIds: [...t.users] }])) };
}
