// The inspection area's reads (derived rows as stored, for `closedloop inspect` and for tests that compare
// whole derived states), written once for every engine. Each has a total order, so that two engines, or
// a rebuild and a live derive, list the same rows in the same order.
import type { IdentityLink, IdentityRow, QuarantineRow } from '../../areas/identity.js';
import type { SessionRow } from '../../areas/sessions.js';
import { spanHolds } from './identity-spans.js';
import { json, num, text } from './rows.js';
import { fn, p, raw, sql, type Sql } from './sql.js';

export function listSessionsSql(
  workspaceId: string,
  filter: { anonymousIds?: readonly string[]; limit?: number } = {},
): Sql {
  const ids = filter.anonymousIds
    ? sql` AND ${fn.inList('anonymous_id', p.texts(filter.anonymousIds))}`
    : sql``;
  return sql`SELECT session_id, anonymous_id, ${fn.isoTime('started_at')} AS started,
      ${fn.isoTime('ended_at')} AS ended, landing_url, referrer, source, medium, campaign, term, content,
      campaign_id, click_ids, ad_ids, channel, platform, channel_rule, decided_by, page_views, event_count,
      user_agent, country
    FROM ${fn.table('sessions')}
    WHERE workspace_id = ${p.text(workspaceId)}${ids}
    ORDER BY started_at, session_id LIMIT ${p.int(filter.limit ?? 100_000)}`;
}

export function toSessionRow(r: Record<string, unknown>): SessionRow {
  return {
    sessionId: String(r.session_id),
    anonymousId: String(r.anonymous_id),
    startedAt: String(r.started),
    endedAt: String(r.ended),
    landingUrl: text(r.landing_url),
    referrer: text(r.referrer),
    source: String(r.source),
    medium: String(r.medium),
    campaign: text(r.campaign),
    term: text(r.term),
    content: text(r.content),
    campaignId: text(r.campaign_id),
    clickIds: (json(r.click_ids) as Record<string, string> | null) ?? {},
    adIds: (json(r.ad_ids) as Record<string, string | null> | null) ?? {},
    channel: String(r.channel),
    platform: String(r.platform),
    channelRule: String(r.channel_rule),
    decidedBy: String(r.decided_by),
    pageViews: Number(r.page_views),
    eventCount: Number(r.event_count),
    userAgent: text(r.user_agent),
    country: text(r.country),
  };
}

export function sessionsByChannelSql(workspaceId: string): Sql {
  return sql`SELECT channel, ${fn.countAll()} AS n FROM ${fn.table('sessions')}
    WHERE workspace_id = ${p.text(workspaceId)} GROUP BY channel ORDER BY n DESC, channel`;
}

export const toChannelSessions = (r: Record<string, unknown>) => ({
  channel: String(r.channel),
  sessions: Number(r.n),
});

export function currentIdentitiesSql(workspaceId: string): Sql {
  return sql`SELECT kind, value, person_id, ${fn.epochMs('from_at')} AS f, ${fn.epochMs('until_at')} AS u
    FROM ${fn.table('identities')} WHERE workspace_id = ${p.text(workspaceId)}
    ORDER BY kind, value, f NULLS FIRST, person_id`;
}

export function toIdentityRow(r: Record<string, unknown>): IdentityRow {
  const row: IdentityRow = {
    kind: String(r.kind),
    value: String(r.value),
    personId: String(r.person_id),
  };
  // only a shared device's rows have a span (either end set)
  if (r.f !== null || r.u !== null) row.span = { from: num(r.f), until: num(r.u) };
  return row;
}

export function quarantinedIdentifiersSql(workspaceId: string): Sql {
  return sql`SELECT kind, value, distinct_emails, distinct_users, reason, sources
    FROM ${fn.table('identity_quarantine')} WHERE workspace_id = ${p.text(workspaceId)}
    ORDER BY kind, value`;
}

export const toQuarantineRow = (r: Record<string, unknown>): QuarantineRow => ({
  kind: String(r.kind),
  value: String(r.value),
  distinctEmails: Number(r.distinct_emails),
  distinctUsers: Number(r.distinct_users),
  reason: String(r.reason),
  sources: (json(r.sources) as string[] | null) ?? [],
});

export function listIdentityLinksSql(workspaceId: string): Sql {
  return sql`SELECT from_kind, from_value, to_kind, to_value, source, ${fn.isoTime('linked_at')} AS at
    FROM ${fn.table('identity_links')} WHERE workspace_id = ${p.text(workspaceId)}
    ORDER BY linked_at, recorded_at, from_kind, from_value, to_kind, to_value, source`;
}

export const toIdentityLink = (r: Record<string, unknown>): IdentityLink => ({
  fromKind: String(r.from_kind),
  fromValue: String(r.from_value),
  toKind: String(r.to_kind),
  toValue: String(r.to_value),
  source: String(r.source),
  at: String(r.at),
});

/** Leads by the channel of the person's first session at or before becoming a lead. */
export function leadsByFirstTouchChannelSql(workspaceId: string): Sql {
  const ws = p.text(workspaceId);
  return sql`WITH ps AS (
      SELECT i.person_id AS person_id, s.channel AS channel, s.started_at AS started_at,
        s.session_id AS session_id
      FROM ${fn.table('sessions')} s
      JOIN ${fn.table('identities')} i ON i.workspace_id = s.workspace_id AND i.kind = 'anonymous_id'
        AND i.value = s.anonymous_id AND ${raw(spanHolds('i', 's.started_at'))}
      WHERE s.workspace_id = ${ws}),
    firsts AS (
      SELECT m.person_id AS person_id, ${fn.argMin('ps.channel', '(ps.started_at, ps.session_id)')} AS channel
      FROM ${fn.table('milestones')} m
      LEFT JOIN ps ON ps.person_id = m.person_id AND ps.started_at <= m.reached_at
      WHERE m.workspace_id = ${ws} AND m.milestone = 'lead' GROUP BY m.person_id)
    SELECT coalesce(channel, '(no touchpoint)') AS touch, ${fn.countAll()} AS leads
    FROM firsts GROUP BY touch ORDER BY leads DESC, touch`;
}

export const toChannelLeads = (r: Record<string, unknown>) => ({
  channel: String(r.touch),
  leads: Number(r.leads),
});
