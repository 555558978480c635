// Which identifiers of an incoming event are checked against the tombstones of erased persons, and how
// each is spelled before it is hashed and compared: the product rule as data, with its JavaScript
// reference. A tombstone holds the identifier as derive/identity normalises it (`Ann@X.io ` is
// `ann@x.io`), so an event's value must be spelled the same way or an erased person comes back with a
// re-sent event. The engines render the data into their loads' checks (DuckDB's
// store/engines/duckdb/erased-identifiers.ts, ClickHouse's import-sql.ts; ClickHouse's journal load
// runs this reference itself); erased-ids.test.ts holds each engine to the reference.

/** An event column checked against tombstones of one identifier kind. */
export interface ErasedIdSpec {
  kind: 'anonymous_id' | 'user_id' | 'email';
  /** The events column holding it (the e-mail as projected at ingestion, rules/identity-links.ts). */
  column: 'anonymous_id' | 'user_id' | 'email';
  /** Compared lower-cased (as String.prototype.toLowerCase does). */
  lowerCase: boolean;
  /** A prefix dropped (once, after trimming and lower-casing; the rest trimmed again). */
  dropPrefix: string | null;
}

export const ERASED_ID_SPECS: readonly ErasedIdSpec[] = [
  { kind: 'anonymous_id', column: 'anonymous_id', lowerCase: false, dropPrefix: null },
  { kind: 'user_id', column: 'user_id', lowerCase: false, dropPrefix: null },
  { kind: 'email', column: 'email', lowerCase: true, dropPrefix: 'mailto:' },
];

/**
 * The reference: a stored value as the check compares it (trimmed of what String.prototype.trim removes,
 * rules/opaque-id.ts TRIMMED_CHARS; lower-cased; the prefix dropped). For every value derive/identity
 * accepts, this is its normalised spelling (erased-ids.test.ts checks that too).
 */
export function erasedIdValue(spec: ErasedIdSpec, raw: string): string {
  let v = raw.trim();
  if (spec.lowerCase) v = v.toLowerCase();
  if (spec.dropPrefix !== null && v.startsWith(spec.dropPrefix))
    v = v.slice(spec.dropPrefix.length).trim();
  return v;
}
