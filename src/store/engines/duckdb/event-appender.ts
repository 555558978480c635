// The live ingestion write: many requests' events normalised and de-duplicated in one statement and one
// transaction, with a result (inserted, duplicates, rejections by position) per request.
import { randomUUID } from 'node:crypto';
import { listValue, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import type { EventOrigin, IngestResult, RawEvent } from '../../types.js';
import { toRejection } from './bulk-load.js';
import { sqlString, type Db, type Row } from './connection.js';
import {
  EVENT_COLUMNS,
  dedupInsertSql,
  jsonTransformSpec,
  normalisedColumns,
  parsedSource,
} from './event-sql.js';

/** One request's events, for group commit. */
export interface EventGroup {
  workspaceId: string;
  events: readonly RawEvent[];
  origin: EventOrigin;
  receivedAt: Date;
}

interface IngestStatements {
  stage: DuckDBPreparedStatement;
  insertSql: string;
  errorsSql: string;
  clear: DuckDBPreparedStatement;
}

export class EventAppender {
  constructor(private readonly db: Db) {}

  /**
   * Group commit: many requests' events in one statement and one transaction (one WAL sync),
   * with a result per request. Rows carry their own workspace, time and origin as columns.
   */
  async append(groups: readonly EventGroup[]): Promise<IngestResult[]> {
    const lines: string[] = [];
    const wss: string[] = [];
    const received: string[] = [];
    const correct: boolean[] = [];
    const origins: string[] = [];
    const batches: string[] = [];
    const groupOf: number[] = [];
    const positionInGroup: number[] = [];
    const batchIds = groups.map((g) => `${g.origin}-${randomUUID()}`);
    groups.forEach((g, gi) => {
      const at = g.receivedAt.toISOString();
      g.events.forEach((e, i) => {
        lines.push(JSON.stringify(e));
        wss.push(g.workspaceId);
        received.push(at);
        correct.push(g.origin !== 'import');
        origins.push(g.origin);
        batches.push(batchIds[gi]!);
        groupOf.push(gi);
        positionInGroup.push(i + 1);
      });
    });
    const results: IngestResult[] = groups.map((g) => ({
      received: g.events.length,
      inserted: 0,
      duplicates: 0,
      rejected: [],
      rejectedCount: 0,
    }));
    if (lines.length === 0) return results;
    const params = {
      lines: listValue(lines),
      wss: listValue(wss),
      recv: listValue(received),
      corr: listValue(correct),
      origins: listValue(origins),
      batches: listValue(batches),
    };
    const byBatch = new Map(batchIds.map((b, i) => [b, i]));
    await this.db.transaction(async (conn) => {
      const st = await this.ingestStatements(conn);
      st.stage.bind(params);
      await st.stage.run();
      const ins = await conn.runAndReadAll(st.insertSql);
      for (const row of ins.getRows()) results[byBatch.get(String(row[0]))!]!.inserted++;
      const bad = await conn.runAndReadAll(st.errorsSql);
      for (const row of bad.getRowObjectsJson() as Row[]) {
        const idx = Number(row.line_no) - 1;
        const r = results[groupOf[idx]!]!;
        r.rejected.push(toRejection({ line_no: positionInGroup[idx], err: row.err }));
        r.rejectedCount++;
      }
      await st.clear.run();
    });
    for (const r of results) r.duplicates = r.received - r.inserted - r.rejectedCount;
    return results;
  }

  private statements: Promise<IngestStatements> | undefined;

  /**
   * Ingestion statements, planned once: the live path runs them for every group commit, and
   * planning the normaliser's SQL costs more than running it on a few dozen events.
   */
  private ingestStatements(conn: DuckDBConnection): Promise<IngestStatements> {
    this.statements ??= (async () => {
      await conn.run(`CREATE TEMP TABLE IF NOT EXISTS ingest_stage AS
        SELECT *, ''::VARCHAR AS err, 0::BIGINT AS line_no FROM events LIMIT 0`);
      const meta = {
        ws: '_ws',
        received: '_recv',
        correct: '_corr',
        origin: '_origin',
        batch: '_batch',
      };
      const cols = `${EVENT_COLUMNS.join(', ')}`;
      return {
        // Normalises from the bound lists, so its plan never depends on table statistics.
        stage: await conn.prepare(`INSERT INTO ingest_stage (${cols}, err, line_no)
          SELECT ${cols}, err, line_no FROM (
            SELECT ${normalisedColumns(meta)}, line_no FROM ${parsedSource(`(
              SELECT line_no, _ws, CAST(_recv AS TIMESTAMPTZ) AS _recv, _corr, _origin, _batch,
                unnest(json_transform(line, ${sqlString(jsonTransformSpec())}))
              FROM (SELECT generate_subscripts($lines::VARCHAR[], 1) AS line_no, unnest($lines::VARCHAR[]) AS line,
                unnest($wss::VARCHAR[]) AS _ws, unnest($recv::VARCHAR[]) AS _recv, unnest($corr::BOOLEAN[]) AS _corr,
                unnest($origins::VARCHAR[]) AS _origin, unnest($batches::VARCHAR[]) AS _batch))`)})`),
        // Not prepared: a plan made over the stage table would fold its statistics of the moment into constants.
        insertSql: dedupInsertSql('ingest_stage', 'RETURNING batch_id'),
        errorsSql: 'SELECT line_no, err FROM ingest_stage WHERE err IS NOT NULL ORDER BY line_no',
        clear: await conn.prepare('DELETE FROM ingest_stage'),
      };
    })();
    return this.statements;
  }
}
