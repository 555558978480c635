// The derived user-agent dictionary on ClickHouse. The read is the neutral query every engine runs; the
// write is a de-duplicating insert (the table is a plain MergeTree sorted by workspace and user agent, so
// a row saved twice, by two derives racing, would double every event joined to it).
import type { UserAgentRow } from '../../areas/user-agents.js';
import { toUserAgentToParse, userAgentsToParseSql } from '../neutral/user-agents-queries.js';
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

/**
 * User agents not parsed yet, in every event or in a derive's staged events (`stage`: a table of the
 * store's database).
 */
export async function userAgentsToParse(
  s: ChStore,
  limit: number,
  affected?: { workspaceId: string; stage: string },
): Promise<{ workspaceId: string; userAgent: string }[]> {
  return (await queryNeutral(s.conn, s.database, userAgentsToParseSql(limit, affected?.stage))).map(
    toUserAgentToParse,
  );
}

export async function saveUserAgents(s: ChStore, rows: readonly UserAgentRow[]): Promise<void> {
  const key = (ws: string, ua: string) => `${ws}\u0000${ua}`;
  const todo = new Map<string, UserAgentRow>();
  for (const r of rows) todo.set(key(r.workspaceId, r.userAgent), r);
  if (todo.size === 0) return;
  const stored = await s.conn.query<{ workspace_id: string; user_agent: string }>(
    `SELECT workspace_id, user_agent FROM ${s.database}.user_agents
     WHERE has({ws:Array(String)}, workspace_id) AND has({ua:Array(String)}, user_agent)`,
    {
      ws: [...new Set(rows.map((r) => r.workspaceId))],
      ua: [...new Set(rows.map((r) => r.userAgent))],
    },
  );
  for (const r of stored) todo.delete(key(r.workspace_id, r.user_agent));
  await s.conn.insert(
    `${s.database}.user_agents`,
    [...todo.values()].map((r) => ({
      workspace_id: r.workspaceId,
      user_agent: r.userAgent,
      browser: r.browser,
      browser_version: r.browserVersion,
      os: r.os,
      device_type: r.deviceType,
      is_bot: r.bot,
      bot_reason: r.botReason,
    })),
  );
}
