// Batching and delivery. Every event goes into an outbox (in memory, at most 100 events) and leaves it
// only once the collector answered 2xx: sent within 1 s, or at once when the page is hidden or a form
// or link leaves it. A failure is the lazy part's business (lazy/delivery.ts): cl.js keeps the batch
// and requests that part, which mirrors the outbox to localStorage, retries with backoff, and resends
// what an earlier page left (at-least-once: the collector dedupes on messageId).
import type { TrackerEvent } from './api.js';
import { endpoint, writeKey } from './config.js';
import { now, safe } from './dom.js';
import { cl } from './index.js';
import { state } from './store.js';

/** Events not yet acknowledged, in-flight ones included (the lazy part reads it through cl.$o). */
export let outbox: TrackerEvent[] = [];
/** How many events at the head of the outbox are in unanswered requests (what flush skips). */
let busy = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/**
 * Sends the next batch not already in flight (nothing while consent is pending): fetch, text/plain (a
 * "simple" request: no CORS preflight) with keepalive, so it outlives the page. After each answer
 * cl.$h hears whether it failed (until the lazy part replaces it, a failure requests that part).
 */
export const flush = safe(() => {
  timer = clearTimeout(timer) as undefined;
  // 25 events per request keep each body well under the 64 KB keepalive budget.
  const batch = outbox.slice(busy, busy + 25);
  if (state && batch[0]) {
    busy += batch.length;
    fetch(endpoint, {
      method: 'POST',
      keepalive: true,
      body: JSON.stringify({ writeKey, sentAt: now(), batch }),
    })
      .then(
        (response) => response.ok,
        () => 0,
      )
      .then((ok) => {
        busy -= batch.length;
        if (ok) {
          outbox = outbox.filter((event) => !batch.includes(event));
          flush();
        }
        cl.$h(!ok);
      });
  }
});

export const enqueue = (event: TrackerEvent): void => {
  if (outbox.length < 100) outbox.push(event);
  cl.$h();
  timer = timer || setTimeout(flush, 1e3);
};

/** Consent refused: drop everything not yet delivered. */
export const discard = (): void => {
  outbox = [];
};
