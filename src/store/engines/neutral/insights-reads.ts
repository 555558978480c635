// The insights area (areas/insights.ts) over any engine's neutral reads: each engine hands its way of
// running a neutral query, and every read and row conversion is this one.
import type { CrmMatchCount } from '../../areas/crm.js';
import type {
  InsightsStore,
  JourneySegmentRow,
  JourneyTouch,
  UnmatchedCrmRecord,
} from '../../areas/insights.js';
import { journeyPathsSql, journeySegmentSql, personEmailsSql } from './insights-journeys.js';
import {
  crmMatchHealthSql,
  goalActualsSql,
  realtimeMinutesSql,
  realtimePagesSql,
  realtimeSourcesSql,
  realtimeTotalsSql,
  stitchedByMilestoneSql,
} from './insights-queries.js';
import { toCrmMatchCount } from './crm-rows.js';
import { num, text } from './rows.js';
import type { Sql } from './sql.js';

type Rows = (q: Sql) => Promise<Record<string, unknown>[]>;
const n = (v: unknown) => Number(v ?? 0);

export function insightsReads(rows: Rows): InsightsStore {
  return {
    async journeySegment(ws, q, maxTouches) {
      const page = await rows(journeySegmentSql(ws, q));
      if (page.length === 0) {
        // the page may lie past the segment's end: its size is still asked for
        const total =
          q.offset > 0
            ? n((await rows(journeySegmentSql(ws, { ...q, limit: 1, offset: 0 })))[0]?.total)
            : 0;
        return { total, rows: [] };
      }
      const persons = page.map((r) => String(r.person_id));
      const [paths, emails] = await Promise.all([
        rows(journeyPathsSql(ws, q.milestone, persons, maxTouches)),
        rows(personEmailsSql(ws, persons)),
      ]);
      const touches = new Map<string, { list: JourneyTouch[]; count: number }>();
      for (const t of paths) {
        const id = String(t.person_id);
        const entry = touches.get(id) ?? { list: [], count: n(t.n) };
        entry.list.push({
          sessionId: String(t.session_id),
          at: n(t.t_ms),
          channel: String(t.channel),
          source: String(t.source),
          medium: String(t.medium),
          campaign: text(t.campaign),
        });
        touches.set(id, entry);
      }
      const email = new Map(emails.map((r) => [String(r.person_id), text(r.email)]));
      return {
        total: n(page[0]!.total),
        rows: page.map((r): JourneySegmentRow => {
          const id = String(r.person_id);
          const t = touches.get(id);
          return {
            personId: id,
            reachedAt: n(r.t_ms),
            value: num(r.value),
            email: email.get(id) ?? null,
            touches: t?.list ?? [],
            touchCount: t?.count ?? 0,
          };
        }),
      };
    },

    async stitchedByMilestone(ws) {
      return (await rows(stitchedByMilestoneSql(ws))).map((r) => ({
        milestone: String(r.milestone),
        source: String(r.source),
        persons: n(r.persons),
        stitched: n(r.stitched),
      }));
    },

    async crmMatchHealth(ws, limit) {
      const counts: CrmMatchCount[] = [];
      const unmatched: UnmatchedCrmRecord[] = [];
      for (const r of await rows(crmMatchHealthSql(ws, limit))) {
        if (r.part === 'c') {
          counts.push(toCrmMatchCount(r));
          continue;
        }
        const last = unmatched[unmatched.length - 1];
        const same =
          last &&
          last.source === String(r.source) &&
          last.objectType === String(r.object_type) &&
          last.objectId === String(r.object_id);
        const rec = same
          ? last
          : {
              source: String(r.source),
              objectType: String(r.object_type),
              objectId: String(r.object_id),
              keyKinds: [],
            };
        if (!same) unmatched.push(rec);
        const kind = text(r.kind);
        if (kind !== null) rec.keyKinds.push(kind);
      }
      return { counts, unmatched };
    },

    async realtimeActivity(ws, since, until, top) {
      const [totals, minutes, pages, sources] = await Promise.all([
        rows(realtimeTotalsSql(ws, since, until)),
        rows(realtimeMinutesSql(ws, since, until)),
        rows(realtimePagesSql(ws, since, until, top)),
        rows(realtimeSourcesSql(ws, since, until, top)),
      ]);
      const t = totals[0] ?? {};
      return {
        visitors: n(t.visitors),
        events: n(t.events),
        pageViews: n(t.page_views),
        perMinute: minutes.map((r) => ({
          minute: n(r.m),
          events: n(r.events),
          visitors: n(r.visitors),
        })),
        topPages: pages.map((r) => ({
          page: String(r.page),
          views: n(r.views),
          visitors: n(r.visitors),
        })),
        topSources: sources.map((r) => ({
          source: String(r.source),
          medium: String(r.medium),
          channel: String(r.channel),
          sessions: n(r.sessions),
        })),
      };
    },

    async goalActuals(ws, from, to) {
      const r = (await rows(goalActualsSql(ws, from, to)))[0] ?? {};
      return { leads: n(r.leads), pipeline: n(r.pipeline), revenue: n(r.revenue) };
    },
  };
}
