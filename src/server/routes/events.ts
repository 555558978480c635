import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EVENT_TYPES } from '../../rules/event-rules.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';

const isoDate = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'is not an ISO-8601 date-time');
const EventsQuery = z.object({
  type: z.enum(EVENT_TYPES).optional(),
  anonymousId: z.string().min(1).optional(),
  userId: z.string().min(1).optional(),
  since: isoDate.optional(),
  until: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** The live event debugger: newest first, filterable, for watching a new install's events arrive. */
export function eventsRoutes(app: FastifyInstance, store: Store): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/events',
    {
      // person-level rows: an analyst's
      config: access.secret({ role: 'analyst' }),
      schema: { summary: 'The newest events, filtered', querystring: EventsQuery },
    },
    async (req) => {
      const ws = workspaceOf(req);
      const events = await store.queryEvents(ws.id, req.query);
      return { workspaceId: ws.id, count: events.length, events };
    },
  );
}
