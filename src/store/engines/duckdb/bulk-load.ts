// The file-based bulk paths: importing an NDJSON file (with line-numbered rejections) and loading an
// ingestion-journal segment. Both go through DuckDB's own NDJSON reader and the shared normaliser.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { ImportProgress } from '../../store.js';
import type { IngestResult, Rejection, TouchedIds } from '../../types.js';
import { countNonBlankLines } from '../../../util/count-lines.js';
import { sqlString, type Db, type Row } from './connection.js';
import { ERROR_EXPR, insertNormalisedSql, jsonTransformSpec, readJsonColumnsArg } from './event-sql.js';

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
      const r = await conn.run(insertNormalisedSql(src), {
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
  const diag = await diagnoseFile(db, path);
  return {
    received: lines,
    inserted,
    duplicates: diag.valid - inserted,
    rejected: diag.rejected,
    rejectedCount: diag.rejectedCount,
  };
}

export async function loadEventJournal(db: Db, path: string): Promise<{ inserted: number; touched: Map<string, TouchedIds> }> {
  const cols = readJsonColumnsArg({ _ws: 'VARCHAR', _recv: 'VARCHAR', _origin: 'VARCHAR', _batch: 'VARCHAR', _ts: 'VARCHAR' });
  const src = `read_ndjson(${sqlString(path)}, columns=${cols}, format='newline_delimited')`;
  const meta = { ws: '_ws', received: 'CAST(_recv AS TIMESTAMPTZ)', correct: "(_origin <> 'import')", origin: '_origin', batch: '_batch', ts: '_ts' };
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

/** Line-numbered validation of a file, with the same rules the insert applies. */
async function diagnoseFile(db: Db, path: string): Promise<{ valid: number; rejected: Rejection[]; rejectedCount: number }> {
  const sql = `
    WITH raw AS (SELECT string_split(content, chr(10)) AS arr FROM read_text(${sqlString(path)})),
    lines AS (SELECT generate_subscripts(arr, 1) AS line_no, unnest(arr) AS line FROM raw),
    parsed AS (
      SELECT line_no, json_valid(line) AS ok,
        CASE WHEN json_valid(line) AND json_type(line) = 'OBJECT' THEN json_transform(line, ${sqlString(jsonTransformSpec())}) END AS e
      FROM lines WHERE trim(line, e' \\t\\r') <> ''),
    cols AS (SELECT line_no, ok, e IS NOT NULL AS obj, unnest(e) FROM parsed),
    checked AS (
      SELECT line_no, CASE WHEN NOT ok THEN 'line|is not valid JSON'
                           WHEN NOT obj THEN 'line|must be a JSON object'
                           ELSE ${ERROR_EXPR} END AS err
      FROM cols)
    SELECT count(*) FILTER (WHERE err IS NULL) AS valid, count(*) FILTER (WHERE err IS NOT NULL) AS bad,
      list({'line_no': line_no, 'err': err} ORDER BY line_no) FILTER (WHERE err IS NOT NULL) AS rejected
    FROM checked`;
  const rows = await db.query(sql);
  const r = rows[0] ?? {};
  const rejected = ((r.rejected as Row[] | null) ?? []).slice(0, MAX_LISTED_REJECTIONS).map(toRejection);
  return { valid: Number(r.valid ?? 0), rejected, rejectedCount: Number(r.bad ?? 0) };
}
