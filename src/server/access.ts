// Who may call a route is declared on the route (`config: access.secret()`), never called by hand in a
// handler: an `onRoute` hook refuses to register a route that declares nothing, and attaches the check
// the declaration names. The declarations are also what the authorisation test walks, route by route.
import type {
  FastifyInstance,
  FastifyRequest,
  onRequestHookHandler,
  preHandlerHookHandler,
  RouteOptions,
} from 'fastify';
import { writeKeyFrom, type WriteKeyCache } from '../collect/write-keys.js';
import type { Store } from '../store/store.js';
import type { Workspace } from '../store/types.js';
import { workspaceForSecret } from '../workspaces/create.js';
import type { AdminCheck } from './admin-credential.js';
import { ApiError } from './errors.js';

/**
 * - `anyone`: no credential (health, the snippet, the OpenAPI document);
 * - `write-key`: the workspace's public write key, wherever the SDKs put it (Basic auth user name, the
 *   body's `writeKey`, the query or the path), so it is checked once the body is parsed; an unknown key
 *   is a 401, or a 404 on the SDK settings routes (`unknown: 'not_found'`), as the vendors' CDNs answer;
 * - `secret`: the workspace's secret API key, `Authorization: Bearer sk_...`; the workspace is resolved
 *   before the body is read. The admin token is accepted too, acting on the workspace named by the
 *   `X-Closedloop-Workspace` header (the CLI beside a running server);
 * - `signature`: a vendor's webhook delivery, whose credential is its own signature (or Basic auth, or
 *   token) checked by the route against the workspace's stored webhook secret, since the check needs
 *   the raw body (routes/hooks.ts); nothing is attached here;
 * - `admin`: only the local admin token the server wrote into the data directory (server.json):
 *   `Authorization: Bearer adm_...`. Routes over all workspaces (create, list, rotate a key, delete).
 */
export type Access =
  | { who: 'anyone' }
  | { who: 'write-key'; unknown?: 'not_found' }
  | { who: 'secret' }
  | { who: 'signature' }
  | { who: 'admin' };

export const access = {
  anyone: (): { access: Access } => ({ access: { who: 'anyone' } }),
  writeKey: (opts: { unknown?: 'not_found' } = {}): { access: Access } => ({
    access: { who: 'write-key', ...opts },
  }),
  secret: (): { access: Access } => ({ access: { who: 'secret' } }),
  admin: (): { access: Access } => ({ access: { who: 'admin' } }),
  signature: (): { access: Access } => ({ access: { who: 'signature' } }),
};

/** The header naming the workspace an admin-token request to a secret-key route acts on. */
export const WORKSPACE_HEADER = 'x-closedloop-workspace';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every route registered, with who may call it (the authorisation test walks this list). */
    declaredRoutes: readonly DeclaredRoute[];
  }
}

/** A route as the access registry records it (HEAD routes Fastify adds are left out). */
export interface DeclaredRoute {
  method: string;
  url: string;
  access: Access;
}

const WORKSPACE = Symbol('workspace');
type WithWorkspace = FastifyRequest & { [WORKSPACE]?: Workspace };

/** The workspace the route's declared credential resolved to (a route without one is a programming error). */
export function workspaceOf(req: FastifyRequest): Workspace {
  const ws = (req as WithWorkspace)[WORKSPACE];
  if (!ws)
    throw new Error(
      `${req.method} ${req.routeOptions.url}: no workspace credential was declared for this route`,
    );
  return ws;
}

/** Sets the request's workspace once a route family's own hook has resolved its credential. */
export function setWorkspace(req: FastifyRequest, ws: Workspace): void {
  (req as WithWorkspace)[WORKSPACE] = ws;
}

const bearer = (req: FastifyRequest) => {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
};

function requireSecret(store: Store, admin: AdminCheck | undefined): onRequestHookHandler {
  return async (req) => {
    const key = bearer(req);
    if (!key)
      throw new ApiError(
        401,
        'unauthorized',
        'a secret API key is required: Authorization: Bearer sk_...',
        'authorization',
      );
    if (admin?.matches(key)) {
      const named = req.headers[WORKSPACE_HEADER];
      if (typeof named !== 'string' || named === '') {
        throw new ApiError(
          400,
          'workspace_required',
          `the admin token acts on the workspace named by the ${WORKSPACE_HEADER} header`,
          WORKSPACE_HEADER,
        );
      }
      const ws = await store.getWorkspace(named);
      if (!ws)
        throw new ApiError(
          404,
          'not_found',
          `no workspace with id "${named.slice(0, 100)}"`,
          WORKSPACE_HEADER,
        );
      setWorkspace(req, ws);
      return;
    }
    const ws = await workspaceForSecret(store, key);
    if (!ws) throw new ApiError(401, 'unauthorized', 'unknown API key', 'authorization');
    setWorkspace(req, ws);
  };
}

const stringField = (o: unknown, key: string): string | undefined => {
  const v = o && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
};

function requireWriteKey(
  keys: WriteKeyCache,
  unknown: 'unauthorized' | 'not_found',
): preHandlerHookHandler {
  const found = (req: FastifyRequest, ws: Workspace | undefined): ApiError | undefined => {
    if (!ws)
      return unknown === 'not_found'
        ? new ApiError(404, 'not_found', 'unknown write key', 'writeKey')
        : new ApiError(401, 'unauthorized', 'unknown write key', 'writeKey');
    setWorkspace(req, ws);
    return undefined;
  };
  // callback form: a key the cache holds (nearly every ingestion request) is answered without a promise
  return (req, _reply, done) => {
    const key =
      writeKeyFrom(req.headers.authorization, req.body) ??
      stringField(req.query, 'writeKey') ??
      stringField(req.params, 'writeKey');
    if (!key)
      return done(
        new ApiError(
          401,
          'unauthorized',
          'a write key is required (Basic auth user name, or writeKey in the body or the query)',
          'writeKey',
        ),
      );
    const hit = keys.peek(key);
    if (hit) return done(found(req, hit.ws));
    keys.resolve(key).then((ws) => done(found(req, ws)), done);
  };
}

function requireAdmin(admin: AdminCheck | undefined): onRequestHookHandler {
  return async (req) => {
    const key = bearer(req);
    if (!key)
      throw new ApiError(
        401,
        'unauthorized',
        'the admin token is required: Authorization: Bearer adm_... (server.json in the data directory)',
        'authorization',
      );
    if (!admin?.matches(key))
      throw new ApiError(401, 'unauthorized', 'not the admin token', 'authorization');
  };
}

const asArray = <T>(h: T | T[] | undefined): T[] =>
  h === undefined ? [] : Array.isArray(h) ? h : [h];

/**
 * Installs the access check: every route registered after this must declare `config.access`, and gets the
 * hook its declaration names; the registry of routes is `app.declaredRoutes`. Without `admin` (a server
 * that wrote no server.json) every admin-token request is refused.
 */
export function installAccess(
  app: FastifyInstance,
  store: Store,
  opts: { writeKeys?: WriteKeyCache; admin?: AdminCheck } = {},
): void {
  const { writeKeys, admin } = opts;
  const routes: DeclaredRoute[] = [];
  const secret = requireSecret(store, admin);
  const adminOnly = requireAdmin(admin);
  app.addHook('onRoute', (route: RouteOptions) => {
    const declared = route.config?.access;
    const methods = asArray(route.method);
    if (!declared)
      throw new Error(
        `${methods.join(',')} ${route.url} declares no access: add config: access.<who>()`,
      );
    if (declared.who === 'secret') route.onRequest = [secret, ...asArray(route.onRequest)];
    if (declared.who === 'write-key') {
      if (!writeKeys)
        throw new Error(
          `${methods.join(',')} ${route.url} takes a write key, but no write-key cache was installed`,
        );
      route.preHandler = [
        requireWriteKey(writeKeys, declared.unknown ?? 'unauthorized'),
        ...asArray(route.preHandler),
      ];
    }
    if (declared.who === 'admin') route.onRequest = [adminOnly, ...asArray(route.onRequest)];
    // HEAD routes are Fastify's copies of GET routes, with the same declaration and hooks
    for (const method of methods)
      if (method !== 'HEAD') routes.push({ method, url: route.url, access: declared });
  });
  app.decorate('declaredRoutes', routes);
}
