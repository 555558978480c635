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
import { roleAtLeast, type Role, type User, type Workspace } from '../store/types.js';
import { roleIn } from '../users/users.js';
import { workspaceForSecret } from '../workspaces/create.js';
import { hashSecret } from '../workspaces/keys.js';
import type { AdminCheck } from './admin-credential.js';
import { ApiError } from './errors.js';
import { checkCsrf, sessionOf } from './session.js';

/**
 * - `anyone`: no credential (health, the snippet, the OpenAPI document);
 * - `write-key`: the workspace's public write key, wherever the SDKs put it (Basic auth user name, the
 *   body's `writeKey`, the query or the path), so it is checked once the body is parsed; an unknown key
 *   is a 401, or a 404 on the SDK settings routes (`unknown: 'not_found'`), as the vendors' CDNs answer;
 * - `secret`: a credential of one workspace, with at least the route's `role` there (default: viewer for
 *   GET, admin for a change): the workspace's secret API key (`Authorization: Bearer sk_...`, its owner
 *   key), one of its role-scoped API keys (`/api/keys`), or a user's session cookie naming the workspace
 *   with `?workspace=ID` (a member's role there, CSRF token on writes). The workspace is resolved before
 *   the body is read. The admin token is accepted too, acting on the workspace named by the
 *   `X-Closedloop-Workspace` header (the CLI beside a running server);
 * - `user`: any signed-in user's session cookie (their own account: who am I, sign out);
 * - `instance`: the admin token, or the session of a user whose role over every workspace is at least
 *   `role` (managing users);
 * - `signature`: a vendor's webhook delivery, whose credential is its own signature (or Basic auth, or
 *   token) checked by the route against the workspace's stored webhook secret, since the check needs
 *   the raw body (routes/hooks.ts); nothing is attached here;
 * - `admin`: only the local admin token the server wrote into the data directory (server.json):
 *   `Authorization: Bearer adm_...`. Routes over all workspaces (create, list, rotate a key, delete).
 */
export type Access =
  | { who: 'anyone' }
  | { who: 'write-key'; unknown?: 'not_found' }
  | { who: 'secret'; role?: Role }
  | { who: 'user' }
  | { who: 'instance'; role: Role }
  | { who: 'signature' }
  | { who: 'admin' };

export const access = {
  anyone: (): { access: Access } => ({ access: { who: 'anyone' } }),
  writeKey: (opts: { unknown?: 'not_found' } = {}): { access: Access } => ({
    access: { who: 'write-key', ...opts },
  }),
  secret: (opts: { role?: Role } = {}): { access: Access } => ({
    access: { who: 'secret', ...opts },
  }),
  user: (): { access: Access } => ({ access: { who: 'user' } }),
  instance: (role: Role): { access: Access } => ({ access: { who: 'instance', role } }),
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
    /** The access of the routes a library registers in this plugin context (declareContextAccess). */
    contextAccess?: Access;
  }
}

/**
 * Declares who may call every route registered in this plugin context and the contexts under it, for a
 * library whose routes take no config of ours (the API reference's pages): the declaration is written
 * onto each such route, so it is declared, checked and walked like any other.
 *
 *   app.register(async (docs) => { declareContextAccess(docs, access.anyone().access); ... })
 */
export function declareContextAccess(app: FastifyInstance, declared: Access): void {
  app.decorate('contextAccess', { getter: () => declared });
}

/** A route as the access registry records it (HEAD routes Fastify adds are left out). */
export interface DeclaredRoute {
  method: string;
  url: string;
  /** As declared, a `secret` route's role filled in. */
  access: Access;
}

/** The role a `secret` route needs when it names none: reading is a viewer's, changing an admin's. */
export const defaultRole = (method: string): Role =>
  method === 'GET' || method === 'HEAD' ? 'viewer' : 'admin';

/** Who made a request, as the audit log names them (never a credential). */
export type Actor =
  | { kind: 'admin-token' }
  | { kind: 'secret-key' }
  | { kind: 'key'; id: string; role: Role }
  | { kind: 'user'; user: User; role?: Role };

const ACTOR = Symbol('actor');
type WithActor = FastifyRequest & { [ACTOR]?: Actor };

/** The caller the route's credential resolved to, or undefined (an `anyone` route). */
export const actorOf = (req: FastifyRequest): Actor | undefined => (req as WithActor)[ACTOR];
const setActor = (req: FastifyRequest, a: Actor) => ((req as WithActor)[ACTOR] = a);

/** The caller's role in the request's workspace: the secret key and the admin token act as its owner. */
export function callerRole(req: FastifyRequest): Role {
  const a = actorOf(req);
  if (!a || a.kind === 'admin-token' || a.kind === 'secret-key') return 'owner';
  if (a.kind === 'key') return a.role;
  return a.role ?? a.user.role ?? 'viewer';
}

/** The actor as one audit-log word. */
export function actorName(req: FastifyRequest): string {
  const a = actorOf(req);
  if (!a) return 'anonymous';
  if (a.kind === 'key') return `key:${a.id}`;
  if (a.kind === 'user') return `user:${a.user.id}`;
  return a.kind;
}

const forbidden = (needed: Role, held: string) =>
  new ApiError(403, 'forbidden', `this needs the ${needed} role; the credential has ${held}`);

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

function requireSecret(
  store: Store,
  admin: AdminCheck | undefined,
  needed: Role,
): onRequestHookHandler {
  return async (req) => {
    const key = bearer(req);
    if (key) {
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
        setActor(req, { kind: 'admin-token' });
        setWorkspace(req, ws);
        return;
      }
      const ws = await workspaceForSecret(store, key);
      if (ws) {
        setActor(req, { kind: 'secret-key' });
        setWorkspace(req, ws);
        return;
      }
      const scoped = await store.findApiKeyByHash(hashSecret(key));
      const scopedWs =
        scoped && !scoped.revokedAt && (await store.getWorkspace(scoped.workspaceId));
      if (!scoped || !scopedWs)
        throw new ApiError(
          401,
          'unauthorized',
          scoped ? 'this API key was revoked' : 'unknown API key',
          'authorization',
        );
      if (!roleAtLeast(scoped.role, needed)) throw forbidden(needed, scoped.role);
      setActor(req, { kind: 'key', id: scoped.id, role: scoped.role });
      setWorkspace(req, scopedWs);
      return;
    }
    const session = await sessionOf(store, req);
    if (!session)
      throw new ApiError(
        401,
        'unauthorized',
        'a secret API key (Authorization: Bearer sk_...) or a signed-in session is required',
        'authorization',
      );
    checkCsrf(req, session);
    const id = stringField(req.query, 'workspace');
    if (!id)
      throw new ApiError(
        400,
        'workspace_required',
        'a session names the workspace it acts on: ?workspace=ID',
        'workspace',
      );
    // a workspace the user may not see is answered as one that does not exist
    const ws = await store.getWorkspace(id);
    const role = ws && (await roleIn(store, session.user, ws.id));
    if (!ws || !role)
      throw new ApiError(
        404,
        'not_found',
        `no workspace with id "${id.slice(0, 100)}"`,
        'workspace',
      );
    if (!roleAtLeast(role, needed)) throw forbidden(needed, role);
    setActor(req, { kind: 'user', user: session.user, role });
    setWorkspace(req, ws);
    // `workspace` is the credential's, not the route's: a route's own strict query schema (the reports')
    // must not refuse it as an unknown parameter (onRequest runs before the query is validated)
    delete (req.query as Record<string, unknown>).workspace;
  };
}

function requireUser(store: Store): onRequestHookHandler {
  return async (req) => {
    const session = await sessionOf(store, req);
    if (!session)
      throw new ApiError(401, 'unauthorized', 'sign in first: POST /api/auth/login', 'cookie');
    checkCsrf(req, session);
    setActor(req, { kind: 'user', user: session.user });
  };
}

function requireInstance(
  store: Store,
  admin: AdminCheck | undefined,
  needed: Role,
): onRequestHookHandler {
  return async (req) => {
    const key = bearer(req);
    if (key) {
      if (!admin?.matches(key))
        throw new ApiError(401, 'unauthorized', 'not the admin token', 'authorization');
      setActor(req, { kind: 'admin-token' });
      return;
    }
    const session = await sessionOf(store, req);
    if (!session)
      throw new ApiError(
        401,
        'unauthorized',
        'the admin token or a signed-in session is required',
        'authorization',
      );
    checkCsrf(req, session);
    const role = session.user.role;
    // a user of some workspaces only manages nobody at the instance's level
    if (!role || !roleAtLeast(role, needed)) throw forbidden(needed, role ?? 'no instance role');
    setActor(req, { kind: 'user', user: session.user, role });
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
    setActor(req, { kind: 'admin-token' });
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
  const adminOnly = requireAdmin(admin);
  const user = requireUser(store);
  app.addHook('onRoute', function (this: FastifyInstance, route: RouteOptions) {
    // `this` is the context the route is registered in: a library's routes take its declaration
    if (!route.config?.access && this.contextAccess)
      route.config = { ...route.config, access: this.contextAccess };
    const declared = route.config?.access;
    const methods = asArray(route.method);
    if (!declared)
      throw new Error(
        `${methods.join(',')} ${route.url} declares no access: add config: access.<who>()`,
      );
    if (declared.who === 'secret') {
      const role = declared.role ?? defaultRole(methods.find((m) => m !== 'HEAD') ?? 'GET');
      route.onRequest = [requireSecret(store, admin, role), ...asArray(route.onRequest)];
      for (const method of methods)
        if (method !== 'HEAD')
          routes.push({ method, url: route.url, access: { who: 'secret', role } });
      return;
    }
    if (declared.who === 'user') route.onRequest = [user, ...asArray(route.onRequest)];
    if (declared.who === 'instance')
      route.onRequest = [requireInstance(store, admin, declared.role), ...asArray(route.onRequest)];
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
