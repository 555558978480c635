// The messageId of an event the store is given in JavaScript (the append path), as DuckDB's reader and
// the import's SQL (import-sql.ts) give it: text as is, a number or a boolean as its text, a content hash
// when missing or blank. The content hash's JavaScript form is also the reference the rule tests use.
import { createHash } from 'node:crypto';
import { CONTENT_HASH_FIELDS } from '../../../rules/content-hash.js';

/** A field as DuckDB reads it into VARCHAR/JSON and casts it to text: strings as is, other values as JSON. */
const asText = (v: unknown): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);

/** 'h-' + md5 of the fields joined by '|' (absent ones skipped), as DuckDB's concat_ws does. */
export function contentMessageId(e: Record<string, unknown>): string {
  const parts = CONTENT_HASH_FIELDS.map((k) =>
    k === 'type' ? asText(e.type)?.toLowerCase() : asText(e[k]),
  ).filter((x): x is string => x !== undefined);
  return `h-${createHash('md5').update(parts.join('|')).digest('hex')}`;
}

/**
 * The messageId an event is stored under. An object or array is handed on unchanged, so the event rules
 * refuse it (`messageId|must be a string`) as on DuckDB, rather than hashing it into a valid event.
 */
export function messageIdOf(e: Record<string, unknown>): unknown {
  const id = e.messageId;
  if (id === undefined || id === null || id === '') return contentMessageId(e);
  return typeof id === 'number' || typeof id === 'boolean' ? String(id) : id;
}
