// The user-agents area's read, written once for every engine.
import { fn, p, sql, type Sql } from './sql.js';

/**
 * Distinct user agents that have no parsed row yet, read from the events or from a derive's staged
 * events (a table the engine named). Ordered, so that a batch is the same on every engine.
 */
export function userAgentsToParseSql(limit: number, stage?: string): Sql {
  return sql`SELECT e.workspace_id AS workspace_id, e.ua AS ua
    FROM (SELECT DISTINCT workspace_id, user_agent AS ua FROM ${fn.table(stage ?? 'events')}
      WHERE user_agent IS NOT NULL) e
    ANTI JOIN ${fn.table('user_agents')} u ON u.workspace_id = e.workspace_id AND u.user_agent = e.ua
    ORDER BY workspace_id, ua LIMIT ${p.int(limit)}`;
}

export const toUserAgentToParse = (r: Record<string, unknown>) => ({
  workspaceId: String(r.workspace_id),
  userAgent: String(r.ua),
});
