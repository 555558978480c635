// Batching and delivery. Every event goes into an outbox (in memory, at most 100 events) and leaves it
// when it is sent: within 1 s, or at once when the page is hidden or a form or link leaves it; a batch
// that fails goes back to the head of the outbox. A failure is the lazy part's business
// (lazy/delivery.ts): cl.js requests that part, which mirrors the outbox to localStorage, retries with
// backoff, and resends what an earlier page left (at-least-once: the collector dedupes on messageId).
import type { TrackerEvent } from './api.js';
import { endpoint, writeKey } from './config.js';
import { now, safe } from './dom.js';
import { cl } from './index.js';
import { state } from './store.js';
import type { CompactBody } from './wire.js';

/** Events not yet sent, and batches that failed (the lazy part reads it through cl.$o). */
export let outbox: TrackerEvent[] = [];

/**
 * Sends everything waiting (nothing while consent is pending), 25 events per request (each body well
 * under the 64 KB keepalive budget) in the compact body (wire.ts): fetch, text/plain (a "simple" request: no CORS preflight) with
 * keepalive, so it outlives the page. A batch that fails goes back into the outbox, unless sending was
 * turned off meanwhile. After each answer cl.$h hears whether it failed (until the lazy part replaces
 * it, a failure requests that part). JSON.stringify may throw on what track() was given (a BigInt):
 * that batch is dropped, the error swallowed.
 */
export const flush = safe(() => {
  for (let batch: TrackerEvent[]; state && (batch = outbox.splice(0, 25))[0];)
    fetch(endpoint, {
      method: 'POST',
      keepalive: 1 as never,
      body: JSON.stringify([writeKey, now(), batch] satisfies CompactBody),
    })
      .then(
        (response) => response.ok,
        () => 0,
      )
      .then((ok) => {
        if (!ok && state) outbox.unshift(...batch);
        cl.$h(!ok, batch);
      });
});

/** An event was queued: the lazy part hears it (cl.$h), and a send follows. */
export const queued = (): void => {
  cl.$h();
  // Batching without a timer variable: each event asks for a send 1 s later; the first of those sends
  // everything waiting by then, the later ones find less or nothing.
  setTimeout(flush, 1e3);
};

/** Consent refused: drop everything not yet delivered. */
export const discard = (): void => {
  outbox = [];
};
