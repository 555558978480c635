// Pipedrive signs nothing: a webhook can only carry HTTP Basic credentials, set when the webhook is
// created (`http_auth_user`, `http_auth_password`). When a workspace has set a password (its
// `--webhook-secret`), every delivery must present it, and the user name too when one is configured.
// The check compares digests in constant time: a wrong guess learns nothing from the time taken,
// not even the password's length. Every refusal names its reason, for a 401 that says why.
//
//   verifyPipedriveBasicAuth(request.headers.authorization, { password: secret, user: 'closedloop' });

import { createHash, timingSafeEqual } from 'node:crypto';

export type PipedriveAuthFailure =
  | 'no_secret'
  | 'missing_authorization'
  | 'not_basic'
  | 'malformed_credentials'
  | 'wrong_credentials';

export class PipedriveAuthError extends Error {
  constructor(
    readonly reason: PipedriveAuthFailure,
    message: string,
  ) {
    super(message);
    this.name = 'PipedriveAuthError';
  }
}

export interface PipedriveAuthOptions {
  /** The password set on the webhook; several while one is being rotated. */
  password: string | readonly string[];
  /** The user name set on the webhook; when absent any user name is accepted. */
  user?: string | null;
}

// equal-length digests, so timingSafeEqual never throws and the length of a secret is not timed
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks a delivery's `Authorization` header against the webhook's Basic-auth credentials. Returns
 * the user name it carried, or throws a `PipedriveAuthError` naming the reason.
 */
export function verifyPipedriveBasicAuth(
  header: string | readonly string[] | null | undefined,
  options: PipedriveAuthOptions,
): { user: string } {
  const passwords = (
    typeof options.password === 'string' ? [options.password] : options.password
  ).filter((p) => p.length > 0);
  if (passwords.length === 0)
    throw new PipedriveAuthError('no_secret', 'no Pipedrive webhook password is configured');
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || value.trim() === '')
    throw new PipedriveAuthError('missing_authorization', 'no Authorization header');
  const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(value);
  if (!m || m[1]!.toLowerCase() !== 'basic')
    throw new PipedriveAuthError('not_basic', 'the Authorization header is not Basic credentials');
  const encoded = m[2]!;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0)
    throw new PipedriveAuthError('malformed_credentials', 'the Basic credentials are not base64');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0)
    throw new PipedriveAuthError(
      'malformed_credentials',
      'the Basic credentials have no user:password',
    );
  const user = decoded.slice(0, colon);
  const given = digest(decoded.slice(colon + 1));
  let matched = false;
  for (const password of passwords) {
    // every password is tried, so the time taken does not tell which one matched
    matched = timingSafeEqual(given, digest(password)) || matched;
  }
  const expectedUser = options.user ?? null;
  const userOk = expectedUser === null || timingSafeEqual(digest(user), digest(expectedUser));
  if (!matched || !userOk)
    throw new PipedriveAuthError(
      'wrong_credentials',
      'the Basic credentials do not match the webhook user and password',
    );
  return { user };
}

/** The `Authorization` header Pipedrive sends for these credentials (tests, the simulator). */
export function pipedriveBasicAuthHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}
