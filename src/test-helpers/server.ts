import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type ConfigOverrides } from '../config/config.js';
import { newAdminToken } from '../server/admin-credential.js';
import { buildApp, type AppDeps } from '../server/app.js';
import { openTestStore } from './store.js';
import type { Store } from '../store/store.js';
import type { Workspace } from '../store/types.js';
import { createWorkspace } from '../workspaces/create.js';
import { tempDir } from './tmp.js';

export interface TestServer {
  base: string;
  app: FastifyInstance;
  store: Store;
  workspace: Workspace;
  secretKey: string;
  /** The admin token the server accepts (a served data directory's server.json holds it). */
  adminToken: string;
  dir: string;
  close(): Promise<void>;
}

/** A real server on a loopback port with a fresh store and one workspace. */
export async function startTestServer(
  overrides: ConfigOverrides = {},
  extra: Pick<AppDeps, 'receiptLoader' | 'webDir'> & { logger?: AppDeps['logger'] } = {},
): Promise<TestServer> {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  const { workspace, secretKey } = await createWorkspace(store, {
    name: 'Test',
    currency: 'USD',
    timezone: 'UTC',
  });
  const config = loadConfig({ env: {}, cwd: dir, overrides: { dataDir: dir, ...overrides } });
  const admin = newAdminToken();
  const app = await buildApp({
    store,
    config,
    logger: pino({ level: 'silent' }),
    admin: admin.check,
    ...extra,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr !== 'object') throw new Error('no address');
  return {
    base: `http://127.0.0.1:${addr.port}`,
    app,
    store,
    workspace,
    secretKey,
    adminToken: admin.token,
    dir,
    async close() {
      await app.close();
      await store.close();
      cleanup();
    },
  };
}

export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

/** Requests a test server's workspace makes: `send` a Segment batch (write key), call the `api` (secret key). */
export function clientFor(s: TestServer): {
  send: (batch: unknown[]) => Promise<Response>;
  api: (path: string, init?: RequestInit) => Promise<Response>;
} {
  return {
    send: (batch) =>
      fetch(`${s.base}/v1/batch`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: basicAuth(s.workspace.writeKey),
        },
        body: JSON.stringify({ batch }),
      }),
    api: (path, init = {}) =>
      fetch(`${s.base}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${s.secretKey}`,
          'content-type': 'application/json',
          ...(init.headers ?? {}),
        },
      }),
  };
}

/** A Segment page call with an explicit messageId, as the HTTP tests send them. */
export const pageCall = (id: string, anon: string, at: string, url: string, referrer?: string) => ({
  type: 'page',
  messageId: id,
  anonymousId: anon,
  timestamp: at,
  context: { page: { url, ...(referrer ? { referrer } : {}) } },
});
