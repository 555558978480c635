/**
 * Renders one session into Segment events: page views along a plausible path through the site
 * (session-path.ts), a whitepaper download, and, when the session converts, the form / chat / phone-call
 * events with their identify (conversion-events.ts). Timings come from the session's own stream, so
 * rendering never shifts any other draw.
 */
import type { ChannelId } from './channels.js';
import { emitGate, emitLead } from './conversion-events.js';
import type { Device, Person } from './people.js';
import { PURPOSE, Rng } from './prng.js';
import { emitPageView, eventMaker, whitepaperDownload, type EventSink } from './segment-event.js';
import { planPages, type SessionConversion } from './session-path.js';
import { pageAt } from './site.js';
import { buildTouch, encodeSearch, type PaidClick, type TouchContext } from './tagging.js';
import { applyMistakes, type TaggingMistake } from './tagging-mistakes.js';
import { formatDate } from './time.js';
import type { SegmentContext, SegmentEvent } from './types.js';

export interface SessionSpec {
  seed: number;
  person: Person;
  device: Device;
  ordinal: number;
  t: number;
  channel: ChannelId;
  isFirst: boolean;
  email: TouchContext['email'];
  conversion: SessionConversion | null;
  /** Seeded tagging mistakes in force (none by default). */
  mistakes?: readonly TaggingMistake[];
}

export interface RenderedSession {
  paid: PaidClick | null;
  /** Time of the landing page (when a paid click is counted). */
  start: number;
}

/** Renders the session, handing each event to `emit` in time order. */
export function renderSession(spec: SessionSpec, emit: (e: SegmentEvent) => void): RenderedSession {
  const { person, device } = spec;
  const rng = Rng.of(spec.seed, PURPOSE.session, spec.person.key, spec.ordinal);
  const drawn = buildTouch(rng, spec.channel, {
    isFirst: spec.isFirst,
    deviceKind: device.kind,
    email: spec.email,
  });
  // after the draw, with no draw of its own: mistakes change this URL and nothing else
  const touch =
    spec.mistakes === undefined || spec.mistakes.length === 0
      ? drawn
      : applyMistakes(spec.mistakes, drawn, formatDate(spec.t));
  const idRoot = `sim-${spec.seed.toString(36)}-${person.key.toString(36)}-${spec.ordinal.toString(36)}-`;
  const sink: EventSink = { make: eventMaker(idRoot, device.anonymousId), emit };
  const conversion = spec.conversion;
  const landing = pageAt(touch.landingPath);
  const pages = planPages(rng, spec.t, landing, encodeSearch(touch.params), conversion);

  let referrer = touch.referrer;
  let context: SegmentContext | undefined;
  for (let i = 0; i < pages.length; i++) {
    const p = pages[i];
    if (p === undefined) continue;
    const view = { page: p.page, ts: p.at, referrer, search: p.search };
    context = emitPageView(sink, spec, view, p.search === '' ? null : touch.params);
    referrer = context.page.url;
    if (p.page.section === 'whitepaper' && conversion?.kind !== 'gate' && rng.chance(0.55)) {
      const nextAt = pages[i + 1]?.at ?? p.at + 60_000;
      const ts = Math.min(nextAt - 1, p.at + rng.between(8_000, 40_000));
      emit(sink.make('track', ts, whitepaperDownload(p.page.path), context));
    }
  }
  if (context === undefined) throw new Error('a session has at least its landing page');

  if (conversion?.kind === 'lead')
    emitLead(sink, spec, conversion.method, conversion.at, context, rng);
  if (conversion?.kind === 'gate')
    emitGate(sink, person, pages[pages.length - 1], spec.t, context, rng);
  return { paid: touch.paid, start: spec.t };
}
