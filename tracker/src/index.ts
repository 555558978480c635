// Entry point of cl.js. The build also wraps the bundle in try/catch: loading never throws into the page.
import { consent, identify, page, track } from './api.js';
import { optedOut, writeKey } from './config.js';
import { doc, on, safe } from './dom.js';
import { watchForms } from './forms.js';
import { watchLinks } from './links.js';
import { watchNavigation } from './spa.js';
import { flush } from './transport.js';

type Method = 'track' | 'identify' | 'page' | 'consent';
const win = window as unknown as { closedloop?: unknown };

/** Public methods never throw, whatever they are given. */
const api = { track: safe(track), identify: safe(identify), page: safe(page), consent: safe(consent) };

if (writeKey) {
  // Calls made before the script loaded (see docs/tracker.md: a queue of [method, ...args]).
  const queued = win.closedloop as [Method, ...unknown[]][] | undefined;
  win.closedloop = api;
  for (const call of Array.isArray(queued) ? queued : []) safe(api[call[0]] as (...args: unknown[]) => void)(...call.slice(1));
  if (!optedOut) {
    page(); // also sends what an earlier page left unsent
    watchNavigation();
    watchLinks();
    watchForms();
    on('visibilitychange', () => doc.hidden && flush(true));
    on('pagehide', () => flush(true));
  }
}
