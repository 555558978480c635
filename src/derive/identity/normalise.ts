// Identifier normalisation: one spelling per real-world identifier, so that `Ann@Example.com ` and
// `ann@example.com` meet in the graph, and values that would merge strangers ('undefined', '0') never do.
import {
  ID_PLACEHOLDERS,
  normaliseOpaqueId,
  OPAQUE_ID_RULE,
  TRIMMED_CHARS,
} from '../../rules/opaque-id.js';
import type { Identifier, NormaliseOptions } from './types.js';

// the opaque-id rule is a product rule the engines render too (rules/opaque-id.ts)
export { normaliseOpaqueId, OPAQUE_ID_RULE, TRIMMED_CHARS };

export type RejectReason =
  | 'empty'
  | 'placeholder'
  | 'too_long'
  | 'invalid_kind'
  | 'missing_at'
  | 'invalid_local_part'
  | 'invalid_domain'
  | 'invalid_characters'
  | 'missing_country'
  | 'invalid_country'
  | 'too_short';

/** `value` is the normalised spelling, or undefined with the reason it was rejected. */
export type NormaliseResult =
  { value: string; reason?: undefined } | { value: undefined; reason: RejectReason };

const KIND = /^[a-z][a-z0-9_]{0,63}$/;
const PLACEHOLDERS = new Set(ID_PLACEHOLDERS);

const ok = (value: string): NormaliseResult => ({ value });
const no = (reason: RejectReason): NormaliseResult => ({ value: undefined, reason });

/** Kinds are code-supplied names; lower-cased and checked so that `kind:value` is unambiguous. */
export function normaliseKind(raw: string): string | undefined {
  const k = raw.trim().toLowerCase();
  return KIND.test(k) ? k : undefined;
}

// Local part: the dot-atom characters of RFC 5322 plus non-ASCII (RFC 6531); quoted local parts are not
// seen in practice.
const LOCAL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~\u00a1-\uffff-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~\u00a1-\uffff-]+)*$/;
// Domain labels: letters, digits, hyphens inside, or any non-ASCII letter (internationalised domains).
const LABEL = /^[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?$/;
const TLD = /^(?:[a-z\u00a1-\uffff]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * Emails: trimmed, `mailto:` dropped, lower-cased (mailbox providers treat the local part
 * case-insensitively, and so does every CRM). Plus-addressing is kept: `ann+news@x.io` is a distinct
 * address that the owner chose to give out.
 */
export function normaliseEmail(raw: string): NormaliseResult {
  let v = raw.trim().toLowerCase();
  if (v.startsWith('mailto:')) v = v.slice(7).trim();
  if (v === '') return no('empty');
  if (v.length > 254) return no('too_long');
  if (PLACEHOLDERS.has(v)) return no('placeholder');
  const at = v.lastIndexOf('@');
  if (at < 0) return no('missing_at');
  const local = v.slice(0, at);
  const domain = v.slice(at + 1);
  if (local.length === 0 || local.length > 64 || !LOCAL.test(local))
    return no('invalid_local_part');
  const labels = domain.split('.');
  if (
    labels.length < 2 ||
    !labels.every((l) => LABEL.test(l)) ||
    !TLD.test(labels[labels.length - 1]!)
  )
    return no('invalid_domain');
  return ok(v);
}

// A trailing extension: "x123", "ext. 123", "extension 123", "#123", ";ext=123" (RFC 3966).
const EXTENSION = /\s*(?:;\s*ext=|(?:ext\.?|extension|x|#)\s*)\d{1,7}\s*$/i;
const PHONE_CHARS = /^[0-9\s().\-/]*$/;
// Countries whose national numbers keep their leading 0 after the country code (Italy, San Marino, Vatican).
const KEEPS_TRUNK_ZERO = new Set(['39', '378', '379']);

/**
 * Phones to E.164 (`+` and 7 to 15 digits). Accepts spaces, dots, dashes, slashes and brackets;
 * `00` and (for +1) `011` international prefixes; a national number with `defaultCountry`, whose single
 * trunk `0` is dropped (`020 7946 0018` → `+442079460018`); `+44 (0)20 …`; trailing extensions are
 * stripped (the person is the line, not the desk). This is a plausibility check, not a numbering plan.
 */
export function normalisePhone(raw: string, options: NormaliseOptions = {}): NormaliseResult {
  let v = raw.trim();
  if (/^tel:/i.test(v)) v = v.slice(4).trim();
  if (v === '') return no('empty');
  if (v.length > 64) return no('too_long');
  v = v.replace(EXTENSION, '');
  const plus = v.startsWith('+');
  const body = (plus ? v.slice(1) : v).replace(/\(0\)/g, '');
  if (!PHONE_CHARS.test(body)) return no('invalid_characters');
  let digits = body.replace(/\D/g, '');
  if (digits === '') return no('empty');
  const country = normaliseCountry(options.defaultCountry);
  if (country === null) return no('invalid_country');

  let e164: string;
  if (plus) e164 = digits;
  else if (digits.startsWith('00')) e164 = digits.slice(2);
  else if (country === '1' && digits.startsWith('011')) e164 = digits.slice(3);
  else if (country === undefined) return no('missing_country');
  else if (country === '1') {
    // North American numbers are written with or without the leading 1 and never with a trunk 0.
    if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
    e164 = `1${digits}`;
  } else {
    if (digits.startsWith('0') && !KEEPS_TRUNK_ZERO.has(country)) digits = digits.slice(1);
    e164 = `${country}${digits}`;
  }
  if (e164.startsWith('0')) return no('invalid_country');
  if (e164.startsWith('1') && e164.length !== 11)
    return e164.length < 11 ? no('too_short') : no('too_long');
  if (e164.length < 7) return no('too_short');
  if (e164.length > 15) return no('too_long');
  if (/^(\d)\1+$/.test(e164.slice(e164.startsWith('1') ? 1 : 0))) return no('placeholder');
  return ok(`+${e164}`);
}

/** '44', '+44' → '44'; undefined → undefined; anything else → null (a configuration error). */
function normaliseCountry(raw: string | undefined): string | undefined | null {
  if (raw === undefined) return undefined;
  const c = raw.trim().replace(/^\+/, '');
  return /^[1-9]\d{0,2}$/.test(c) ? c : null;
}

/** Normalises the value by kind: emails and phones by their rules, anything else as an opaque id. */
export function normaliseValue(
  kind: string,
  raw: string,
  options: NormaliseOptions = {},
): NormaliseResult {
  if (kind === 'email') return normaliseEmail(raw);
  if (kind === 'phone') return normalisePhone(raw, options);
  return normaliseOpaqueId(raw);
}

/** Normalises kind and value together; idempotent (a normalised identifier normalises to itself). */
export function normaliseIdentifier(
  id: Identifier,
  options: NormaliseOptions = {},
):
  { identifier: Identifier; reason?: undefined } | { identifier: undefined; reason: RejectReason } {
  const kind = normaliseKind(id.kind);
  if (kind === undefined) return { identifier: undefined, reason: 'invalid_kind' };
  const r = normaliseValue(kind, id.value, options);
  if (r.value === undefined) return { identifier: undefined, reason: r.reason };
  return { identifier: { kind, value: r.value } };
}
