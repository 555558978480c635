import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { firstIssue } from '../../collect/envelope.js';
import { EVENT_TYPES } from '../../collect/event-rules.js';
import type { Store } from '../../store/store.js';
import type { Workspace } from '../../store/types.js';
import { workspaceForSecret } from '../../workspaces/create.js';
import { ApiError } from '../errors.js';

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not an ISO-8601 date-time');
const EventsQuery = z.object({
  type: z.enum(EVENT_TYPES).optional(),
  anonymousId: z.string().min(1).optional(),
  userId: z.string().min(1).optional(),
  since: isoDate.optional(),
  until: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** The workspace of a secret API key (`Authorization: Bearer sk_...`), or a 401. */
export async function requireSecret(store: Store, req: FastifyRequest): Promise<Workspace> {
  const h = req.headers.authorization;
  const key = h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
  if (!key) throw new ApiError(401, 'unauthorized', 'a secret API key is required: Authorization: Bearer sk_...', 'authorization');
  const ws = await workspaceForSecret(store, key);
  if (!ws) throw new ApiError(401, 'unauthorized', 'unknown API key', 'authorization');
  return ws;
}

/** The live event debugger: newest first, filterable, for watching a new install's events arrive. */
export function eventsRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/events', async (req) => {
    const ws = await requireSecret(store, req);
    const q = EventsQuery.safeParse(req.query);
    if (!q.success) {
      const { field, reason } = firstIssue(q.error);
      throw new ApiError(400, 'invalid_query', reason, field);
    }
    const events = await store.queryEvents(ws.id, q.data);
    return { workspaceId: ws.id, count: events.length, events };
  });
}
