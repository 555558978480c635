// Bearer tokens of users (sessions, password resets): random, shown to their holder once, stored as their
// sha256 (a 256-bit random token needs no slow hash: nothing to guess). The CSRF token of a session is
// derived from it one-way, so it can be handed to the page without giving the session away.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const newToken = (prefix: string): string =>
  `${prefix}${randomBytes(32).toString('base64url')}`;

export const tokenHash = (token: string): string =>
  createHash('sha256').update(token).digest('base64url');

/** The CSRF token that goes with a session token. */
export const csrfFor = (sessionToken: string): string =>
  createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');

/** Constant-time equality of two strings (false for different lengths). */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}
