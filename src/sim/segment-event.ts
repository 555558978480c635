/**
 * How a simulated session's events are made, as analytics.js makes them: message ids unique per session,
 * the page context (with the campaign only when the page URL carries UTMs), the page view itself, and a
 * whitepaper download.
 */
import type { Device, Person } from './people.js';
import type { PageDef } from './site.js';
import { SITE } from './site.js';
import { iso } from './time.js';
import type { SegmentCampaign, SegmentContext, SegmentEvent } from './types.js';

const LIBRARY = { name: 'closedloop-sim', version: '1' } as const;

/** Makes one event of the session: its message id, anonymous id and time, then the fields given. */
export type MakeEvent = (
  type: SegmentEvent['type'],
  ts: number,
  extra: Partial<SegmentEvent>,
  ctx: SegmentContext,
) => SegmentEvent;

/** Where a session's events go: made (ids, time, context), then handed on in time order. */
export interface EventSink {
  make: MakeEvent;
  emit: (e: SegmentEvent) => void;
}

/** Message ids `idRoot` + a counter in base 36, so every event of a run has its own. */
export function eventMaker(idRoot: string, anonymousId: string): MakeEvent {
  let counter = 0;
  return (type, ts, extra, ctx) => ({
    type,
    messageId: idRoot + (counter++).toString(36),
    anonymousId,
    timestamp: iso(ts),
    ...extra,
    properties: extra.properties ?? {},
    context: ctx,
  });
}

/** The event context as analytics.js builds it: campaign only when the page URL carries UTMs. */
export function buildContext(
  person: Person,
  device: Device,
  page: SegmentContext['page'],
  params: readonly (readonly [string, string])[] | null,
): SegmentContext {
  let campaign: SegmentCampaign | undefined;
  if (params !== null) {
    for (const [k, v] of params) {
      const field = k === 'utm_campaign' ? 'name' : k.startsWith('utm_') ? k.slice(4) : '';
      if (
        field === 'name' ||
        field === 'source' ||
        field === 'medium' ||
        field === 'term' ||
        field === 'content'
      ) {
        campaign ??= {};
        campaign[field] = v;
      }
    }
  }
  const rest = {
    userAgent: device.userAgent,
    ip: device.ip,
    locale: person.locale,
    timezone: person.timezone,
    library: LIBRARY,
  };
  return campaign === undefined ? { page, ...rest } : { page, campaign, ...rest };
}

/** A page view at `ts` (`search` and its `params` on the landing only); returns its context, which the events after it share. */
export function emitPageView(
  sink: EventSink,
  who: { person: Person; device: Device },
  view: { page: PageDef; ts: number; referrer: string; search: string },
  params: readonly (readonly [string, string])[] | null,
): SegmentContext {
  const { page, referrer, search } = view;
  const url = `${SITE.origin}${page.path}${search}`;
  const context = buildContext(
    who.person,
    who.device,
    { url, path: page.path, referrer, title: page.title, search },
    params,
  );
  sink.emit(
    sink.make(
      'page',
      view.ts,
      {
        name: page.name,
        properties: { path: page.path, referrer, search, title: page.title, url },
      },
      context,
    ),
  );
  return context;
}

/** The track event of a whitepaper's PDF downloaded from its page (`/whitepapers/<slug>`). */
export function whitepaperDownload(pagePath: string): Partial<SegmentEvent> {
  const slug = pagePath.slice('/whitepapers/'.length);
  return {
    event: 'file_download',
    properties: { url: `${SITE.origin}/assets/whitepapers/${slug}.pdf`, file_type: 'pdf' },
  };
}
