// Settings read once from the snippet's own <script> tag (data-* attributes). Without data-key the
// snippet stops here (the bundle's try/catch swallows the throw) and stays inert.
import { doc, nav } from './dom.js';

const tag = doc.currentScript as HTMLScriptElement;
export const data = tag.dataset;

/** Set by the build: the lazy part's content hash, which names it (see tracker/build.ts). */
declare const LAZY_HASH: string;
/** The lazy part: this script's own URL with the hash as query (immutable, so it is cached for good). */
export const lazyUrl = new URL('?' + LAZY_HASH, tag.src);

export const writeKey = data.key;
if (!writeKey) throw 0;

/** `{api}/collect`; the api defaults to the origin the script came from (a same-site proxy path works too). */
export const endpoint = new URL((data.api || '').replace(/\/?$/, '/collect'), tag.src);

export const configuredCookieDomain = data.cookieDomain;
// Numeric attributes: the multiplication converts the string; missing or empty gives the default.
export const idMaxAge = ((data.cookieDays as unknown as number) || 365) * 86400;
export const sessionMs = ((data.sessionMinutes as unknown as number) || 30) * 6e4;
/** data-consent="required" (any value turns it on). */
export const consentRequired = 'consent' in data;

/** The browser asks not to be tracked (DNT / GPC) and the site honours it: nothing overrides it. */
export const signal =
  ('respectDnt' in data && nav.doNotTrack == '1') ||
  ('respectGpc' in data && (nav as { globalPrivacyControl?: boolean }).globalPrivacyControl);
