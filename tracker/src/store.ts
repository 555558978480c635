// First-party storage: a cookie on the registrable domain, mirrored to localStorage (which answers
// when cookies are blocked or cleared), and an in-memory copy that is all there is until storage is
// allowed (consent-required mode). Keys are prefixed "_cl_"; values are ids and digits, so no encoding.
import { data, signal } from './config.js';
import { doc, loc } from './dom.js';

const memory: Record<string, string> = {};
const labels = loc.hostname.split('.');

/** Reads a cookie. The \b keeps "x_cl_id" from matching. */
const cookie = (key: string): string | undefined =>
  (doc.cookie.match('\\b_cl_' + key + '=([^;]*)') || [])[1];

/**
 * localStorage (or sessionStorage, `tab`): read (no value), write (a value) or remove (''). It may be
 * missing or throw (storage disabled, sandboxed frame): then it is simply absent.
 */
export const local = (key: string, value?: string | null, tab?: 1): unknown => {
  try {
    const store = (tab ? sessionStorage : localStorage) as unknown as Record<string, string>;
    key = '_cl_' + key;
    return value == null ? store[key] : value ? (store[key] = value) : delete store[key];
  } catch {
    // storage unavailable
  }
};

/**
 * Truthy: cookies/localStorage may be written and events sent. Falsy: consent required and not (yet)
 * given ("c"): events are held in memory. 0: off (DNT/GPC honoured, opted out, or consent refused): no events.
 */
export let state: unknown;

/**
 * Keys: "id" ids (see ids.ts), "c" consent given, "o" opted out, "q" unsent events (localStorage only),
 * "f" refused form field names (sessionStorage only, see redact.ts). The cookie, then localStorage, then
 * memory; only memory unless `stored` (storage allowed, or the opt-out, which is read regardless).
 */
export const get = (key: string, stored: unknown): string | undefined =>
  ((stored && (cookie(key) || local(key))) as string) || memory[key];

/**
 * Keeps in memory, and in the cookie + localStorage when allowed (or `force`d); '' deletes.
 * The cookie is written on the parent domains, shortest first ("test", "shop.test", "www.shop.test"),
 * until it reads back: browsers refuse public suffixes (com, co.uk), so it lands on the registrable
 * domain and www. / app. share it; on localhost or an IP only the host itself is accepted (a host
 * cookie). A delete never reads back, so it clears every level. data-cookie-domain is used as given.
 * The cookie lasts data-cookie-days (renewed by every write; the multiplication converts the string,
 * missing or empty gives 365); a delete is max-age=0 (times false).
 */
export const set = (key: string, value: string, force?: 1): void => {
  memory[key] = value;
  if (state || force) {
    for (let i = labels.length; cookie(key) != value && i--;)
      doc.cookie =
        '_cl_' +
        key +
        '=' +
        value +
        ';path=/;max-age=' +
        ((data.cookieDays as unknown as number) || 365) * 86400 * (!!value as unknown as number) +
        ';domain=' +
        (data.cookieDomain || labels.slice(i).join('.')) +
        (isSecureContext ? ';secure' : '');
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
  local('q', ''),
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
export const optedOut = (): unknown => get('o', 1);

state =
  signal || optedOut()
    ? off()
    : // data-consent="required" (any value turns it on)
      !('consent' in data) || cookie('c');
