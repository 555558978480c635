// The sessions' acquisition inputs as the channel rules read them, grouped (with their current channel
// and a landing URL to show), for previewing a rule change without re-deriving anything. Written once
// for every engine.
import type { SessionTouchGroup } from '../../areas/sessions.js';
import { json, text } from './rows.js';
import { fn, p, raw, sql, type Sql } from './sql.js';

const GROUPED = 'source, medium, campaign, term, content, campaign_id, decided_by, channel';

/** The largest groups first (ties in a fixed order), at most `limit` of them. */
export function sessionTouchesSql(workspaceId: string, limit: number): Sql {
  const clickIds = fn.jsonAsText('click_ids');
  return sql`SELECT source, medium, campaign, term, content, campaign_id, decided_by, channel,
      ${clickIds} AS touch_click_ids, MIN(landing_url) AS example_url, ${fn.countAll()} AS n
    FROM ${fn.table('sessions')}
    WHERE workspace_id = ${p.text(workspaceId)}
    GROUP BY ${raw(GROUPED)}, ${clickIds}
    ORDER BY n DESC, ${raw(GROUPED)}, touch_click_ids
    LIMIT ${p.int(limit)}`;
}

export function toSessionTouchGroup(r: Record<string, unknown>): SessionTouchGroup {
  const ids = json(r.touch_click_ids);
  return {
    source: String(r.source),
    medium: String(r.medium),
    campaign: text(r.campaign),
    term: text(r.term),
    content: text(r.content),
    campaignId: text(r.campaign_id),
    decidedBy: String(r.decided_by),
    clickIds: ids && typeof ids === 'object' ? (ids as Record<string, string>) : {},
    channel: String(r.channel),
    landingUrl: text(r.example_url),
    sessions: Number(r.n),
  };
}
