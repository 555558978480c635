// First-party storage: a cookie on the registrable domain, mirrored to localStorage (which answers
// when cookies are blocked or cleared), and an in-memory copy that is all there is until storage is
// allowed (consent-required mode). Keys are prefixed "_cl_"; values are ids and digits, so no encoding.
import { configuredCookieDomain, consentRequired } from './config.js';
import { doc, loc } from './dom.js';

const memory: Record<string, string> = {};
let cookieDomain = configuredCookieDomain;

/** Reads the cookie (no value) or writes it ('' with max age 0 deletes). */
const cookie = (key: string, value?: string | number, maxAge?: number): string | undefined =>
  value == null
    ? (doc.cookie.match('(^|; )_cl_' + key + '=([^;]*)') || [])[2]
    : void (doc.cookie =
        '_cl_' + key + '=' + value + ';path=/;max-age=' + maxAge + (cookieDomain ? ';domain=' + cookieDomain : '') +
        (loc.protocol == 'https:' ? ';secure' : ''));

/**
 * localStorage: read (no value), write (a value) or remove (''). It may be missing or throw
 * (storage disabled, sandboxed frame): then it is simply absent.
 */
export const local = (key: string, value?: string): string | undefined => {
  try {
    const store = localStorage as unknown as Record<string, string>;
    key = '_cl_' + key;
    if (value == null) return store[key];
    if (value) store[key] = value;
    else delete store[key];
  } catch {
    // storage unavailable
  }
  return undefined;
};

/** Whether cookies/localStorage may be written: always, unless consent is required and not (yet) given ("c"). */
export let storageAllowed = !consentRequired || !!(cookie('c') || local('c'));

/** Keys: "id" anonymous id, "s" session, "c" consent given, "q" unsent events (localStorage only). */
export const get = (key: string): string | undefined => (storageAllowed && (cookie(key) || local(key))) || memory[key];

/** Keeps in memory, and in the cookie + localStorage when allowed; '' with max age 0 deletes. */
export const set = (key: string, value: string, maxAge: number): void => {
  memory[key] = value;
  if (storageAllowed) {
    if (cookieDomain == null) {
      // The registrable domain: the shortest parent domain that accepts a cookie (public suffixes are refused).
      const labels = loc.hostname.split('.');
      for (let i = labels.length - 1; i-- && !cookie('t'); ) {
        cookieDomain = labels.slice(i).join('.');
        cookie('t', 1, 9);
      }
      if (cookie('t')) cookie('t', '', 0);
      else cookieDomain = '';
    }
    cookie(key, value, maxAge);
    local(key, value);
  }
};

/** Consent given: later writes persist. Refused: forget everything stored. */
export const allowStorage = (granted: boolean): void => {
  storageAllowed = true;
  if (!granted) for (const key of ['id', 's', 'c', 'q']) set(key, '', 0);
  storageAllowed = granted;
};
