// Entry point of cl.js. The build also wraps the bundle in try/catch: loading never throws into the page.
import { consent, identify, lastPageUrl, page, track } from './api.js';
import { data } from './config.js';
import { on } from './dom.js';
import { handoff } from './handoff.js';
import { clean, remember } from './redact.js';
import type { Shared } from './shared.js';
import { local, state } from './store.js';
import { flush } from './transport.js';

// Public methods never throw, whatever they are given (emit, identify and consent swallow errors).
// The `$` members are for the lazy part (shared.ts).
handoff(
  ((window as unknown as { closedloop: Shared }).closedloop = {
    track,
    identify,
    page,
    consent,
    optOut: () => consent(0, 1),
    optIn: () => consent(1, 1),
    $q: [],
    $f: flush,
    $x: clean,
    // Refused field names are kept for the tab's later pages, unless off.
    $r: (names: string) => state !== 0 && local('f', remember(names), 1),
    $d: data,
    $u: () => lastPageUrl,
  } as Shared),
);
// Field names refused by form submits earlier in this tab: a GET form put them in this page's URL.
remember(local('f', null, 1) || '');
page(); // also sends what an earlier page left unsent
// Page hidden (also when it is left or closed): send now; keepalive requests outlive the page.
on('visibilitychange', flush);
