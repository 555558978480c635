// The sessions area on DuckDB: the neutral queries (../neutral/sessions-queries.ts) over temp tables,
// the acquisitions back in through the bulk reader (one file, however many landings), and the old
// sessions replaced in one transaction.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listValue } from '@duckdb/node-api';
import type {
  Acquisition,
  ChannelMove,
  Landing,
  SessionRow,
  SessionTouchGroup,
} from '../../types.js';
import { sessionTouchesSql, toSessionTouchGroup } from '../neutral/channel-preview-queries.js';
import { ident, p, raw, sql, type Raw } from '../neutral/sql.js';
import {
  ACQUISITION_COLUMNS,
  acquisitionRows,
  channelMovesSql,
  countSql,
  distinctLandingsSql,
  insertSessionsSql,
  oldChannelsSql,
  stageSessionsSql,
  toLanding,
  type RowColumns,
} from '../neutral/sessions-queries.js';
import { sqlString, VARCHAR_LIST, type Db } from './connection.js';
import { queryNeutral, readNeutral, runNeutral } from './dialect.js';
import {
  listSessionsSql,
  sessionsByChannelSql,
  toChannelSessions,
  toSessionRow,
} from '../neutral/inspection-queries.js';

const STAGED = ident('derive_sessions');
const SCOPE = ident('derive_scope');
const OLD = ident('derive_old');

/**
 * Rows as a table expression: an NDJSON file the bulk reader reads (one file, however many rows), as
 * cheap for a handful as for a million.
 */
export function rowsTable(
  file: string,
  columns: RowColumns,
  rows: readonly Record<string, unknown>[],
): Raw {
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
  const spec = Object.entries(columns)
    .map(([name, kind]) => `${ident(name).text}: '${kind === 'json' ? 'JSON' : 'VARCHAR'}'`)
    .join(', ');
  return raw(`read_ndjson(${sqlString(file)}, columns={${spec}})`);
}

export async function deriveSessions(
  db: Db,
  workspaceId: string,
  opts: {
    inactivityMinutes: number;
    clickIdParams: readonly string[];
    anonymousIds?: readonly string[];
    stage?: string;
    reportMoves?: boolean;
  },
  classify: (landings: readonly Landing[]) => Acquisition[],
): Promise<{ sessions: number; landings: number; moves?: ChannelMove[] }> {
  const scope = opts.anonymousIds !== undefined ? SCOPE : undefined;
  const stage = scope && opts.stage !== undefined ? opts.stage : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-derive-'));
  try {
    return await db.write(async (conn) => {
      if (scope) {
        await conn.run(
          'CREATE OR REPLACE TEMP TABLE derive_scope AS SELECT unnest($ids::VARCHAR[]) AS anonymous_id',
          { ids: listValue([...opts.anonymousIds!]) },
          { ids: VARCHAR_LIST },
        );
      }
      const source = {
        events: ident(stage ?? 'events'),
        rowId: stage ? 'rid' : 'rowid',
        ...(scope ? { scope } : {}),
      };
      await runNeutral(
        conn,
        sql`CREATE OR REPLACE TEMP TABLE ${STAGED} AS ${stageSessionsSql(workspaceId, opts.inactivityMinutes, opts.clickIdParams, source)}`,
      );
      const landings = (await readNeutral(conn, distinctLandingsSql(STAGED))).map(toLanding);
      const acquisitions = rowsTable(
        join(dir, 'acquisitions.ndjson'),
        ACQUISITION_COLUMNS,
        acquisitionRows(landings, classify(landings)),
      );
      if (opts.reportMoves)
        await runNeutral(
          conn,
          sql`CREATE OR REPLACE TEMP TABLE ${OLD} AS ${oldChannelsSql(workspaceId, scope)}`,
        );
      await conn.run('BEGIN TRANSACTION');
      try {
        await runNeutral(
          conn,
          sql`DELETE FROM sessions WHERE workspace_id = ${p.text(workspaceId)}
            ${scope ? sql`AND anonymous_id IN (SELECT anonymous_id FROM ${scope})` : sql``}`,
        );
        await runNeutral(
          conn,
          insertSessionsSql(
            workspaceId,
            ident('sessions'),
            STAGED,
            acquisitions,
            opts.clickIdParams,
          ),
        );
        await conn.run('COMMIT');
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
      const moves = opts.reportMoves
        ? (await readNeutral(conn, channelMovesSql(workspaceId, OLD, scope))).map((r) => ({
            from: r.from_channel === null ? null : String(r.from_channel),
            to: r.to_channel === null ? null : String(r.to_channel),
            sessions: Number(r.sessions),
          }))
        : undefined;
      const n = await readNeutral(conn, countSql(STAGED));
      return {
        sessions: Number(n[0]?.n ?? 0),
        landings: landings.length,
        ...(moves ? { moves } : {}),
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function listSessions(
  db: Db,
  workspaceId: string,
  filter: { anonymousIds?: readonly string[]; limit?: number } = {},
): Promise<SessionRow[]> {
  return (await queryNeutral(db, listSessionsSql(workspaceId, filter))).map(toSessionRow);
}

export async function sessionsByChannel(
  db: Db,
  workspaceId: string,
): Promise<{ channel: string; sessions: number }[]> {
  return (await queryNeutral(db, sessionsByChannelSql(workspaceId))).map(toChannelSessions);
}

export async function sessionTouches(
  db: Db,
  workspaceId: string,
  opts: { limit: number; clickIdParams: readonly string[] },
): Promise<SessionTouchGroup[]> {
  return (
    await queryNeutral(db, sessionTouchesSql(workspaceId, opts.limit, opts.clickIdParams))
  ).map(toSessionTouchGroup(opts.clickIdParams));
}
