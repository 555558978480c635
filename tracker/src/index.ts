// Entry point of cl.js. The build also wraps the bundle in try/catch: loading never throws into the page.
// Importing the watchers starts them (when off, under DNT/GPC, an opt-out or refused consent, no event is built).
import { consent, identify, page, track } from './api.js';
import { on } from './dom.js';
import './forms.js';
import './links.js';
import './spa.js';
import { remember } from './redact.js';
import { local } from './store.js';
import { flush } from './transport.js';

// Public methods never throw, whatever they are given (emit, identify and consent swallow errors).
(window as unknown as { closedloop: unknown }).closedloop = {
  track,
  identify,
  page,
  consent,
  optOut: () => consent(0, 1),
  optIn: () => consent(1, 1),
};
// Field names refused by form submits earlier in this tab: a GET form put them in this page's URL.
remember(local('f', null, 1) || '');
page(); // also sends what an earlier page left unsent
// Page hidden (also when it is left or closed): send now; keepalive requests outlive the page.
on('visibilitychange', flush);
