// The hand-off to the lazy part (lazy/*.ts: form capture, link clicks), which not every page needs.
// It is requested once: after load when the page has a form, or at the visitor's first pointer press
// or focus (a form being filled in, a link being pressed: the part usually runs before the click
// ends), or at the first submit or link click. Those two DOM events are queued with what they need
// (the form's fields as they were at the submit, before an app may reset them; the link) and handled,
// in order, when the lazy part runs.
import { lazyUrl } from './config.js';
import { doc, on } from './dom.js';
import type { Handoff, Shared } from './shared.js';

let requested: HTMLScriptElement | undefined;

/** Requests the lazy part (once). */
const more = (): unknown => requested || doc.head.append((requested = doc.createElement('script'))) || (requested.src = lazyUrl + '');

export const handoff = (shared: Shared): void => {
  const hand = (...handoff: Handoff): unknown => shared.$q.push(handoff) && more();
  on('submit', (e) => hand(e.target as HTMLFormElement, new FormData(e.target as HTMLFormElement)));
  on('click', (e) => {
    const link = (e.target as Element).closest('a');
    link && hand(link);
  });
  on('focusin', more);
  on('pointerdown', more);
  on('load', () => doc.forms[0] && more());
};
