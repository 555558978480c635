// A Segment NDJSON file into ClickHouse, the engine doing the work (import-sql.ts): the lines go into a
// stage table with their verdicts under the event rules and the time rule (no clock correction), the
// lines the fast JSON parser refused are read again by the lenient one, and the valid rows whose
// messageId is new and that name no erased identifier go into events, the first line of a repeated
// messageId kept. The embedded engine reads the file itself (file(), with its row numbers); a server is
// sent the lines, numbered, as the body of the stage's insert. Memory stays bounded for any file: the
// stage is a MergeTree table on disk, and the insert into events runs in buckets of messageIds.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import type { ImportProgress, IngestResult, Rejection } from '../../areas/events.js';
import type { ChStore } from './events.js';
import {
  createStageSql,
  eventsInsertSql,
  insertedCountSql,
  refusedLinesSource,
  rejectionsSql,
  stageInsertSql,
  stageSummarySql,
} from './import-sql.js';
import { numberedLines } from './numbered-lines.js';

/** Rejections listed in the result (all are counted), as DuckDB's import lists them. */
export const MAX_LISTED_REJECTIONS = 1000;

/** Most messageIds (of the file, or stored in the workspace) one insert into events de-duplicates against. */
export const BUCKET_IDS = 4_000_000;

/** The file's lines as the stage's source: the embedded engine's own reader, numbered from 1. */
const FILE_SOURCE = `(SELECT _row_number + 1 AS line_no, line FROM file({path:String}, 'LineAsString', 'line String'))`;
/** The same lines sent by us (numbered-lines.ts): `N<TAB>line`. */
const INPUT_SOURCE = `(SELECT toUInt64(substring(raw, 1, position(raw, '\\t') - 1)) AS line_no,
    substring(raw, position(raw, '\\t') + 1) AS line FROM input('raw String'))`;

interface Summary {
  lines: number;
  valid: number;
  refused: number;
}

export async function importEventsFile(
  s: ChStore,
  workspaceId: string,
  path: string,
  onProgress?: (p: ImportProgress) => void,
  opts: { bucketIds?: number } = {},
): Promise<IngestResult> {
  if (!existsSync(path)) throw new Error(`file not found: ${path}`);
  const batchId = `import-${randomUUID()}`;
  const now = Date.now() * 1000;
  const stage = `${s.database}.import_stage_${randomBytes(8).toString('hex')}`;
  const { conn, database } = s;
  await conn.command(createStageSql(stage));
  try {
    // 1. every line with its verdict (the bar moves with the bytes sent to a server; the embedded
    // engine's read is one statement)
    if (conn.kind === 'chdb') {
      await conn.command(
        stageInsertSql(stage, { source: FILE_SOURCE, now: '{now:Int64}', lenient: false }),
        {
          path,
          now,
        },
      );
    } else {
      if (!conn.insertFromInput) throw new Error(`${String(conn)} cannot stream an import`);
      const size = statSync(path).size;
      await conn.insertFromInput(
        `${stageInsertSql(stage, { source: INPUT_SOURCE, now: '{now:Int64}', lenient: false })}\n  FORMAT LineAsString`,
        numberedLines(path, (read) =>
          onProgress?.({ fraction: 0.8 * (size > 0 ? read / size : 1), file: path }),
        ),
        { now },
      );
    }
    onProgress?.({ fraction: 0.8, file: path });
    const summary = async () =>
      (await conn.query<Summary>(stageSummarySql(stage))).map((r) => ({
        lines: Number(r.lines),
        valid: Number(r.valid),
        refused: Number(r.refused),
      }))[0]!;
    let counts = await summary();
    // 2. the lines the fast parser refused, read by the lenient one
    if (counts.refused > 0) {
      await conn.command(
        stageInsertSql(stage, {
          source: refusedLinesSource(stage),
          now: '{now:Int64}',
          lenient: true,
        }),
        { now },
      );
      counts = await summary();
    }
    // 3. the new events, in as many buckets of messageIds as the file and the workspace need
    const params: Record<string, unknown> = { ws: workspaceId, batch: batchId };
    const [stored] = await conn.query<{ n: number }>(
      `SELECT count() AS n FROM ${database}.events WHERE workspace_id = {ws:String}`,
      params,
    );
    const buckets = Math.max(
      1,
      Math.ceil(Math.max(counts.valid, Number(stored?.n ?? 0)) / (opts.bucketIds ?? BUCKET_IDS)),
    );
    const tombstones = s.privacyKey !== undefined && (await hasTombstones(s, workspaceId));
    if (tombstones) params.key = s.privacyKey;
    if (counts.valid > 0)
      for (let k = 0; k < buckets; k++)
        await conn.command(
          eventsInsertSql({ database, stage, buckets, tombstones }),
          buckets > 1 ? { ...params, k, n: buckets } : params,
        );
    const [ins] = await conn.query<{ n: number }>(insertedCountSql(database), params);
    const inserted = Number(ins?.n ?? 0);
    const rejected: Rejection[] =
      counts.lines === counts.valid
        ? []
        : (
            await conn.query<{ line_no: number; err: string }>(
              rejectionsSql(stage, MAX_LISTED_REJECTIONS),
            )
          ).map((r) => {
            const bar = r.err.indexOf('|');
            return {
              line: Number(r.line_no),
              field: r.err.slice(0, bar),
              reason: r.err.slice(bar + 1),
            };
          });
    onProgress?.({ fraction: 1, file: path });
    return {
      received: counts.lines,
      inserted,
      duplicates: counts.valid - inserted,
      rejected,
      rejectedCount: counts.lines - counts.valid,
      batchId,
    };
  } finally {
    await conn.command(`DROP TABLE IF EXISTS ${stage}`);
  }
}

async function hasTombstones(s: ChStore, workspaceId: string): Promise<boolean> {
  const [row] = await s.conn.query<{ n: number }>(
    `SELECT count() AS n FROM (SELECT 1 FROM ${s.database}.erased_identifiers WHERE workspace_id = {ws:String} LIMIT 1)`,
    { ws: workspaceId },
  );
  return Number(row?.n ?? 0) > 0;
}
