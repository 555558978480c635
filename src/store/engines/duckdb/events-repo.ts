// Reading events back (the live debugger, tests) and the derived user-agent dictionary.
import { listValue } from '@duckdb/node-api';
import type { EventFilter, StoredEvent, UserAgentRow } from '../../types.js';
import type { Db, Row } from './connection.js';
import { countEventsSql, queryEventsSql, toStoredEvent } from '../neutral/events-queries.js';
import { duckSql, queryNeutral } from './dialect.js';
import { toUserAgentToParse, userAgentsToParseSql } from '../neutral/user-agents-queries.js';

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

/** Distinct user agents in events (or a derive's stage) that have no parsed row yet. */
export async function userAgentsToParse(
  db: Db,
  limit: number,
  affected?: { workspaceId: string; stage: string },
): Promise<{ workspaceId: string; userAgent: string }[]> {
  const q = userAgentsToParseSql(limit, affected?.stage);
  // the stage is a temp table of the writer connection: read it there
  const rows = affected
    ? await db.write(async (c) => {
        const { text, params, types } = duckSql(q);
        return (await c.runAndReadAll(text, params, types)).getRowObjectsJson() as Row[];
      })
    : await queryNeutral(db, q);
  return rows.map(toUserAgentToParse);
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
