// The compact form of what cl.js posts to /collect (docs/tracker.md "Wire format"): positional arrays
// instead of Segment's keyed objects, which the collector expands back into exactly the events the keyed
// form gave (src/collect/compact-collect.ts), so cl.js carries no key names (~110 bytes gzipped). The
// order below is the protocol: compact-collect.ts reads the same positions, and its test holds the two
// together through compactEvent. Pure (no browser globals), so node tests import it.

export type EventType = 'page' | 'track' | 'identify';
export type Props = Record<string, unknown>;

/** One event. JSON makes an absent (undefined) member null, which the collector reads as absent. */
export type CompactEvent = [
  type: EventType,
  /** random, made by the snippet (ids.ts uid): a retried event keeps it, so the collector stores it once */
  messageId: string,
  anonymousId: string,
  userId: string | undefined,
  timestamp: string,
  sessionId: string | undefined,
  /** context.page.url (a page event's properties.url too) */
  url: string,
  /** context.page.referrer (a page event's properties.referrer too) */
  referrer: string,
  /** context.page.title (a page event's properties.title too) */
  title: string,
  /** context.timezone */
  timezone: string | undefined,
  /** context.screen.width */
  width: number,
  /** context.screen.height */
  height: number,
  /** track: the event's properties (none: {}); page: what page() was given, laid over url, referrer and title; identify: none ({}) */
  properties: Props | 0 | undefined,
  /** track: the event name; identify: the traits; page: none */
  extra: unknown,
];

/** The body: the write key, when it was sent, the events (keyed ones an earlier cl.js left unsent may be among them). */
export type CompactBody = [writeKey: string | undefined, sentAt: string, batch: unknown[]];

/**
 * One event in the compact form (api.ts emit). Its parameters' names clash with no name in cl.js on
 * purpose: terser inlines this call into a plain array (~30 bytes) only when they do not.
 */
export const compactEvent = (
  type_: EventType,
  messageId_: string,
  anonymousId_: string,
  userId_: string | undefined,
  timestamp_: string,
  sessionId_: string | undefined,
  url_: string,
  referrer_: string,
  title_: string,
  timezone_: string | undefined,
  width_: number,
  height_: number,
  properties_: Props | 0 | undefined,
  extra_: unknown,
): CompactEvent => [
  type_,
  messageId_,
  anonymousId_,
  userId_,
  timestamp_,
  sessionId_,
  url_,
  referrer_,
  title_,
  timezone_,
  width_,
  height_,
  properties_,
  extra_,
];
