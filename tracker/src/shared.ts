// What cl.js hands to the lazily loaded part (lazy/*.ts), on window.closedloop next to the public API.
// The `$` names are private: both builds shorten them alike (esbuild mangleProps with one cache).
import type { TrackerEvent } from './api.js';

/** A DOM event cl.js caught for the lazy part: a submitted form with its fields at submit time, or a click's target. */
export type Handoff = [target: Element, fields: FormData | false];

export interface Shared {
  /** Handoffs waiting for the lazy part (an array until it runs; then its dispatcher). */
  $q: { push(handoff: Handoff): unknown };
  /** Sends what is queued now (the submit or click usually leaves the page). */
  $f(): void;
  /** redact.ts clean() with this tab's refused field names (api.ts redact). */
  $x(url: string): string;
  /** The snippet tag's data-* attributes (data-form-allow, -deny, -download-ext, -spa are read by the lazy part). */
  $d: DOMStringMap;
  /** The URL of the last page view. */
  $u(): string;
  /** The outbox: events not yet sent, and batches whose send failed (transport.ts). */
  $o(): TrackerEvent[];
  /**
   * Called after every change of the outbox: an event queued (no argument), a batch acknowledged
   * (false, the batch) or failed (true, the batch, back in the outbox). cl.js's own requests the lazy
   * part on a failure; lazy/delivery.ts replaces it.
   */
  $h(failed?: boolean, batch?: TrackerEvent[]): unknown;
  /** Truthy while storing and sending are allowed; 0 when off (store.ts state). */
  $s(): unknown;
  track(event: string, properties?: Record<string, unknown>): void;
  identify(idOrEmail: string, traits?: Record<string, unknown>): void;
  page(properties?: Record<string, unknown>): void;
}
