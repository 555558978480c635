// Entry point of cl.js. The build also wraps the bundle in try/catch: loading never throws into the page.
import { consent, identify, lastPageUrl, page, redact, track } from './api.js';
import { data } from './config.js';
import { on } from './dom.js';
import { handoff, more } from './handoff.js';
import type { Shared } from './shared.js';
import { local, state } from './store.js';
import { flush, outbox } from './transport.js';

/**
 * window.closedloop. Public methods never throw, whatever they are given (emit, identify and consent
 * swallow errors). The `$` members are for the lazy part (shared.ts); cl.js's own modules reach them
 * here too (transport.ts calls $h, which the lazy part replaces).
 */
// (self is window, two bytes shorter)
export const cl = ((self as unknown as { closedloop: Shared }).closedloop = {
  track,
  identify,
  page,
  consent,
  optOut: () => consent(0, 1),
  optIn: () => consent(1, 1),
  $q: [],
  $f: flush,
  $x: redact,
  $d: data,
  $u: () => lastPageUrl,
  $o: () => outbox,
  // Until the lazy part runs: a failed send requests it (it retries and keeps the batch in localStorage).
  $h: (failed?: boolean) => failed && more(),
  $s: () => state,
} as Shared);
handoff();
page();
// Page hidden (also when it is left or closed): send now; keepalive requests outlive the page.
on('visibilitychange', flush);
// Events an earlier page left unsent: the lazy part sends them (lazy/delivery.ts).
if (local('q')) more();
