// URL redaction before anything leaves the browser: values of sensitive query / fragment parameters
// become "[redacted]" and e-mail addresses "[email]" (the server applies the same rules again).
import { local, state } from './store.js';

/**
 * Sensitive names (case-insensitive): containing pass, pwd, secret, token, auth, sess, csrf, xsrf,
 * card, cvv, cvc, iban or ssn; pw, sid, pin or otp as a whole word; a word starting with cc
 * (cc-exp, cc_number); a word ending in key (apikey, api_key). No UTM or click id matches.
 * Forms use it too (on "type,name,autocomplete,id").
 */
export const DENY = /pass|pwd|secret|token|auth|sess|csrf|xsrf|card|cvv|cvc|iban|ssn|(^|[^a-z])(cc|(pw|sid|pin|otp)($|[^a-z]))|key($|[^a-z])/i;

/**
 * Names of the fields a form submit refused, kept for the rest of the tab's session, form-encoded as
 * a GET form puts them in the next page's URL: "&pwd=&nonce=".
 */
let refused = local('f', null, 1) || '';

/** Remembers more refused names ("a=&b="): the next page's URL may carry their values. */
export const remember = (names: string): void => {
  if (state !== 0) local('f', (refused += '&' + names), 1);
};

export const clean = (url: string): string =>
  url
    .replace(/([?&#][^=&#]*)=([^&#]+)/g, (all, name: string) =>
      DENY.test(name) || refused.includes('&' + name.slice(1) + '=') ? name + '=[redacted]' : all,
    )
    .replace(/[\w.+%-]+(@|%40)[\w.-]+/g, '[email]');
