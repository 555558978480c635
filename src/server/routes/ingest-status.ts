import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';

const StatusQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** pending: dead letters not loaded yet; all: those a retry loaded too */
  include: z.enum(['pending', 'all']).default('pending'),
});

/** The intake's health for one workspace: the journal loader's lag and the workspace's dead letters (docs/dead-letters.md). */
export function ingestStatusRoutes(app: FastifyInstance, store: Store): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/ingest/status',
    {
      config: access.secret(),
      schema: {
        summary: "The journal loader's lag and the workspace's dead letters",
        querystring: StatusQuery,
      },
    },
    async (req) => {
      const ws = workspaceOf(req);
      const counts = await store.countDeadLetters(ws.id);
      const items = await store.listDeadLetters({
        workspaceId: ws.id,
        pendingOnly: req.query.include === 'pending',
        limit: req.query.limit,
      });
      return {
        workspaceId: ws.id,
        loader: app.ingest.status(),
        deadLetters: { ...counts, items },
      };
    },
  );
}
