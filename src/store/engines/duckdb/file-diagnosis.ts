// Line-numbered validation of an import file that the bulk reader did not load whole, with the same
// rules the insert applies. The file is streamed in slices of lines, each checked by one statement, so
// a file of any size is diagnosed in the memory of one slice (the engine's read_text would hold the
// whole file as one value, and cannot hold one over 4 GB at all).
import { listValue } from '@duckdb/node-api';
import type { Rejection } from '../../types.js';
import { lineSlices, SLICE_LINES } from '../../../util/line-slices.js';
import { toRejection } from './bulk-load.js';
import { sqlString, VARCHAR_LIST, type Db, type Row } from './connection.js';
import { ERROR_EXPR, jsonTransformSpec, parsedSource } from './event-sql.js';

/** Why a line whose bytes are not UTF-8 is rejected (ClickHouse's import says the same). */
export const NOT_UTF8 = 'is not valid UTF-8';

const CHECK_SQL = `
  WITH lines AS (SELECT $first + generate_subscripts($lines::VARCHAR[], 1) - 1 AS line_no, unnest($lines::VARCHAR[]) AS line),
  parsed AS (
    SELECT line_no, json_valid(line) AS ok,
      CASE WHEN json_valid(line) AND json_type(line) = 'OBJECT' THEN json_transform(line, ${sqlString(jsonTransformSpec())}) END AS e
    FROM lines WHERE trim(line, e' \\t\\r') <> ''),
  cols AS (SELECT line_no, ok, e IS NOT NULL AS obj, unnest(e) FROM parsed),
  checked AS (
    SELECT line_no, CASE WHEN NOT ok THEN 'line|is not valid JSON'
                         WHEN NOT obj THEN 'line|must be a JSON object'
                         ELSE ${ERROR_EXPR} END AS err
    FROM ${parsedSource('cols')})
  SELECT count(*) FILTER (WHERE err IS NULL) AS valid, count(*) FILTER (WHERE err IS NOT NULL) AS bad,
    list({'line_no': line_no, 'err': err} ORDER BY line_no) FILTER (WHERE err IS NOT NULL) AS rejected
  FROM checked`;

/** Valid and rejected lines of a file (the first `maxListed` rejections listed with their line and reason, all counted). */
export async function diagnoseFile(
  db: Db,
  path: string,
  maxListed: number,
  sliceLines = SLICE_LINES,
): Promise<{ valid: number; rejected: Rejection[]; rejectedCount: number }> {
  let valid = 0;
  let rejectedCount = 0;
  const rejected: Rejection[] = [];
  for await (const { first, lines, notUtf8 } of lineSlices(path, sliceLines)) {
    // a line that is not UTF-8 is refused by the reader: blanked for the check, rejected here
    for (const i of notUtf8) lines[i] = '';
    const [r = {}] = await db.query(
      CHECK_SQL,
      { first, lines: listValue(lines) },
      { lines: VARCHAR_LIST },
    );
    valid += Number(r.valid ?? 0);
    rejectedCount += Number(r.bad ?? 0) + notUtf8.length;
    const inSlice = [
      ...((r.rejected as Row[] | null) ?? []).map(toRejection),
      ...notUtf8.map((i): Rejection => ({ line: first + i, field: 'line', reason: NOT_UTF8 })),
    ].sort((a, b) => a.line - b.line);
    for (const x of inSlice) {
      if (rejected.length >= maxListed) break;
      rejected.push(x);
    }
  }
  return { valid, rejected, rejectedCount };
}
