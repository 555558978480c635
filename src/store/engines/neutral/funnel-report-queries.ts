// The funnel report's read, written once for every engine (docs/reports.md, "funnel"): persons who
// entered in a range (their first visit; with no visit, their first funnel milestone), by the first
// visit's value of a dimension, and how far down the funnel each got.
import type { FunnelCountsRow, FunnelQuery } from '../../areas/pipeline.js';
import { NO_TOUCHPOINT } from '../../areas/first-touch.js';
import { touchFilterSql } from './first-touch-queries.js';
import { firstTouchCtes, firstTouchKept, firstTouchLabel } from './pipeline-queries.js';
import { fn, join, p, raw, sql, type Sql } from './sql.js';

export function funnelCountsSql(ws: string, q: FunnelQuery): Sql {
  const w = p.text(ws);
  const ranks = q.milestones.map((m, i) => sql`WHEN ${p.text(m)} THEN ${raw(String(i + 1))}`);
  const reached = q.milestones.map(
    (_, i) =>
      sql`${fn.countIf(`coalesce(r.top_rank, 0) >= ${i + 1}`)} AS ${raw(`reached_${i + 1}`)}`,
  );
  return sql`WITH ${firstTouchCtes(ws)},
  ranks AS (
    -- how far down the funnel each person got: the last of its milestones they reached
    SELECT person_id, max(CASE milestone ${join(ranks, ' ')} ELSE 0 END) AS top_rank,
      min(reached_at) AS first_reached
    FROM ${fn.table('milestones')}
    WHERE workspace_id = ${w} AND ${fn.inList('milestone', p.texts(q.milestones))}
    GROUP BY person_id),
  entries AS (
    SELECT f.person_id AS person_id, f.first_at AS entered_at, ${firstTouchLabel('f', q.by)} AS e_dim,
      1 AS visited
    FROM first_touch f
    WHERE ${firstTouchKept('f', q.filter)}
    UNION ALL
    SELECT k.person_id AS person_id, k.first_reached AS entered_at, ${p.text(NO_TOUCHPOINT)} AS e_dim,
      0 AS visited
    FROM ranks k LEFT JOIN first_touch f ON f.person_id = k.person_id
    WHERE f.person_id IS NULL AND ${touchFilterSql(q.filter, () => sql`${p.text(NO_TOUCHPOINT)}`)})
  SELECT e.e_dim AS first_touch, e.visited AS visited_flag, sum(e.visited) AS visitors,
    ${join(reached, ', ')}
  FROM entries e LEFT JOIN ranks r ON r.person_id = e.person_id
  WHERE e.entered_at >= ${p.time(new Date(q.from))} AND e.entered_at < ${p.time(new Date(q.to))}
  GROUP BY e.e_dim, e.visited
  ORDER BY visited_flag DESC, first_touch`;
}

export const toFunnelCountsRow =
  (q: Pick<FunnelQuery, 'milestones'>) =>
  (r: Record<string, unknown>): FunnelCountsRow => ({
    firstTouch: String(r.first_touch),
    visited: Number(r.visited_flag) === 1,
    visitors: Number(r.visitors),
    reached: q.milestones.map((_, i) => Number(r[`reached_${i + 1}`])),
  });
