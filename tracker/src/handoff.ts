// The hand-off to the lazy part (lazy/*.ts: form capture, link clicks, SPA page views, delivery after a
// failure), which not every page needs. It is requested once: after load when the page has a form; at
// the visitor's first pointer press or focus (a form being filled in, a link being pressed: the part
// usually runs before the click ends); at the first submit or click; when the URL changes (an SPA
// navigation); and when delivery needs it (a failed send, or events an earlier page left unsent: see
// index.ts). Submits and clicks are queued with what they need (the form's fields as they were at the
// submit, before an app may reset them; the click's target) and handled, in order, when the lazy part runs.
import { tag } from './config.js';
import { lastPageUrl } from './api.js';
import { doc, loc, now, on } from './dom.js';
import { cl } from './index.js';

/** Set by the build: the lazy part's content hash, which names it (see tracker/build.ts). */
declare const LAZY_HASH: string;

let requested: unknown;

/**
 * Requests the lazy part (once), as a module: import() is shorter than a <script> element (the part
 * is an IIFE either way; served with Access-Control-Allow-Origin, as module fetches are CORS). A failed
 * load (the part of another version answers 404 after an upgrade) is swallowed like any other error.
 */
export const more = (): unknown =>
  (requested ||= import(
    // this script's own URL with the lazy part's hash as query (immutable, so it is cached for good)
    new URL('?' + LAZY_HASH, tag.src) as never
  ).catch(now));

export const handoff = (): void => {
  // Every click is handed over (the lazy part looks for the link): a click follows a pointer press,
  // which requests the part anyway.
  // (type > 'r': a submit, not a click.)
  ['submit', 'click'].map((type) =>
    on(
      type,
      (e) =>
        cl.$q.push([
          e.target as HTMLFormElement,
          type > 'r' && new FormData(e.target as HTMLFormElement),
        ]) && more(),
    ),
  );
  on('focusin', more);
  on('pointerdown', more);
  on('load', () => doc.forms[0] && more());
  setInterval(() => loc.href != lastPageUrl && more(), 99);
};
