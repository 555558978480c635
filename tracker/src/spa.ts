// Single-page-app navigation, found by watching the URL (one check covers pushState, replaceState,
// back/forward and hash routes, without patching the page's history object).
import { spaMode } from './config.js';
import { lastPageUrl, page } from './api.js';
import { loc } from './dom.js';

/** What counts as another page: path + query, and the hash too in "hash" mode. */
const route = (url: string): string => (spaMode == 'hash' ? url : url.split('#')[0]!);
let seen: string;

// A new route becomes a page view once it held for a whole tick (0.1–0.2 s): the app has set the new
// title by then, and a redirect chain counts once.
if (spaMode != 'off')
  setInterval(() => {
    const current = route(loc.href);
    if (current != route(lastPageUrl) && current == seen) page(); // page() never throws
    seen = current;
  }, 99);
