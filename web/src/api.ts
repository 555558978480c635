// The API client: same-origin requests with the session cookie, the workspace named in the query
// (a session acts on `?workspace=ID`, docs/access.md) and the CSRF token on writes.

/** An API error reply: `{"error": {code, message, field}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Me {
  user: { id: string; email: string; role?: string | null };
  workspaces: { id: string; name: string; role: string }[];
  csrfToken: string;
  expiresAt: string;
}

let csrfToken = '';
/** Kept from the sign-in and /api/auth/me replies; the `cl_csrf` cookie is the fallback. */
export const setCsrf = (t: string): void => {
  csrfToken = t;
};
const csrf = () => csrfToken || (/(?:^|; )cl_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? '');

export type Query = Record<string, string | number | undefined | null>;

/** `path` with the query's set values (an empty or absent value is left out: the API's default). */
export function apiUrl(path: string, query: Query = {}): string {
  const u = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  return u.pathname + u.search;
}

export async function api<T>(
  path: string,
  opts: { method?: string; body?: unknown; query?: Query; signal?: AbortSignal } = {},
): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = csrf();
  const res = await fetch(apiUrl(path, opts.query), {
    method,
    headers,
    credentials: 'same-origin',
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (!res.ok) {
    let code = 'http_error';
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: { code?: string; message?: string } };
      code = body.error?.code ?? code;
      message = body.error?.message ?? message;
    } catch {
      // not JSON (a proxy's page): the status line says enough
    }
    throw new ApiError(res.status, code, message);
  }
  return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
}
