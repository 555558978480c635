// The events (Segment spec: page / track / identify, with the page as context) and the public calls
// behind window.closedloop. UTMs and click ids are not parsed here: the collector derives them from
// context.page.url. Every URL passes redact() (clean() in redact.ts) first.
import { signal } from './config.js';
import { doc, loc, now, safe } from './dom.js';
import { anonymousId, ids, sessionId, uid } from './ids.js';
import { clean } from './redact.js';
import { allow, local, off, optedOut, state } from './store.js';
import { discard, flush, outbox, queued } from './transport.js';
import { compactEvent, type CompactEvent, type EventType, type Props } from './wire.js';

/** An event in the outbox: compact (wire.ts), or keyed as an earlier cl.js left it unsent (_cl_q). */
export type TrackerEvent = CompactEvent | Record<string, unknown>;

/** document.referrer on landing; after an SPA navigation, the URL of the previous page view. */
let referrer = doc.referrer;
/** The URL of the last page view (the SPA watcher, lazy/spa.ts, and the hand-off compare against it). */
export let lastPageUrl = loc.href;
/** Set by identify(userId): the identify event links it to the anonymous id; later events on the page carry it. */
let user: string | undefined;

/** clean() with the field names form submits refused in this tab (a GET form put them in its later URLs). */
export const redact = (url: string): string => clean(url, local('f', null, 1) as string);

/**
 * Builds and queues an event, unless off (DNT/GPC honoured, opted out or consent refused), in the
 * compact form (wire.ts): a page event's url, referrer and title, copied into its properties, and a
 * track event's missing properties are the collector's to fill. Nothing in it throws, whatever track
 * and page are given (the JSON is made when sending, which swallows errors).
 */
const emit = (type: EventType, properties?: Props | 0, extra?: unknown): void => {
  if (state !== 0) {
    ids();
    // The outbox keeps 100 events at most.
    if (outbox.length < 100)
      outbox.push(
        compactEvent(
          type,
          uid(),
          anonymousId!,
          user,
          now(),
          sessionId,
          redact(loc.href),
          redact(referrer),
          doc.title,
          Intl.DateTimeFormat().resolvedOptions().timeZone,
          screen.width,
          screen.height,
          properties,
          extra,
        ),
      );
    queued();
  }
};

export const track = (event: string, properties?: Props): void => emit('track', properties, event);

/** `identify("a@b.com", traits)` adds an email trait; any other string is the userId. */
export const identify = safe((idOrEmail: string, traits?: Props): void => {
  traits = { ...traits };
  if (/@/.test(idOrEmail)) traits.email = idOrEmail;
  else if (idOrEmail) user = idOrEmail;
  emit('identify', 0, traits);
});

export const page = (properties?: Props): void => {
  if (loc.href != lastPageUrl) {
    referrer = lastPageUrl;
    lastPageUrl = loc.href;
  }
  emit('page', properties);
};

/**
 * consent(granted); optIn() / optOut() pass `explicit`. Granted: storage and sending allowed (optIn
 * also lifts an opt-out; consent(true) does not, as a consent tool may call it on every page).
 * Refused: off for this page, stored ids and unsent events deleted; optOut() also remembers it ("_cl_o").
 * A DNT/GPC signal the site honours wins over all of them. Nothing in it throws, whatever it is given.
 */
export const consent = (granted: unknown, explicit?: unknown): void => {
  if (!signal && (explicit || !optedOut()))
    if (granted) {
      allow();
      ids(); // the ids used in memory so far (held events and later pages share them) are stored from now on
      flush();
    } else {
      discard();
      off(explicit);
    }
};
