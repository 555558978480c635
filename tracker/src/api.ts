// The events (Segment spec: page / track / identify, with the page as context) and the public calls
// behind window.closedloop. UTMs and click ids are not parsed here: the collector derives them from
// context.page.url. Every URL passes redact() (clean() in redact.ts) first.
import { signal } from './config.js';
import { doc, loc, now, safe } from './dom.js';
import { anonymousId, ids, sessionId, uid } from './ids.js';
import { clean } from './redact.js';
import { allow, local, off, optedOut, state } from './store.js';
import { discard, flush, outbox, queued } from './transport.js';

export type Props = Record<string, unknown>;
export interface TrackerEvent {
  type: 'page' | 'track' | 'identify';
  messageId: string;
  anonymousId: string;
  userId?: string;
  timestamp: string;
  event?: string;
  properties: Props;
  traits?: Props;
  context: Props;
}

/** document.referrer on landing; after an SPA navigation, the URL of the previous page view. */
let referrer = doc.referrer;
/** The URL of the last page view (the SPA watcher, lazy/spa.ts, and the hand-off compare against it). */
export let lastPageUrl = loc.href;
/** Set by identify(userId): the identify event links it to the anonymous id; later events on the page carry it. */
let user: string | undefined;

/** clean() with the field names form submits refused in this tab (a GET form put them in its later URLs). */
export const redact = (url: string): string => clean(url, local('f', null, 1) as string);

const pageProps = (): Props => ({
  url: redact(loc.href),
  referrer: redact(referrer),
  title: doc.title,
});

/**
 * Builds and queues an event, unless off (DNT/GPC honoured, opted out or consent refused). Nothing in
 * it throws, whatever track and page are given (the JSON is made when sending, which swallows errors).
 */
const emit = (
  type: TrackerEvent['type'],
  properties?: Props | 0,
  extra?: Partial<TrackerEvent>,
): void => {
  if (state !== 0) {
    ids();
    // The outbox keeps 100 events at most.
    if (outbox.length < 100)
      outbox.push({
        type,
        messageId: uid(),
        anonymousId: anonymousId!,
        userId: user,
        timestamp: now(),
        properties: properties || {},
        context: {
          page: pageProps(),
          sessionId,
          timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
          screen: { width: screen.width, height: screen.height },
        },
        ...extra,
      });
    queued();
  }
};

export const track = (event: string, properties?: Props): void =>
  emit('track', properties, { event });

/** `identify("a@b.com", traits)` adds an email trait; any other string is the userId. */
export const identify = safe((idOrEmail: string, traits?: Props): void => {
  traits = { ...traits };
  if (/@/.test(idOrEmail)) traits.email = idOrEmail;
  else if (idOrEmail) user = idOrEmail;
  emit('identify', 0, { traits });
});

export const page = (properties?: Props): void => {
  if (loc.href != lastPageUrl) {
    referrer = lastPageUrl;
    lastPageUrl = loc.href;
  }
  emit('page', { ...pageProps(), ...properties });
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
