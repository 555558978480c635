// The sessions' acquisition inputs as the channel rules read them, grouped (with their current channel
// and a landing URL to show), for previewing a rule change without re-deriving anything. Written once
// for every engine. Click ids are grouped by which are present, not by their values: the rules see
// them blinded (`gclid=~`), as the derive step's landings do, so sessions that differ only in a click
// id's value read alike (one group, not one per click).
import type { SessionTouchGroup } from '../../areas/sessions.js';
import { text } from './rows.js';
import { fn, join, p, raw, sql, type Sql } from './sql.js';

const GROUPED = 'source, medium, campaign, term, content, campaign_id, decided_by, channel';
const KEY = /^[A-Za-z0-9_]+$/;

/** The largest groups first (ties in a fixed order), at most `limit` of them. */
export function sessionTouchesSql(
  workspaceId: string,
  limit: number,
  clickIdParams: readonly string[],
): Sql {
  const params = clickIdParams.filter((k) => KEY.test(k));
  const flags = params.map(
    (k) => sql`(CASE WHEN ${fn.jsonText('click_ids', k)} IS NULL THEN 0 ELSE 1 END)`,
  );
  const flagColumns = join(
    flags.map((f, i) => sql`, ${f} AS ${raw(`ci_${i}`)}`),
    '',
  );
  const flagGroups = join(
    flags.map((f) => sql`, ${f}`),
    '',
  );
  const flagOrder = params.map((_, i) => `, ci_${i}`).join('');
  return sql`SELECT source, medium, campaign, term, content, campaign_id, decided_by, channel${flagColumns},
      MIN(landing_url) AS example_url, ${fn.countAll()} AS n
    FROM ${fn.table('sessions')}
    WHERE workspace_id = ${p.text(workspaceId)}
    GROUP BY ${raw(GROUPED)}${flagGroups}
    ORDER BY n DESC, ${raw(GROUPED)}${raw(flagOrder)}
    LIMIT ${p.int(limit)}`;
}

export function toSessionTouchGroup(
  clickIdParams: readonly string[],
): (r: Record<string, unknown>) => SessionTouchGroup {
  const params = clickIdParams.filter((k) => KEY.test(k));
  return (r) => ({
    source: String(r.source),
    medium: String(r.medium),
    campaign: text(r.campaign),
    term: text(r.term),
    content: text(r.content),
    campaignId: text(r.campaign_id),
    decidedBy: String(r.decided_by),
    clickIds: Object.fromEntries(
      params.filter((_, i) => Number(r[`ci_${i}`]) === 1).map((k) => [k, '~']),
    ),
    channel: String(r.channel),
    landingUrl: text(r.example_url),
    sessions: Number(r.n),
  });
}
