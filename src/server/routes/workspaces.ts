import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rebuild } from '../../derive/derive.js';
import { importEvents } from '../../derive/import-events.js';
import { withWorkspaceLock } from '../../derive/workspace-lock.js';
import type { Store } from '../../store/store.js';
import { createWorkspace, NewWorkspaceInput } from '../../workspaces/create.js';
import { deleteWorkspace, rotateSecretKey } from '../../workspaces/manage.js';
import { access } from '../access.js';
import { ApiError } from '../errors.js';

const WorkspaceParams = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'is not a workspace id'),
});
export const NDJSON = 'application/x-ndjson';

export interface WorkspaceRouteDeps {
  store: Store;
  dataDir: string;
  redactParams: readonly string[];
  /** Moves everything the journal acknowledged into the store and derives it, its segments deleted (before a workspace is deleted). */
  flush: () => Promise<unknown>;
  /** Forgets cached write keys (a deleted workspace's key must stop working at once). */
  forgetWriteKeys: () => void;
}

/**
 * Workspaces over HTTP, for the admin token only (the CLI beside a running server): list, create (the
 * secret key is in the reply, once), a new secret key, delete with all data, a rebuild, and a file import
 * streamed to the data directory and run as `closedloop import events` runs it.
 */
export async function workspacesRoutes(
  fastify: FastifyInstance,
  deps: WorkspaceRouteDeps,
): Promise<void> {
  const { store } = deps;
  const admin = access.admin();
  const known = async (id: string) => {
    const ws = await store.getWorkspace(id);
    if (!ws) throw new ApiError(404, 'not_found', `no workspace with id "${id}"`, 'id');
    return ws;
  };
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/workspaces',
    { config: admin, schema: { summary: 'Every workspace (never a secret key)' } },
    async () => ({
      workspaces: await store.listWorkspaces(),
    }),
  );

  app.post(
    '/api/workspaces',
    {
      config: { ...admin, invalidBody: 'invalid_workspace' },
      schema: {
        summary: 'Create a workspace; the reply holds its secret key, shown only once',
        body: NewWorkspaceInput,
      },
    },
    async (req, reply) => {
      const created = await createWorkspace(store, req.body);
      void reply.code(201);
      return created;
    },
  );

  app.post(
    '/api/workspaces/:id/rotate-key',
    {
      config: admin,
      schema: {
        summary: 'A new secret key for the workspace (shown once); the old one stops working',
        params: WorkspaceParams,
      },
    },
    async (req) => {
      const workspace = await known(req.params.id);
      const secretKey = await rotateSecretKey(store, workspace.id);
      if (secretKey === undefined)
        throw new ApiError(404, 'not_found', `no workspace with id "${workspace.id}"`, 'id');
      return { workspace, secretKey };
    },
  );

  app.delete(
    '/api/workspaces/:id',
    {
      config: admin,
      schema: { summary: 'Delete a workspace and all its data', params: WorkspaceParams },
    },
    async (req) => {
      const workspace = await known(req.params.id);
      // its write key stops at once; what the journal already acknowledged is loaded, then removed with the rest
      deps.forgetWriteKeys();
      await deps.flush();
      // after any derive of it in progress, so none writes rows back afterwards
      const removed = await withWorkspaceLock(store, workspace.id, () =>
        deleteWorkspace(store, workspace.id),
      );
      if (!removed)
        throw new ApiError(404, 'not_found', `no workspace with id "${workspace.id}"`, 'id');
      deps.forgetWriteKeys();
      return { workspace, removed };
    },
  );

  app.post(
    '/api/workspaces/:id/rebuild',
    {
      config: admin,
      schema: {
        summary: 'Re-derive the workspace from its facts (as `closedloop rebuild`)',
        params: WorkspaceParams,
      },
    },
    async (req) => {
      const workspace = await known(req.params.id);
      // what the journal acknowledged is loaded first, so the rebuild sees it
      await deps.flush();
      const started = performance.now();
      const summary = await rebuild(store, workspace.id);
      return {
        workspace,
        summary,
        seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
      };
    },
  );

  // NDJSON bodies reach the handler as the request stream: streamed to a file, never held in memory
  await app.register(async (scope) => {
    scope.addContentTypeParser(NDJSON, (_req, payload, done) => done(null, payload));
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/workspaces/:id/import',
      {
        config: admin,
        // no limit beyond the disk: the file is streamed to the data directory (a gzip body is decoded as it comes)
        bodyLimit: Number.MAX_SAFE_INTEGER,
        schema: {
          summary:
            'Import Segment-format NDJSON (application/x-ndjson), as `closedloop import events` does',
          params: WorkspaceParams,
        },
      },
      async (req) => {
        const workspace = await known(req.params.id);
        if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith(NDJSON)) {
          throw new ApiError(
            415,
            'unsupported_media_type',
            `send the file as ${NDJSON}`,
            'content-type',
          );
        }
        const dir = join(deps.dataDir, 'imports');
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const file = join(dir, `upload-${randomUUID()}.ndjson`);
        try {
          await pipeline(req.body as Readable, createWriteStream(file, { mode: 0o600 }));
          const [result] = await importEvents(store, workspace.id, [file], {
            redactParams: deps.redactParams,
          });
          return result!;
        } finally {
          rmSync(file, { force: true });
        }
      },
    );
  });
}
