// How a landing URL is read: the WHATWG URL parser (what browsers send is already in its form), tolerant
// of what server-side SDKs and imports send instead. Shared by the channel rules and the click-id rule.

/** Parses a landing URL, tolerating a missing scheme (`example.com/?a=1`) or a bare query (`?a=1`). */
export function parseLandingUrl(url: string): URL | null {
  const text = url.trim();
  if (text === '') return null;
  try {
    return new URL(text);
  } catch {
    // no scheme: a host-first string or a path/query only
  }
  try {
    return /^[\w.-]+\.[a-z]{2,}(?:[:/?#]|$)/i.test(text)
      ? new URL(`https://${text}`)
      : new URL(text, 'https://landing.invalid');
  } catch {
    return null;
  }
}
