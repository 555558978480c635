// The snippet's compact /collect body (tracker/src/wire.ts, docs/tracker.md "Wire format"): positional
// arrays in place of Segment's keyed objects, which cost cl.js ~110 bytes gzipped in key names. They are
// expanded here into exactly the events the keyed form gave, before anything else reads the request, so
// the write-key check, the acceptance rule, sanitising, redaction, the limits and the journal see keyed
// events only. A keyed body, and keyed events inside a compact one (what an earlier cl.js left unsent in
// the browser), pass unchanged: snippets cached in browsers keep working.

/** The expanded body (the request's own parsed value, changed in place), or what makes it malformed. */
export type Expansion = { ok: true; body: unknown } | { ok: false; field: string; reason: string };

/** The items of a compact event (tracker/src/wire.ts CompactEvent; expandEvent reads them in order). */
const EVENT_ITEMS = 14;
const TYPES: ReadonlySet<unknown> = new Set(['page', 'track', 'identify']);

type Json = Record<string, unknown>;

/**
 * A compact body `[writeKey, sentAt, batch]` becomes `{ writeKey, sentAt, batch }`, and every item of a
 * /collect batch that is an array (never a valid keyed event) is expanded into its keyed event. Anything
 * else is left for the envelope's own checks (envelope.ts). A malformed compact body or event is refused
 * whole, naming the position: `(body)`, `batch[3]`, `batch[3][0]`.
 */
export function expandCompactBody(body: unknown): Expansion {
  if (Array.isArray(body)) {
    if (body.length !== 3)
      return malformed(
        '(body)',
        `a compact body is [writeKey, sentAt, batch]; it has ${body.length} items`,
      );
    const [writeKey, sentAt, batch] = body as unknown[];
    body = present({ writeKey, sentAt, batch });
  }
  const batch = isObject(body) ? body.batch : undefined;
  if (Array.isArray(batch))
    for (let i = 0; i < batch.length; i++) {
      const item: unknown = batch[i];
      if (!Array.isArray(item)) continue;
      const at = `batch[${i}]`;
      if (item.length !== EVENT_ITEMS)
        return malformed(at, `a compact event has ${EVENT_ITEMS} items; it has ${item.length}`);
      if (!TYPES.has(item[0]))
        return malformed(
          `${at}[0]`,
          'the type of a compact event is "page", "track" or "identify"',
        );
      batch[i] = expandEvent(item);
    }
  return { ok: true, body };
}

/**
 * The keyed event the snippet made before it sent compact ones (tracker/src/api.ts), key for key and in
 * the same order: null stands for a member JSON dropped (undefined), a page event's properties are its
 * url, referrer and title with what page() was given laid over them (a copy of context.page's), and a
 * track or identify event without properties gets `{}`.
 */
function expandEvent(item: unknown[]): Json {
  const [type, messageId, anonymousId, userId, timestamp, sessionId, url, referrer, title] = item;
  const [timezone, width, height, properties, extra] = item.slice(9);
  const page = (): Json => present({ url, referrer, title });
  return present({
    type,
    messageId,
    anonymousId,
    userId,
    timestamp,
    // (spread as the snippet spread it: an object's keys, a string's characters, nothing from a number)
    properties: type === 'page' ? { ...page(), ...(properties as Json) } : properties || {},
    context: present({
      page: page(),
      sessionId,
      timezone,
      screen: present({ width, height }),
    }),
    event: type === 'track' ? extra : null,
    traits: type === 'identify' ? extra : null,
  });
}

/** `fields` without its null members (JSON's rendering of what was undefined in the browser). */
function present(fields: Json): Json {
  const out: Json = {};
  for (const key in fields) if (fields[key] != null) out[key] = fields[key];
  return out;
}

const malformed = (field: string, reason: string): Expansion => ({ ok: false, field, reason });

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
