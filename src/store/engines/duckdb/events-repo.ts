// Reading events back (the live debugger, tests) and the derived user-agent dictionary.
import { listValue } from '@duckdb/node-api';
import type { EventFilter, EventOrigin, StoredEvent, UserAgentRow } from '../../types.js';
import type { Db, Params, Row } from './connection.js';
import { parseJson } from './rows.js';

export async function queryEvents(
  db: Db,
  workspaceId: string,
  f: EventFilter = {},
): Promise<StoredEvent[]> {
  const where = ['workspace_id = $ws'];
  const params: Record<string, string | number> = {
    ws: workspaceId,
    limit: Math.min(f.limit ?? 100, 10_000),
  };
  const filters: [string | undefined, string, string][] = [
    [f.type, 'type', 'type = $type'],
    [f.anonymousId, 'anon', 'anonymous_id = $anon'],
    [f.userId, 'uid', 'user_id = $uid'],
    [f.since, 'since', 'ts >= CAST($since AS TIMESTAMPTZ)'],
    [f.until, 'until', 'ts < CAST($until AS TIMESTAMPTZ)'],
  ];
  for (const [value, name, condition] of filters) {
    if (value === undefined) continue;
    where.push(condition);
    params[name] = value;
  }
  const rows = await db.query(
    `SELECT message_id, type, event, name, anonymous_id, user_id,
       strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS ts,
       strftime(received_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS received_at,
       page_url, page_referrer, properties, traits, context, origin,
       u.browser, u.os, u.device_type, u.is_bot, e.country
     FROM events e
     LEFT JOIN user_agents u ON u.workspace_id = e.workspace_id AND u.user_agent = e.user_agent
     WHERE ${where.map((w) => `e.${w}`).join(' AND ')} ORDER BY ts DESC, message_id LIMIT $limit`,
    params,
  );
  return rows.map((r) => ({
    messageId: String(r.message_id),
    type: String(r.type),
    event: (r.event as string | null) ?? null,
    name: (r.name as string | null) ?? null,
    anonymousId: (r.anonymous_id as string | null) ?? null,
    userId: (r.user_id as string | null) ?? null,
    timestamp: String(r.ts),
    receivedAt: String(r.received_at),
    pageUrl: (r.page_url as string | null) ?? null,
    pageReferrer: (r.page_referrer as string | null) ?? null,
    properties: parseJson(r.properties),
    traits: parseJson(r.traits),
    context: parseJson(r.context),
    origin: String(r.origin) as EventOrigin,
    enrichment: {
      browser: (r.browser as string | null) ?? null,
      os: (r.os as string | null) ?? null,
      deviceType: (r.device_type as string | null) ?? null,
      bot: (r.is_bot as boolean | null) ?? null,
      country: (r.country as string | null) ?? null,
    },
  }));
}

export async function countEvents(db: Db, workspaceId: string): Promise<number> {
  const rows = await db.query('SELECT count(*) AS n FROM events WHERE workspace_id = $ws', {
    ws: workspaceId,
  });
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
