// Users for HTTP tests: created through the domain (the store the server uses), signed in through the
// real POST /api/auth/login, so a test holds what a browser would: the session cookie and the CSRF token.
import type { Store } from '../store/store.js';
import type { Role } from '../store/types.js';
import { createUser, type UserView } from '../users/users.js';

export interface SignedIn {
  user: UserView;
  /** The `Cookie` header value (session and CSRF cookies). */
  cookie: string;
  /** The session's session token (to look for it where it must not be). */
  sessionToken: string;
  csrfToken: string;
}

export const TEST_PASSWORD = 'correct horse battery staple';

/** Creates a user (over every workspace, or over `workspace` only) with the test password. */
export function addUser(
  store: Store,
  email: string,
  role: Role,
  workspace?: string,
): Promise<UserView> {
  return createUser(store, {
    email,
    role,
    password: TEST_PASSWORD,
    ...(workspace ? { workspace } : {}),
  });
}

/** Signs in through the API; throws unless it succeeds. */
export async function signIn(
  base: string,
  email: string,
  password = TEST_PASSWORD,
): Promise<Omit<SignedIn, 'user'>> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${email}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { csrfToken: string };
  const pairs = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const sessionToken = pairs.find((p) => p.startsWith('cl_session='))!.slice('cl_session='.length);
  return { cookie: pairs.join('; '), sessionToken, csrfToken: body.csrfToken };
}

/** Headers of a request made with the session (the CSRF token included). */
export const sessionHeaders = (s: Pick<SignedIn, 'cookie' | 'csrfToken'>) => ({
  cookie: s.cookie,
  'x-csrf-token': s.csrfToken,
});
