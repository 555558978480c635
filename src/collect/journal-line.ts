// One journal line: the canonical event's JSON with the server's metadata appended last (the store's
// loader reads `_ws`, `_recv`, `_origin`, `_batch` and `_ts`; journal-lines.ts finds them at the end of a
// line it cannot parse). The metadata is serialised once per request and joined as text: spreading it
// into each event before JSON.stringify cost several times the stringify itself.

/** The keys the server writes; a client's own keys of these names are dropped (it cannot set them). */
export const META_KEYS = ['_ws', '_recv', '_origin', '_batch', '_ts'] as const;

export interface LineMeta {
  workspaceId: string;
  /** When the request was received (ISO text). */
  receivedAt: string;
  origin: string;
  batchId: string;
}

/** The metadata of one request's lines, as JSON members without braces, all but the event time. */
export function metaMembers(m: LineMeta): string {
  return `"_ws":${jsonText(m.workspaceId)},"_recv":${jsonText(m.receivedAt)},"_origin":${jsonText(m.origin)},"_batch":${jsonText(m.batchId)}`;
}

/**
 * JSON.stringify of a string, the same text; text that needs no escape (our ids and ISO times, every
 * request) is quoted as is, at about half the cost.
 */
export function jsonText(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // what JSON.stringify escapes: quote, backslash, control characters; and surrogates (lone ones are)
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff))
      return JSON.stringify(s);
  }
  return `"${s}"`;
}

export interface JournalLineText {
  line: string;
  /** The event's own JSON (the size limit counts the event, not our metadata). */
  eventJson: string;
}

/**
 * The line for `event` (which it may modify: pass the request's own copy, as canonicalEvent returns),
 * `members` from metaMembers, and the decided event time `ts`.
 */
export function journalLine(
  event: Record<string, unknown>,
  members: string,
  ts: string,
): JournalLineText {
  for (const k of META_KEYS) if (Object.hasOwn(event, k)) delete event[k];
  const json = JSON.stringify(event);
  // the events of a request share their members, and often their time (the receive time): one tail for them
  if (members !== last.members || ts !== last.ts)
    last = { members, ts, tail: `${members},"_ts":${jsonText(ts)}}` };
  const line = json.length > 2 ? `${json.slice(0, -1)},${last.tail}` : `{${last.tail}`;
  return { line, eventJson: json };
}
let last = { members: '', ts: '', tail: ',"_ts":""}' };
