// How an opaque id (an anonymous or user id, a CRM or billing id) is spelled once, so that `u1 ` and
// `u1` are one identifier and values that would merge strangers ('undefined', '0') are none: the product
// rule as data, with its JavaScript reference. derive/identity normalises every identifier with it; the
// engines render the data into their SQL (store/engines/neutral/identity-queries.ts places the plain ids
// no link touches, and the erasure check of a load trims with TRIMMED_CHARS); property tests hold the
// engines to this reference (opaque-id.test.ts).

/** What String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator), for trims done elsewhere. */
export const TRIMMED_CHARS =
  '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

/** The longest opaque id kept. */
export const MAX_ID_LENGTH = 512;

/**
 * Values that SDKs and forms emit when a variable was unset, compared lower-cased. Linking on them would
 * join every visitor whose code path had the same bug, so they are refused for every kind of identifier.
 */
export const ID_PLACEHOLDERS: readonly string[] = [
  'undefined',
  'null',
  'nil',
  'none',
  'nan',
  '[object object]',
  '0',
  '-1',
  'n/a',
  'na',
  '-',
  'unknown',
  'anonymous',
];

/**
 * The rule as data, for an engine to render: trimmed of `trimChars`, at most `maxLength` long, not one of
 * the placeholders (compared lower-cased).
 */
export interface OpaqueIdRule {
  trimChars: string;
  maxLength: number;
  placeholders: readonly string[];
}

export const OPAQUE_ID_RULE: OpaqueIdRule = {
  trimChars: TRIMMED_CHARS,
  maxLength: MAX_ID_LENGTH,
  placeholders: ID_PLACEHOLDERS,
};

/**
 * The ids an engine may place by itself (without the JavaScript): printable ASCII once trimmed, where
 * every engine's length and lower case agree with JavaScript's (an RE2 pattern without backslashes).
 */
export const PLAIN_ID_PATTERN = '^[ -~]+$';

const PLACEHOLDER_SET = new Set(ID_PLACEHOLDERS);
const PLAIN_ID = new RegExp(PLAIN_ID_PATTERN);

export type OpaqueIdReject = 'empty' | 'too_long' | 'placeholder';

/** The reference: the id's one spelling (trimmed, case kept), or why it is none. */
export function normaliseOpaqueId(
  raw: string,
): { value: string; reason?: undefined } | { value: undefined; reason: OpaqueIdReject } {
  const v = raw.trim();
  if (v === '') return { value: undefined, reason: 'empty' };
  if (v.length > MAX_ID_LENGTH) return { value: undefined, reason: 'too_long' };
  if (PLACEHOLDER_SET.has(v.toLowerCase())) return { value: undefined, reason: 'placeholder' };
  return { value: v };
}

/** Whether an engine places this (trimmed) id by itself: plain, of an allowed length, no placeholder. */
export function isPlainId(trimmed: string): boolean {
  return (
    trimmed.length >= 1 &&
    trimmed.length <= MAX_ID_LENGTH &&
    PLAIN_ID.test(trimmed) &&
    !PLACEHOLDER_SET.has(trimmed.toLowerCase())
  );
}
