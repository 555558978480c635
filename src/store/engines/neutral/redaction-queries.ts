// The stored-facts redaction's reads, written once for every engine: the candidates (a workspace's or an
// import batch's events whose JSON may hold a redactable URL, a superset the redaction function narrows)
// and how a candidate row becomes the event handed to that function. The runs read is the audit log's
// (audit-queries.ts). How each engine chunks the candidates and rewrites the changed events is its own.
import type { RedactableEvent, RedactionHint } from '../../areas/redaction.js';
import { json, text } from './rows.js';
import { fn, p, sql, type Sql } from './sql.js';

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

const START = '["?&#;]'; // what a parameter name follows in a JSON text: a string's quote, `?`, `&`, `#`, `;`
const NAME = '[^"?&#;=]*'; // the rest of a name, up to its `=`
const NON_ALNUM = '[^a-zA-Z0-9"?&#;=]';

/**
 * An RE2 pattern: a JSON text (as stored, not lower-cased) may hold a redactable URL when it has an `@`
 * (plain or encoded), a `\u` escape (which could spell any letter of a name), one of the hint's
 * `markers` (an `[email]` the redaction lists as redacted, e.g. one a client wrote), or a parameter whose name
 * holds a `%`, a hint's `anywhere` string, or one of its `words` at word bounds: after a non-alphanumeric
 * or an upper-case first letter after an alphanumeric (camelCase), and before a non-alphanumeric, an
 * upper-case letter or the `=`. Bounds are looser than the redaction's own split (a superset):
 * `utm_term&keyword=` holds `key` but not as a word, and such common names made most events candidates.
 */
export function candidatePattern(hint: RedactionHint): string {
  const list = (xs: readonly string[]) =>
    [...new Set(xs.map((w) => w.toLowerCase()).filter(Boolean))].sort();
  const anywhere = list(hint.anywhere).map(escapeRegex);
  const words = list(hint.words);
  const alts = [
    '@',
    '(?i:%40|%2540)',
    '\\\\u',
    `${START}${NAME}(?:%${anywhere.map((w) => `|(?i:${w})`).join('')})${NAME}=`,
    ...(hint.markers ?? []).map(escapeRegex),
  ];
  if (words.length > 0) {
    const end = `(?:${NON_ALNUM}${NAME}|[A-Z]${NAME})?=`;
    alts.push(`${START}(?:${NAME}${NON_ALNUM})?(?i:${words.map(escapeRegex).join('|')})${end}`);
    const capitalised = words
      .filter((w) => /^[a-z]/.test(w))
      .map((w) => `${w[0]!.toUpperCase()}(?i:${escapeRegex(w.slice(1))})`);
    if (capitalised.length > 0)
      alts.push(`${START}${NAME}[a-zA-Z0-9](?:${capitalised.join('|')})${end}`);
  }
  return alts.join('|');
}

/**
 * The events of a workspace (or of one import batch) whose properties or context text matches the
 * hint's candidate pattern, with the fields the redaction function reads (JSON as text on every engine).
 */
export function redactionCandidatesSql(
  workspaceId: string,
  opts: { batchId?: string; hint: RedactionHint },
): Sql {
  const pattern = candidatePattern(opts.hint);
  const batch = opts.batchId === undefined ? sql`` : sql`AND batch_id = ${p.text(opts.batchId)}`;
  return sql`SELECT message_id, type, anonymous_id, user_id, ${fn.isoTime('ts')} AS ts,
      ${fn.jsonAsText('properties')} AS properties, ${fn.jsonAsText('context')} AS context
    FROM ${fn.table('events')}
    WHERE workspace_id = ${p.text(workspaceId)} ${batch}
      AND (${fn.regexpMatchesBound(fn.jsonAsText('context'), pattern)}
        OR ${fn.regexpMatchesBound(fn.jsonAsText('properties'), pattern)})`;
}

const obj = (v: unknown): Record<string, unknown> | null => {
  const o = json(v);
  return o !== null && typeof o === 'object' && !Array.isArray(o)
    ? (o as Record<string, unknown>)
    : null;
};

/** A row of redactionCandidatesSql as the event the redaction function reads. */
export const toRedactableEvent = (r: Record<string, unknown>): RedactableEvent => ({
  messageId: String(r.message_id),
  type: String(r.type),
  anonymousId: text(r.anonymous_id),
  userId: text(r.user_id),
  timestamp: String(r.ts),
  properties: obj(r.properties),
  context: obj(r.context),
});
