// Single-page-app navigation, found by watching the URL (one check covers pushState, replaceState,
// back/forward and hash routes, without patching the page's history object). cl.js requests this part
// at the first URL change (see ../handoff.ts); a change made before it ran is seen at its first checks.
import { loc } from '../dom.js';
import { core } from './core.js';

/** data-spa: "hash": hash changes are page views too; "off": no automatic SPA page views; default: path + query changes. */
const spaMode = core.$d.spa;
/** What counts as another page: path + query, and the hash too in "hash" mode. */
const route = (url: string): string => (spaMode == 'hash' ? url : url.split('#')[0]!);
let seen: string;

// A new route becomes a page view once it held for a whole tick (0.1–0.2 s): the app has set the new
// title by then, and a redirect chain counts once.
if (spaMode != 'off')
  setInterval(() => {
    const current = route(loc.href);
    if (current != route(core.$u()) && current == seen) core.page(); // page() never throws
    seen = current;
  }, 99);
