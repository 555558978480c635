// Batching and delivery. Every event goes into an outbox, mirrored to localStorage (bounded), and
// leaves it only once the collector answered 2xx: sent within 1 s, retried with backoff on failure,
// and whatever is left is sent by the next page load (at-least-once: the collector dedupes on messageId).
import type { TrackerEvent } from './api.js';
import { endpoint, writeKey } from './config.js';
import { now, safe } from './dom.js';
import { local, state } from './store.js';

let outbox: TrackerEvent[] = [];
/** How many events at the head of the outbox are in unanswered requests (what flush skips). */
let busy = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let failures = 0;

// Left unsent by an earlier page (when off, store.ts has deleted it already).
safe(() => (outbox = JSON.parse(local('q')!) || []))();

const save = (): unknown => state && local('q', JSON.stringify(outbox));

/**
 * Sends the next batch not already in flight (nothing while consent is pending): fetch, text/plain (a
 * "simple" request: no CORS preflight) with keepalive, so it outlives the page.
 */
export const flush = safe(() => {
  timer = clearTimeout(timer) as undefined;
  // 25 events per request keep each body well under the 64 KB keepalive budget.
  const batch = outbox.slice(busy, busy + 25);
  if (state && batch[0]) {
    busy += batch.length;
    fetch(endpoint, { method: 'POST', keepalive: true, body: JSON.stringify({ writeKey, sentAt: now(), batch }) })
      .then((response) => response.ok, () => 0)
      .then((ok) => {
        busy -= batch.length;
        if (ok) {
          failures = 0;
          outbox = outbox.filter((event) => !batch.includes(event));
          save();
          flush();
        } else timer = setTimeout(flush, 1e3 << (failures < 6 ? failures++ : 6));
      });
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
