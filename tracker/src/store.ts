// First-party storage: a cookie on the registrable domain, mirrored to localStorage (which answers
// when cookies are blocked or cleared), and an in-memory copy that is all there is until storage is
// allowed (consent-required mode). Keys are prefixed "_cl_"; values are ids and digits, so no encoding.
import { configuredCookieDomain, consentRequired, idMaxAge, signal } from './config.js';
import { doc, loc } from './dom.js';

const memory: Record<string, string> = {};
const labels = loc.hostname.split('.');

/**
 * Reads the cookie (no value) or writes it on `domain`, for data-cookie-days (renewed by every write),
 * or deletes it (''). The \b keeps "x_cl_id" from matching.
 */
const cookie = (key: string, value?: string, domain?: string): string | undefined =>
  value == null
    ? (doc.cookie.match('\\b_cl_' + key + '=([^;]*)') || [])[1]
    : void (doc.cookie =
        '_cl_' +
        key +
        '=' +
        value +
        ';path=/;max-age=' +
        (value ? idMaxAge : 0) +
        ';domain=' +
        domain +
        (isSecureContext ? ';secure' : ''));

/**
 * localStorage (or sessionStorage, `tab`): read (no value), write (a value) or remove (''). It may be
 * missing or throw (storage disabled, sandboxed frame): then it is simply absent.
 */
export const local = (key: string, value?: string | null, tab?: 1): string | undefined => {
  try {
    const store = (tab ? sessionStorage : localStorage) as unknown as Record<string, string>;
    key = '_cl_' + key;
    if (value == null) return store[key];
    if (value) store[key] = value;
    else delete store[key];
  } catch {
    // storage unavailable
  }
  return undefined;
};

/**
 * Truthy: cookies/localStorage may be written and events sent. Falsy: consent required and not (yet)
 * given ("c"): events are held in memory. 0: off (DNT/GPC honoured, opted out, or consent refused): no events.
 */
export let state: unknown;

/**
 * Keys: "id" ids (see ids.ts), "c" consent given, "o" opted out, "q" unsent events (localStorage only),
 * "f" refused form field names (sessionStorage only, see redact.ts).
 */
export const get = (key: string): string | undefined =>
  ((state && (cookie(key) || local(key))) as string) || memory[key];

/**
 * Keeps in memory, and in the cookie + localStorage when allowed (or `force`d); '' deletes.
 * The cookie is tried on the parent domains, shortest first ("test", "shop.test", "www.shop.test"),
 * until it reads back: browsers refuse public suffixes (com, co.uk), so it lands on the registrable
 * domain and www. / app. share it; on localhost or an IP only the host itself is accepted (a host
 * cookie). A delete never reads back, so it clears every level. data-cookie-domain is used as given.
 */
export const set = (key: string, value: string, force?: 1): void => {
  memory[key] = value;
  if (state || force) {
    for (let i = labels.length; cookie(key) != value && i--;)
      cookie(key, value, configuredCookieDomain || labels.slice(i).join('.'));
    local(key, value);
  }
};

/**
 * Off: forgets what is stored (ids, consent, outbox, the tab's refused field names); `optOut` also
 * remembers the refusal ("o").
 */
export const off = (optOut?: unknown): 0 => (
  set('id', '', 1),
  set('c', '', 1),
  set('q', '', 1),
  local('f', '', 1),
  optOut && set('o', '1', 1),
  (state = 0)
);

/** Consent given (or opt-in): storage allowed, an opt-out lifted, the consent remembered ("c"). */
export const allow = (): void => {
  state = 1;
  set('o', '');
  set('c', '1');
};

/** The visitor opted out: the "_cl_o" cookie (set by optOut(), or by the site itself) or its copies. */
export const optedOut = (): unknown => cookie('o') || local('o') || memory.o;

state = signal || optedOut() ? off() : !consentRequired || cookie('c');
