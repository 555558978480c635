// The events (Segment spec: page / track / identify, with page, campaign and click-id context) and
// the public calls behind window.closedloop: track, identify, page, consent.
import { clickIdNames, consentRequired, idMaxAge, optedOut } from './config.js';
import { doc, loc, nav } from './dom.js';
import { anonymousId, sessionId, uid } from './ids.js';
import { allowStorage, set } from './store.js';
import { discard, enqueue, flush } from './transport.js';

export type Props = Record<string, unknown>;
export interface TrackerEvent {
  type: 'page' | 'track' | 'identify';
  messageId: string;
  anonymousId: string;
  userId?: string;
  timestamp: string;
  event?: string;
  properties?: Props;
  traits?: Props;
  context: Props;
}

/** Off when the visitor opted out (DNT/GPC honoured) or refused consent: nothing is built, stored or sent. */
let off = optedOut;
/** document.referrer on landing; after an SPA navigation, the URL of the previous page view. */
let referrer = doc.referrer;
/** The URL of the last page view (the SPA watcher compares against it). */
export let lastPageUrl = loc.href;
/** Set by identify(userId): the identify event links it to the anonymous id; later events on the page carry it. */
let user: string | undefined;

const pageProps = (): Props => ({ url: loc.href, path: loc.pathname, referrer, title: doc.title, search: loc.search });

/** The current URL's query parameters among `names` (utm_campaign becomes "name"), or undefined if none. */
const fromQuery = (names: string[], prefix: string): Props | undefined => {
  let found: Props | undefined;
  for (const name of names) {
    const value = new URLSearchParams(loc.search).get(prefix + name);
    if (value) (found = found || {})[name == 'campaign' ? 'name' : name] = value;
  }
  return found;
};

const emit = (type: TrackerEvent['type'], fields: Partial<TrackerEvent>): void => {
  if (!off)
    enqueue(
      Object.assign(
        {
          type,
          messageId: uid(),
          anonymousId: anonymousId(),
          userId: user,
          timestamp: new Date().toISOString(),
          properties: {},
          context: {
            page: pageProps(),
            campaign: fromQuery(['source', 'medium', 'campaign', 'term', 'content', 'id'], 'utm_'),
            clickIds: fromQuery(clickIdNames, ''),
            sessionId: sessionId(),
            locale: nav.language,
            timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
            screen: { width: screen.width, height: screen.height },
            library: { name: 'closedloop.js', version: '1' },
          },
        },
        fields,
      ),
    );
};

export const track = (event: string, properties?: Props): void => emit('track', { event, properties: properties || {} });

/** `identify("a@b.com", traits)` adds an email trait; any other string is the userId. */
export const identify = (idOrEmail: string, traits?: Props): void => {
  traits = Object.assign({}, traits);
  if (/@/.test(idOrEmail)) traits.email = idOrEmail;
  else if (idOrEmail) user = idOrEmail;
  emit('identify', { traits });
};

export const page = (properties?: Props): void => {
  if (loc.href != lastPageUrl) {
    referrer = lastPageUrl;
    lastPageUrl = loc.href;
  }
  emit('page', { properties: Object.assign(pageProps(), properties) });
};

export const consent = (granted: boolean): void => {
  if (optedOut) return;
  off = !granted;
  allowStorage(!off);
  if (off) discard();
  else {
    // Persist the ids used in memory so far, so held events and later pages share them.
    anonymousId();
    sessionId();
    if (consentRequired) set('c', '1', idMaxAge);
    flush();
  }
};
