// Which URL parameters are redacted: the built-in names, a workspace's and the configuration's own, and
// the campaign-link parameter that becomes an identify, compiled once into a fast check by name. Also the
// hint words the stored-facts redaction pre-filters events with. Pure: no store, no I/O.
import { CLICK_ID_PARAMS } from '../rules/campaign-params.js';
import type { RedactionHint } from '../store/types.js';
import { EMAIL_MARKER } from './redact-emails.js';

/**
 * Parameter names redacted by default, matched against each word of a name (split at `_ - . [ ] space`
 * and camelCase): `user[password]`, `x-api-key`, `cardNumber` and `card_number` all match.
 */
export const DEFAULT_REDACT_WORDS: readonly string[] = [
  'password',
  'passwd',
  'pwd',
  'pw',
  'pass',
  'passcode',
  'passphrase',
  'secret',
  'token',
  'auth',
  'authorization',
  'apikey',
  'key',
  'session',
  'sessionid',
  'sessid',
  'sid',
  'csrf',
  'xsrf',
  'card',
  'cardnumber',
  'cc',
  'cvv',
  'cvc',
  'ssn',
  'iban',
  'otp',
  'pin',
];
/**
 * Words distinctive enough to match inside a longer word too: `newpassword`, `accesstoken`,
 * `phpsessid`, `jsessionid`, `xcsrftoken`.
 */
export const DEFAULT_REDACT_SUBSTRINGS: readonly string[] = [
  'password',
  'passwd',
  'passphrase',
  'passcode',
  'secret',
  'token',
  'apikey',
  'authorization',
  'cardnumber',
  'csrf',
  'xsrf',
  'session',
  'sessid',
];

/** Never redacted, whatever the rules say: the marketing parameters attribution reads. */
const KEEP = new Set(CLICK_ID_PARAMS);
const keep = (name: string): boolean => name.startsWith('utm_') || KEEP.has(name);

export interface RedactionRules {
  /** Extra parameter names (the workspace's and the configuration's), matched like the default words. */
  extraNames?: readonly string[];
  /**
   * A parameter that carries the visitor's own e-mail on a campaign link (e.g. `cl_email`): removed from
   * the URL, and the page event gets an identify with that e-mail beside it.
   */
  identifyParam?: string | null;
}

/**
 * What every redacted parameter name holds, as the rules below decide (RedactionHint): a substring
 * (the distinctive words, an extra name whole, the identify parameter) or a word of its own. The
 * stored-facts redaction reads only events whose JSON holds one, or an `@`.
 */
export function hintWords(rules: RedactionRules = {}): RedactionHint {
  const anywhere = new Set<string>(DEFAULT_REDACT_SUBSTRINGS);
  const exact = new Set<string>(DEFAULT_REDACT_WORDS);
  for (const n of rules.extraNames ?? []) {
    anywhere.add(n.toLowerCase());
    for (const w of words(n)) exact.add(w);
  }
  if (rules.identifyParam) anywhere.add(rules.identifyParam.toLowerCase());
  return { anywhere: [...anywhere].sort(), words: [...exact].sort(), markers: [EMAIL_MARKER] };
}

export interface CompiledRedaction {
  /** True when a parameter of this name has its value redacted. */
  redacts(name: string): boolean;
  readonly identifyParam: string | null;
}

/** Lower-cased words of a name: `user[newPassword]` → user, new, password, newpassword... */
function words(name: string): string[] {
  const out = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return out;
}

/** Parameter names are case-insensitive; extra names are validated where they are set (derive/redaction-settings.ts). */
export function compileRedaction(rules: RedactionRules = {}): CompiledRedaction {
  const exact = new Set<string>(DEFAULT_REDACT_WORDS);
  for (const n of rules.extraNames ?? []) {
    const lower = n.toLowerCase();
    exact.add(lower);
    for (const w of words(n)) exact.add(w);
  }
  const extraWhole = new Set((rules.extraNames ?? []).map((n) => n.toLowerCase()));
  const identifyParam = rules.identifyParam ? rules.identifyParam.toLowerCase() : null;
  const cache = new Map<string, boolean>();
  const decide = (name: string): boolean => {
    const lower = name.toLowerCase();
    if (keep(lower) || lower === identifyParam) return false;
    if (extraWhole.has(lower) || DEFAULT_REDACT_SUBSTRINGS.some((s) => lower.includes(s)))
      return true;
    // `api_key` → api, key; `cardNumber` → card, number. (Every word is a substring of the lower-cased
    // name: the stored-facts pre-filter, hintWords, relies on it.)
    return words(name).some((w) => exact.has(w));
  };
  return {
    identifyParam,
    redacts(name: string): boolean {
      let r = cache.get(name);
      if (r === undefined) {
        r = decide(name);
        if (cache.size > 10_000) cache.clear();
        cache.set(name, r);
      }
      return r;
    },
  };
}
