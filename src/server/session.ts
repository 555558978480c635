// Cookie sessions of users: the session token in an http-only, SameSite=Lax cookie (Secure when the
// request came over TLS, directly or through a trusted proxy's X-Forwarded-Proto), stored hashed in the
// control store with its expiry. Writes made with the cookie must carry the session's CSRF token in a
// header, which a page of another site cannot set (docs/access.md).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/store.js';
import type { User } from '../store/types.js';
import { csrfFor, newToken, sameSecret, tokenHash } from '../users/tokens.js';
import { ApiError } from './errors.js';

export const SESSION_COOKIE = 'cl_session';
/** Readable by the page (not http-only): the double-submit copy of the CSRF token. */
export const CSRF_COOKIE = 'cl_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** How long a session lives from its sign-in. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** The request's cookies (the first value of each name). */
export function cookiesOf(req: FastifyRequest): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

const cookie = (name: string, value: string, maxAgeS: number, secure: boolean, httpOnly: boolean) =>
  [
    `${name}=${value}`,
    'Path=/',
    `Max-Age=${maxAgeS}`,
    'SameSite=Lax',
    ...(httpOnly ? ['HttpOnly'] : []),
    ...(secure ? ['Secure'] : []),
  ].join('; ');

/** Starts a session for the user: stored hashed, its cookies set. The CSRF token for the page. */
export async function startSession(
  store: Store,
  req: FastifyRequest,
  reply: FastifyReply,
  user: User,
): Promise<{ csrfToken: string; expiresAt: string }> {
  const token = newToken('ses_');
  await store.createUserSession({
    tokenHash: tokenHash(token),
    userId: user.id,
    ttlMs: SESSION_TTL_MS,
  });
  const secure = req.protocol === 'https';
  const maxAge = Math.floor(SESSION_TTL_MS / 1000);
  const csrfToken = csrfFor(token);
  void reply.header('set-cookie', [
    cookie(SESSION_COOKIE, token, maxAge, secure, true),
    cookie(CSRF_COOKIE, csrfToken, maxAge, secure, false),
  ]);
  return { csrfToken, expiresAt: new Date(Date.now() + SESSION_TTL_MS).toISOString() };
}

/** Ends the request's session (if any) and clears its cookies. */
export async function endSession(
  store: Store,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const token = cookiesOf(req).get(SESSION_COOKIE);
  if (token) await store.deleteUserSession(tokenHash(token));
  const secure = req.protocol === 'https';
  void reply.header('set-cookie', [
    cookie(SESSION_COOKIE, '', 0, secure, true),
    cookie(CSRF_COOKIE, '', 0, secure, false),
  ]);
}

export interface SessionOf {
  user: User;
  csrfToken: string;
  expiresAt: string;
}

const SESSION = Symbol('session');
type WithSession = FastifyRequest & { [SESSION]?: SessionOf | null };

/** The signed-in user of the request's session cookie, or undefined (no cookie, unknown, expired). */
export async function sessionOf(store: Store, req: FastifyRequest): Promise<SessionOf | undefined> {
  const r = req as WithSession;
  if (r[SESSION] !== undefined) return r[SESSION] ?? undefined;
  const token = cookiesOf(req).get(SESSION_COOKIE);
  let found: SessionOf | null = null;
  if (token && token.length <= 200) {
    const s = await store.findUserSession(tokenHash(token));
    const user = s && (await store.getUser(s.userId));
    if (s && user) found = { user, csrfToken: csrfFor(token), expiresAt: s.expiresAt };
  }
  r[SESSION] = found;
  return found ?? undefined;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Refuses a write made with the session cookie that does not carry the session's CSRF token. */
export function checkCsrf(req: FastifyRequest, session: SessionOf): void {
  if (SAFE.has(req.method)) return;
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken))
    throw new ApiError(
      403,
      'csrf_failed',
      `a write with the session cookie must send the session's CSRF token in the ${CSRF_HEADER} header`,
      CSRF_HEADER,
    );
}
