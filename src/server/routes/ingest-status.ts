import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { firstIssue } from '../../collect/envelope.js';
import type { Store } from '../../store/store.js';
import { ApiError } from '../errors.js';
import { requireSecret } from './events.js';

const StatusQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** pending: dead letters not loaded yet; all: those a retry loaded too */
  include: z.enum(['pending', 'all']).default('pending'),
});

/** The intake's health for one workspace: the journal loader's lag and the workspace's dead letters (docs/dead-letters.md). */
export function ingestStatusRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/ingest/status', async (req) => {
    const ws = await requireSecret(store, req);
    const q = StatusQuery.safeParse(req.query);
    if (!q.success) {
      const { field, reason } = firstIssue(q.error);
      throw new ApiError(400, 'invalid_query', reason, field);
    }
    const counts = await store.countDeadLetters(ws.id);
    const items = await store.listDeadLetters({ workspaceId: ws.id, pendingOnly: q.data.include === 'pending', limit: q.data.limit });
    return { workspaceId: ws.id, loader: app.ingest.status(), deadLetters: { ...counts, items } };
  });
}
