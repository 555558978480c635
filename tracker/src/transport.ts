// Batching and delivery. Every event goes into an outbox, mirrored to localStorage (bounded), and
// leaves it only once the collector answered 2xx: sent within 1 s, retried with backoff on failure,
// and whatever is left is sent by the next page load (at-least-once: the collector dedupes on messageId).
import type { TrackerEvent } from './api.js';
import { endpoint, writeKey } from './config.js';
import { nav, safe } from './dom.js';
import { local, storageAllowed } from './store.js';

/** Events per request: keeps each body well under the 64 KB keepalive/beacon budget. */
const BATCH = 25;

let outbox: TrackerEvent[] = [];
/** How many events at the head of the outbox are in an unanswered fetch. */
let busy = 0;
let timer: ReturnType<typeof setTimeout> | 0 = 0;
let failures = 0;
/** The last fetch got a 2xx: only then is a beacon's (unconfirmable) delivery trusted. */
let healthy: unknown;

safe(() => (outbox = JSON.parse(local('q')!) || []))();

const save = (): void => {
  if (storageAllowed) local('q', JSON.stringify(outbox));
};

const body = (batch: TrackerEvent[]): string =>
  JSON.stringify({ writeKey, sentAt: new Date().toISOString(), batch });

const delivered = (batch: TrackerEvent[]): void => {
  outbox = outbox.filter((event) => batch.indexOf(event) < 0);
  save();
};

/**
 * Sends what is waiting; nothing while storage is not allowed (consent pending). Normally one fetch at
 * a time, text/plain (a "simple" request: no CORS preflight) with keepalive. `leaving` (page hidden or
 * unloading) uses sendBeacon, delivered after the page is gone; it cannot report failure, so its batch
 * leaves the outbox only if the collector was answering 2xx on this page. Otherwise it stays for the
 * next page (a possible duplicate, removed by the collector's messageId dedupe).
 */
export const flush = safe((leaving?: boolean) => {
  clearTimeout(timer);
  timer = 0;
  // The in-flight batch is the head of the outbox; a beacon skips it.
  for (let i = busy, batch; storageAllowed && (batch = outbox.slice(i, i + BATCH))[0]; ) {
    if (!leaving || !nav.sendBeacon) {
      if (!busy) {
        busy = batch.length;
        fetch(endpoint, { method: 'POST', body: body(batch), keepalive: true })
          .then((response) => {
            if (!response.ok) throw 0;
            busy = failures = 0;
            healthy = 1;
            delivered(batch);
            flush();
          })
          .catch(() => {
            busy = healthy = 0;
            timer = setTimeout(flush, 1e3 << Math.min(failures++, 6));
          });
      }
      return;
    }
    if (nav.sendBeacon(endpoint, body(batch)) && healthy) delivered(batch);
    else i += BATCH;
  }
});

export const enqueue = (event: TrackerEvent): void => {
  if (outbox.length < 100) outbox.push(event);
  save();
  timer = timer || setTimeout(flush, 1e3);
};

/** Consent refused: drop everything not yet delivered. */
export const discard = (): void => {
  outbox = [];
};
