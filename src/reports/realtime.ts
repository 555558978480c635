// `realtime`: visitors and events of the last minutes (30 by default): how many visitors, events a
// minute, the pages viewed and the sources of the sessions active now. Events count by their own time,
// so an import of old events does not show here. The same snapshot is pushed over Server-Sent Events as
// events arrive (GET /api/reports/realtime/stream, server/routes/realtime-stream.ts).
// docs/reports.md, "realtime".
import { z } from 'zod';
import { Int } from './params.js';
import { defineReport, type ReportContext } from './report.js';

const MINUTE_MS = 60_000;

export const realtimeParams = z
  .object({
    minutes: Int.min(1).max(120).default(30).describe('the window, in minutes (default 30)'),
    top: Int.min(1).max(50).default(10).describe('pages and sources listed (default 10)'),
  })
  .strict();
type Params = z.output<typeof realtimeParams>;

export interface RealtimeSnapshot {
  since: string;
  until: string;
  minutes: number;
  visitors: number;
  events: number;
  pageViews: number;
  /** Events over the window's minutes. */
  eventsPerMinute: number;
  /** Every minute of the window, oldest first (zeros included), by the minute's start. */
  perMinute: { minute: string; events: number; visitors: number }[];
  topPages: { page: string; views: number; visitors: number }[];
  topSources: { source: string; medium: string; channel: string; sessions: number }[];
}

/** The snapshot as of `now` (epoch ms). */
export async function realtimeSnapshot(
  { store, workspaceId }: ReportContext,
  p: Params,
  now = Date.now(),
): Promise<RealtimeSnapshot> {
  // whole minutes, so that the series' buckets are the window's
  const until = Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const since = until - p.minutes * MINUTE_MS;
  const a = await store.realtimeActivity(workspaceId, since, until, p.top);
  const byMinute = new Map(a.perMinute.map((m) => [m.minute, m]));
  const perMinute = [];
  for (let m = since; m < until; m += MINUTE_MS) {
    const x = byMinute.get(m);
    perMinute.push({
      minute: new Date(m).toISOString(),
      events: x?.events ?? 0,
      visitors: x?.visitors ?? 0,
    });
  }
  return {
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    minutes: p.minutes,
    visitors: a.visitors,
    events: a.events,
    pageViews: a.pageViews,
    eventsPerMinute: Math.round((a.events / p.minutes) * 100) / 100,
    perMinute,
    topPages: a.topPages,
    topSources: a.topSources,
  };
}

export const realtime = defineReport({
  name: 'realtime',
  summary:
    'Visitors and events of the last minutes (active visitors, events per minute, top pages and sources); streamed at /api/reports/realtime/stream',
  params: realtimeParams,
  run: (ctx, p) => realtimeSnapshot(ctx, p),
  table(r) {
    return {
      headline: `${r.visitors} visitors, ${r.events} events (${r.eventsPerMinute}/min) since ${r.since}`,
      rows: [
        ...r.topPages.map((x) => ({ top: 'page', name: x.page, count: x.views })),
        ...r.topSources.map((x) => ({
          top: 'source',
          name: `${x.source} / ${x.medium} (${x.channel})`,
          count: x.sessions,
        })),
      ],
    };
  },
});
