// A Segment NDJSON file into ClickHouse, the engine doing the work (import-sql.ts), in SQL rendered from
// the same rules as DuckDB's import. Two ways, as DuckDB's import has a fast form and a careful one:
//   - direct (the embedded engine, which reads the file itself): every line parsed and checked on its way
//     into events, the valid ones whose messageId the workspace does not have stored. Kept when every
//     non-blank line was stored, each messageId once: what the staged way would have stored. Else taken
//     back (its batch deleted) and the file imported the staged way. A clean new file, the common case,
//     is read once and written once.
//   - staged: the lines go into a stage table with their verdicts; the lines the fast JSON parser refused
//     are read again by the lenient one; the valid rows whose messageId is new and that name no erased
//     identifier go into events, the first line of a repeated messageId kept; the rejected lines are
//     listed. A server is sent the lines, numbered, as the body of the stage's insert.
// Memory stays bounded for any file: the stage is a MergeTree table on disk, and the insert into events
// de-duplicates against at most BUCKET_IDS messageIds at a time (the direct way runs only for a
// workspace that holds no more).
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import type { ImportProgress, IngestResult, Rejection } from '../../areas/events.js';
import { countNonBlankLines } from '../../../util/count-lines.js';
import type { ChStore } from './events.js';
import {
  createStageSql,
  deleteBatchSql,
  eventsInsertSql,
  insertedCountSql,
  parsedLinesSql,
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

/** The file's lines as the engine reads them itself, numbered from 1. */
const FILE_SOURCE = `(SELECT _row_number + 1 AS line_no, line FROM file({path:String}, 'LineAsString', 'line String'))`;
/** The same lines sent by us (numbered-lines.ts): `N<TAB>line`. */
const INPUT_SOURCE = `(SELECT toUInt64(substring(raw, 1, position(raw, '\\t') - 1)) AS line_no,
    substring(raw, position(raw, '\\t') + 1) AS line FROM input('raw String'))`;
const NOW = '{now:Int64}';

interface Summary {
  lines: number;
  valid: number;
  refused: number;
}

interface Import {
  s: ChStore;
  path: string;
  /** ws, batch, now; key when the workspace has tombstones. */
  params: Record<string, unknown>;
  tombstones: boolean;
  stored: number;
  bucketIds: number;
  onProgress?: (p: ImportProgress) => void;
}

export async function importEventsFile(
  s: ChStore,
  workspaceId: string,
  path: string,
  onProgress?: (p: ImportProgress) => void,
  opts: { bucketIds?: number; direct?: boolean } = {},
): Promise<IngestResult> {
  if (!existsSync(path)) throw new Error(`file not found: ${path}`);
  const batchId = `import-${randomUUID()}`;
  const params: Record<string, unknown> = {
    ws: workspaceId,
    batch: batchId,
    now: Date.now() * 1000,
  };
  const [stored] = await s.conn.query<{ n: number }>(
    `SELECT count() AS n FROM ${s.database}.events WHERE workspace_id = {ws:String}`,
    params,
  );
  const tombstones = s.privacyKey !== undefined && (await hasTombstones(s, workspaceId));
  if (tombstones) params.key = s.privacyKey;
  const x: Import = {
    s,
    path,
    params,
    tombstones,
    stored: Number(stored?.n ?? 0),
    bucketIds: opts.bucketIds ?? BUCKET_IDS,
    ...(onProgress ? { onProgress } : {}),
  };
  const result =
    (opts.direct ?? true) && s.conn.kind === 'chdb' && x.stored <= x.bucketIds
      ? await direct(x)
      : undefined;
  onProgress?.({ fraction: 1, file: path });
  return { ...(result ?? (await staged(x))), batchId };
}

type Counts = Omit<IngestResult, 'batchId'>;

/** The direct way: the result when it stored what the staged way would have, else undefined (taken back). */
async function direct(x: Import): Promise<Counts | undefined> {
  const { conn, database } = x.s;
  const lines = countNonBlankLines(x.path);
  const parsed = `(${parsedLinesSql({ source: FILE_SOURCE, now: NOW, lenient: false })})`;
  await conn.command(
    eventsInsertSql({
      database,
      stage: parsed,
      buckets: 1,
      tombstones: x.tombstones,
      direct: true,
    }),
    { ...x.params, path: x.path },
  );
  const [r] = await conn.query<{ n: number; ids: number }>(insertedCountSql(database), x.params);
  const [n, ids, total] = [Number(r?.n ?? 0), Number(r?.ids ?? 0), await lines];
  if (n === total && ids === n)
    return { received: n, inserted: n, duplicates: 0, rejected: [], rejectedCount: 0 };
  if (n > 0) await conn.command(deleteBatchSql(database), x.params);
  return undefined;
}

/** The staged way (see the top of this file). */
async function staged(x: Import): Promise<Counts> {
  const { conn, database } = x.s;
  const stage = `${database}.import_stage_${randomBytes(8).toString('hex')}`;
  await conn.command(createStageSql(stage));
  try {
    // 1. every line with its verdict (the bar moves with the bytes sent to a server; the embedded
    // engine's read is one statement)
    if (conn.kind === 'chdb') {
      await conn.command(stageInsertSql(stage, { source: FILE_SOURCE, now: NOW, lenient: false }), {
        path: x.path,
        now: x.params.now,
      });
    } else {
      if (!conn.insertFromInput) throw new Error(`${String(conn)} cannot stream an import`);
      const size = statSync(x.path).size;
      await conn.insertFromInput(
        `${stageInsertSql(stage, { source: INPUT_SOURCE, now: NOW, lenient: false })}\n  FORMAT LineAsString`,
        numberedLines(x.path, (read) =>
          x.onProgress?.({ fraction: 0.8 * (size > 0 ? read / size : 1), file: x.path }),
        ),
        { now: x.params.now },
      );
    }
    x.onProgress?.({ fraction: 0.8, file: x.path });
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
        stageInsertSql(stage, { source: refusedLinesSource(stage), now: NOW, lenient: true }),
        { now: x.params.now },
      );
      counts = await summary();
    }
    // 3. the new events, in as many buckets of messageIds as the file and the workspace need
    const buckets = Math.max(1, Math.ceil(Math.max(counts.valid, x.stored) / x.bucketIds));
    if (counts.valid > 0)
      for (let k = 0; k < buckets; k++)
        await conn.command(
          eventsInsertSql({ database, stage, buckets, tombstones: x.tombstones }),
          buckets > 1 ? { ...x.params, k, n: buckets } : x.params,
        );
    const [ins] = await conn.query<{ n: number }>(insertedCountSql(database), x.params);
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
    return {
      received: counts.lines,
      inserted,
      duplicates: counts.valid - inserted,
      rejected,
      rejectedCount: counts.lines - counts.valid,
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
