// Which events say that two identifiers are one human: the product rule as data, with its JavaScript
// reference. Two parts: where an event names its sender's e-mail and phone (LINK_FIELD_PATHS, read at
// ingestion into the events' email and phone columns: DuckDB's loader store/engines/duckdb/event-sql.ts,
// ClickHouse's import-sql.ts and journal-rows.ts), and which fields of which events link (the rules,
// store/engines/neutral/identity-queries.ts). A property test holds both engines to the references
// (linkFieldsOf, linksOf). derive/identity then normalises the raw pairs into edges.

/** The fields read from an event's documents at ingestion. */
export type LinkDocField = 'email' | 'phone';

/**
 * Where an event of each type names its sender's e-mail and phone: paths into the event (the first
 * document, then key, then an optional key inside it), the first that holds a value wins. An identify's
 * traits, else its context's traits (Segment's server libraries put them there); a form, chat or call
 * (track) as a property, else in the property `fields` that form tools send. Other types name none.
 */
export const LINK_FIELD_PATHS: Readonly<
  Record<string, Readonly<Record<LinkDocField, readonly (readonly string[])[]>>>
> = {
  identify: {
    email: [
      ['traits', 'email'],
      ['context', 'traits', 'email'],
    ],
    phone: [
      ['traits', 'phone'],
      ['context', 'traits', 'phone'],
    ],
  },
  track: {
    email: [
      ['properties', 'email'],
      ['properties', 'fields', 'email'],
    ],
    phone: [
      ['properties', 'phone'],
      ['properties', 'fields', 'phone'],
    ],
  },
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The value at a path as text, the way the engines read a JSON document (DuckDB's ->>): a string as it
 * is, null or absent nothing, any other value its JSON text.
 */
export function textAt(root: unknown, ...path: readonly string[]): string | null {
  let v: unknown = root;
  for (const k of path) {
    if (!isObj(v) || !Object.hasOwn(v, k)) return null;
    v = v[k];
  }
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The reference of the ingestion part: an event's (JSON-parsed) e-mail and phone as the engines store them. */
export function linkFieldsOf(
  event: Readonly<Record<string, unknown>>,
): Record<LinkDocField, string | null> {
  const type = String(event.type).toLowerCase();
  const paths = Object.hasOwn(LINK_FIELD_PATHS, type) ? LINK_FIELD_PATHS[type] : undefined;
  const first = (f: LinkDocField) => {
    for (const path of paths?.[f] ?? []) {
      const v = textAt(event, ...path);
      if (v !== null) return v;
    }
    return null;
  };
  return { email: first('email'), phone: first('phone') };
}

/** An event's fields a link can name (the e-mail and phone as projected at ingestion, linkFieldsOf). */
export type LinkField = 'anonymous_id' | 'previous_id' | 'user_id' | 'email' | 'phone';

export interface LinkRule {
  /** The identifier kinds the link joins, and the event fields holding their values. */
  a: { kind: string; field: LinkField };
  b: { kind: string; field: LinkField };
  /** Event types that state it. */
  types: readonly string[];
  /** What the link records as its source: the event type, the track event's name, or a fixed word. */
  source: 'type' | 'event' | { fixed: string };
}

const id = (kind: LinkField) => ({ kind, field: kind });

export const IDENTITY_LINK_RULES: readonly LinkRule[] = [
  { a: id('anonymous_id'), b: id('user_id'), types: ['identify', 'track'], source: 'type' },
  { a: id('anonymous_id'), b: id('email'), types: ['identify'], source: { fixed: 'identify' } },
  { a: id('user_id'), b: id('email'), types: ['identify'], source: { fixed: 'identify' } },
  { a: id('anonymous_id'), b: id('phone'), types: ['identify'], source: { fixed: 'identify' } },
  { a: id('user_id'), b: id('phone'), types: ['identify'], source: { fixed: 'identify' } },
  // one identify or form naming both an email and a phone: whoever typed them owns both
  { a: id('email'), b: id('phone'), types: ['identify'], source: { fixed: 'identify' } },
  { a: id('email'), b: id('phone'), types: ['track'], source: 'event' },
  // Segment's alias: the previous id (usually the anonymous id) becomes the user id
  {
    a: { kind: 'anonymous_id', field: 'previous_id' },
    b: id('user_id'),
    types: ['alias'],
    source: { fixed: 'alias' },
  },
  // forms, chats and calls that carry an email or phone as a property
  { a: id('anonymous_id'), b: id('email'), types: ['track'], source: 'event' },
  { a: id('anonymous_id'), b: id('phone'), types: ['track'], source: 'event' },
];

/** The event types any link rule reads. */
export const LINK_EVENT_TYPES: readonly string[] = [
  ...new Set(IDENTITY_LINK_RULES.flatMap((r) => r.types)),
];

export interface LinkEvent {
  type: string;
  event: string | null;
  /** Epoch milliseconds. */
  ts: number;
  anonymous_id: string | null;
  previous_id: string | null;
  user_id: string | null;
  email: string | null;
  phone: string | null;
}

export interface RawLink {
  aKind: string;
  aValue: string;
  bKind: string;
  bValue: string;
  /** The earliest event stating it. */
  at: number;
  /** The least source (in code-unit order) among the events stating it. */
  source: string;
}

/** Every link the events state, once per pair of (kind, value) ends, with its earliest time. Empty values state nothing. */
export function linksOf(events: readonly LinkEvent[]): RawLink[] {
  const out = new Map<string, RawLink>();
  for (const e of events) {
    for (const r of IDENTITY_LINK_RULES) {
      if (!r.types.includes(e.type)) continue;
      const av = e[r.a.field];
      const bv = e[r.b.field];
      const source = r.source === 'type' ? e.type : r.source === 'event' ? e.event : r.source.fixed;
      if (!av || !bv || source === null) continue;
      const key = JSON.stringify([r.a.kind, av, r.b.kind, bv]);
      const had = out.get(key);
      if (!had)
        out.set(key, {
          aKind: r.a.kind,
          aValue: av,
          bKind: r.b.kind,
          bValue: bv,
          at: e.ts,
          source,
        });
      else
        out.set(key, {
          ...had,
          at: Math.min(had.at, e.ts),
          source: source < had.source ? source : had.source,
        });
    }
  }
  return [...out.values()];
}
