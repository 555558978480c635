// The events area's reads, written once for every engine.
import type { EventFilter, EventOrigin, StoredEvent } from '../../areas/events.js';
import { fn, join, p, sql, type Sql } from './sql.js';

/** Most rows one read returns (the live debugger pages; exports read per person). */
export const MAX_EVENTS_READ = 10_000;

/** A workspace's events, newest first, with their parsed user agent and country. */
export function queryEventsSql(workspaceId: string, f: EventFilter = {}): Sql {
  const where: Sql[] = [sql`e.workspace_id = ${p.text(workspaceId)}`];
  if (f.type !== undefined) where.push(sql`e.type = ${p.text(f.type)}`);
  if (f.anonymousId !== undefined) where.push(sql`e.anonymous_id = ${p.text(f.anonymousId)}`);
  if (f.userId !== undefined) where.push(sql`e.user_id = ${p.text(f.userId)}`);
  if (f.since !== undefined) where.push(sql`e.ts >= ${p.time(f.since)}`);
  if (f.until !== undefined) where.push(sql`e.ts < ${p.time(f.until)}`);
  const limit = Math.min(f.limit ?? 100, MAX_EVENTS_READ);
  return sql`SELECT e.message_id AS message_id, e.type AS type, e.event AS event, e.name AS name,
      e.anonymous_id AS anonymous_id, e.user_id AS user_id,
      ${fn.isoTime('e.ts')} AS ts_text, ${fn.isoTime('e.received_at')} AS received_text,
      e.page_url AS page_url, e.page_referrer AS page_referrer, e.properties AS properties,
      e.traits AS traits, e.context AS context, e.origin AS origin,
      u.browser AS browser, u.os AS os, u.device_type AS device_type, u.is_bot AS is_bot,
      e.country AS country
    FROM ${fn.table('events')} e
    LEFT JOIN ${fn.table('user_agents')} u ON u.workspace_id = e.workspace_id AND u.user_agent = e.user_agent
    WHERE ${join(where, ' AND ')}
    ORDER BY e.ts DESC, e.message_id LIMIT ${p.int(limit)}`;
}

const json = (v: unknown): unknown =>
  typeof v === 'string' ? (JSON.parse(v) as unknown) : (v ?? null);
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A row of queryEventsSql as a StoredEvent (JSON columns arrive as text or as values, by engine). */
export function toStoredEvent(r: Record<string, unknown>): StoredEvent {
  return {
    messageId: String(r.message_id),
    type: String(r.type),
    event: text(r.event),
    name: text(r.name),
    anonymousId: text(r.anonymous_id),
    userId: text(r.user_id),
    timestamp: String(r.ts_text),
    receivedAt: String(r.received_text),
    pageUrl: text(r.page_url),
    pageReferrer: text(r.page_referrer),
    properties: json(r.properties),
    traits: json(r.traits),
    context: json(r.context),
    origin: String(r.origin) as EventOrigin,
    enrichment: {
      browser: text(r.browser),
      os: text(r.os),
      deviceType: text(r.device_type),
      bot: r.is_bot === null || r.is_bot === undefined ? null : Boolean(r.is_bot),
      country: text(r.country),
    },
  };
}

/** How many events a workspace holds. */
export function countEventsSql(workspaceId: string): Sql {
  return sql`SELECT ${fn.countAll()} AS n FROM ${fn.table('events')} WHERE workspace_id = ${p.text(workspaceId)}`;
}
