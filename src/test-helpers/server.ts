import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type ConfigOverrides } from '../config/config.js';
import { buildApp } from '../server/app.js';
import { openStore } from '../store/open.js';
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
  dir: string;
  close(): Promise<void>;
}

/** A real server on a loopback port with a fresh store and one workspace. */
export async function startTestServer(overrides: ConfigOverrides = {}): Promise<TestServer> {
  const { dir, cleanup } = tempDir();
  const store = await openStore(dir);
  const { workspace, secretKey } = await createWorkspace(store, { name: 'Test', currency: 'USD', timezone: 'UTC' });
  const config = loadConfig({ env: {}, cwd: dir, overrides: { dataDir: dir, ...overrides } });
  const app = await buildApp({ store, config, logger: pino({ level: 'silent' }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr !== 'object') throw new Error('no address');
  return {
    base: `http://127.0.0.1:${addr.port}`,
    app,
    store,
    workspace,
    secretKey,
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
