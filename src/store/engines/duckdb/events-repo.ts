// Reading events back (the live debugger, tests) and the derived user-agent dictionary.
import { listValue } from '@duckdb/node-api';
import type { EventFilter, StoredEvent, UserAgentRow } from '../../types.js';
import type { Db, Params, Row } from './connection.js';
import { countEventsSql, queryEventsSql, toStoredEvent } from '../neutral/events-queries.js';
import { queryNeutral } from './dialect.js';

export async function queryEvents(
  db: Db,
  workspaceId: string,
  f: EventFilter = {},
): Promise<StoredEvent[]> {
  return (await queryNeutral(db, queryEventsSql(workspaceId, f))).map(toStoredEvent);
}

export async function countEvents(db: Db, workspaceId: string): Promise<number> {
  const rows = await queryNeutral(db, countEventsSql(workspaceId));
  return Number(rows[0]?.n ?? 0);
}

/** Distinct user agents in events that have no parsed row yet. */
export async function userAgentsToParse(
  db: Db,
  limit: number,
  affected?: { workspaceId: string; stage: string },
): Promise<{ workspaceId: string; userAgent: string }[]> {
  // the stage is a temp table of the writer connection: read it there
  const read = affected
    ? async (sql: string, p: Params) =>
        (await db.write((c) => c.runAndReadAll(sql, p))).getRowObjectsJson() as Row[]
    : (sql: string, p: Params) => db.query(sql, p);
  const rows = await read(
    `SELECT e.workspace_id, e.ua FROM (SELECT DISTINCT workspace_id, user_agent AS ua FROM ${affected?.stage ?? 'events'} WHERE user_agent IS NOT NULL) e
     ANTI JOIN user_agents u ON u.workspace_id = e.workspace_id AND u.user_agent = e.ua
     LIMIT $limit`,
    { limit },
  );
  return rows.map((r) => ({ workspaceId: String(r.workspace_id), userAgent: String(r.ua) }));
}

export async function saveUserAgents(db: Db, rows: readonly UserAgentRow[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: UserAgentRow) => T) => listValue(rows.map(f) as never[]);
  await db.write((c) =>
    c.run(
      `INSERT OR IGNORE INTO user_agents SELECT unnest($ws::VARCHAR[]), unnest($ua::VARCHAR[]), unnest($b::VARCHAR[]),
         unnest($bv::VARCHAR[]), unnest($os::VARCHAR[]), unnest($dt::VARCHAR[]), unnest($bot::BOOLEAN[]), unnest($br::VARCHAR[])`,
      {
        ws: col((r) => r.workspaceId),
        ua: col((r) => r.userAgent),
        b: col((r) => r.browser),
        bv: col((r) => r.browserVersion),
        os: col((r) => r.os),
        dt: col((r) => r.deviceType),
        bot: col((r) => r.bot),
        br: col((r) => r.botReason),
      },
    ),
  );
}
