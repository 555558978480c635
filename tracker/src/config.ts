// Settings read from the snippet's own <script> tag (data-* attributes). Without data-key the snippet
// stops here (the bundle's try/catch swallows the throw) and stays inert. Attributes read once are read
// where they are used (data.cookieDomain …): a named constant for each would cost bytes.
import { doc } from './dom.js';

export const tag = doc.currentScript as HTMLScriptElement;
export const data = tag.dataset;

export const writeKey = data.key;
// Throws when it is missing or empty (undefined[0], then ''[0][0]): shorter than `if (!key) throw 0`.
// eslint-disable-next-line @typescript-eslint/no-unused-expressions
writeKey![0]![0];

/** `{api}/collect`; the api defaults to the origin the script came from (a same-site proxy path works too). */
export const endpoint = new URL((data.api || '').replace(/\/?$/, '/collect'), tag.src);

/** The browser asks not to be tracked (DNT / GPC) and the site honours it: nothing overrides it. */
export const signal =
  ('respectDnt' in data && (navigator.doNotTrack as unknown) == 1) ||
  ('respectGpc' in data && (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl);
