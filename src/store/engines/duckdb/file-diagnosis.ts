// Line-numbered validation of an import file that the bulk reader did not load whole, with the same
// rules the insert applies. The file is streamed in slices of lines, each checked by one statement, so
// a file of any size is diagnosed in the memory of one slice (the engine's read_text would hold the
// whole file as one value, and cannot hold one over 4 GB at all).
import { createReadStream } from 'node:fs';
import { listValue } from '@duckdb/node-api';
import type { Rejection } from '../../types.js';
import { toRejection } from './bulk-load.js';
import { sqlString, VARCHAR_LIST, type Db, type Row } from './connection.js';
import { ERROR_EXPR, jsonTransformSpec, parsedSource } from './event-sql.js';

/** A slice ends at this many lines or this many characters, whichever comes first. */
const SLICE_LINES = 50_000;
const SLICE_CHARS = 32 * 2 ** 20;

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

/** The lines of a file (split at \n only, as the bulk reader does), a slice at a time, with the number of the first. */
export async function* lineSlices(
  path: string,
  maxLines = SLICE_LINES,
  maxChars = SLICE_CHARS,
): AsyncGenerator<{ first: number; lines: string[] }> {
  let lines: string[] = [];
  let chars = 0;
  let first = 1;
  let carry: Buffer[] = []; // the start of a line that continues into the next chunk
  for await (const chunk of createReadStream(path, {
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      const line =
        carry.length > 0
          ? Buffer.concat([...carry, piece]).toString('utf8')
          : piece.toString('utf8');
      carry = [];
      start = nl + 1;
      lines.push(line);
      chars += line.length;
      if (lines.length >= maxLines || chars >= maxChars) {
        yield { first, lines };
        first += lines.length;
        lines = [];
        chars = 0;
      }
    }
    if (start < chunk.length) carry.push(chunk.subarray(start));
  }
  if (carry.length > 0) lines.push(Buffer.concat(carry).toString('utf8'));
  if (lines.length > 0) yield { first, lines };
}

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
  for await (const { first, lines } of lineSlices(path, sliceLines)) {
    const [r = {}] = await db.query(
      CHECK_SQL,
      { first, lines: listValue(lines) },
      { lines: VARCHAR_LIST },
    );
    valid += Number(r.valid ?? 0);
    rejectedCount += Number(r.bad ?? 0);
    for (const x of (r.rejected as Row[] | null) ?? []) {
      if (rejected.length >= maxListed) break;
      rejected.push(toRejection(x));
    }
  }
  return { valid, rejected, rejectedCount };
}
