// URL redaction before anything leaves the browser: values of sensitive query / fragment parameters
// become "[redacted]" and e-mail addresses "[email]" (the server applies its own rules again, with the
// same markers). Pure (no browser globals), so redact.test.ts runs it in node over many URLs.

/**
 * Sensitive names (case-insensitive): containing pass, pwd, secret, token, auth, sess, csrf, xsrf,
 * card, cvv, cvc, iban or ssn; pw, sid, pin or otp as a whole word; a word starting with cc
 * (cc-exp, cc_number); a word ending in key (apikey, api_key). No UTM or click id matches.
 * Forms test it on "type,name,autocomplete,id".
 */
export const DENY =
  /pass|pwd|secret|token|auth|sess|[cx]srf|card|cv[cv]|iban|ssn|(^|[^a-z])(cc|(pw|sid|pin|otp)(?![a-z]))|key(?![a-z])/i;

/**
 * `refused`: the names of the fields form submits refused in this tab (lazy/forms.ts keeps them in
 * sessionStorage "_cl_f"), form-encoded as a GET form puts them in the next page's URL: "&pwd=&nonce=".
 */
export const clean = (url: string, refused = ''): string =>
  url
    // A parameter (after ?, & or #) with a value.
    .replace(/([?&#])([^=&#]*)=([^&#]+)/g, (all, separator: string, name: string) =>
      DENY.test(name) || refused.includes('&' + name + '=')
        ? separator + name + '=[redacted]'
        : all,
    )
    .replace(/[\w.+%-]+(@|%40)[\w.-]+/g, '[email]');
