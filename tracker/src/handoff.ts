// The hand-off to the lazy part (lazy/*.ts: form capture, link clicks, SPA page views, delivery after a
// failure), which not every page needs. It is requested once: after load when the page has a form; at
// the visitor's first pointer press or focus (a form being filled in, a link being pressed: the part
// usually runs before the click ends); at the first submit or click; when the URL changes (an SPA
// navigation); and when delivery needs it (a failed send, or events an earlier page left unsent: see
// index.ts). Submits and clicks are queued with what they need (the form's fields as they were at the
// submit, before an app may reset them; the click's target) and handled, in order, when the lazy part runs.
import { lazyUrl } from './config.js';
import { lastPageUrl } from './api.js';
import { doc, loc, on } from './dom.js';
import type { Shared } from './shared.js';

let requested: HTMLScriptElement | undefined;

/** Requests the lazy part (once). The URL object becomes its string when assigned. */
export const more = (): unknown =>
  requested ||
  doc.head.append((requested = doc.createElement('script'))) ||
  (requested.src = lazyUrl as never);

export const handoff = (shared: Shared): void => {
  // Every click is handed over (the lazy part looks for the link): a click follows a pointer press,
  // which requests the part anyway.
  // (type > 'r': a submit, not a click.)
  for (const type of ['submit', 'click'])
    on(
      type,
      (e) =>
        shared.$q.push([
          e.target as HTMLFormElement,
          type > 'r' && new FormData(e.target as HTMLFormElement),
        ]) && more(),
    );
  on('focusin', more);
  on('pointerdown', more);
  on('load', () => doc.forms[0] && more());
  setInterval(() => loc.href != lastPageUrl && more(), 99);
};
