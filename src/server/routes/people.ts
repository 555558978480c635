import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { firstIssue } from '../../collect/envelope.js';
import { normaliseIdentifier } from '../../model/identity/index.js';
import type { Store } from '../../store/store.js';
import { ApiError } from '../errors.js';
import { requireSecret } from './events.js';

const PeopleQuery = z
  .object({
    email: z.string().min(1).optional(),
    phone: z.string().min(1).optional(),
    anonymousId: z.string().min(1).optional(),
    userId: z.string().min(1).optional(),
  })
  .refine((q) => Object.values(q).filter(Boolean).length === 1, 'give exactly one of email, phone, anonymousId, userId');

const KIND: Record<string, string> = { email: 'email', phone: 'phone', anonymousId: 'anonymous_id', userId: 'user_id' };

/** Find a person by an identifier, and read a person's whole journey. */
export function peopleRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/people', async (req) => {
    const ws = await requireSecret(store, req);
    const q = PeopleQuery.safeParse(req.query);
    if (!q.success) {
      const { field, reason } = firstIssue(q.error);
      throw new ApiError(400, 'invalid_query', reason, field === '(body)' ? 'query' : field);
    }
    const [key, raw] = Object.entries(q.data).find(([, v]) => v) as [string, string];
    const id = normaliseIdentifier({ kind: KIND[key]!, value: raw });
    if (id.identifier === undefined) throw new ApiError(400, 'invalid_query', `is not a valid ${key} (${id.reason})`, key);
    const ids = await store.personsByIdentifier(ws.id, id.identifier.kind, id.identifier.value);
    const people = [];
    for (const personId of ids) {
      const j = await store.personJourney(ws.id, personId);
      if (j) people.push({ personId, identifiers: j.identifiers, firstSeen: j.firstSeen, lastSeen: j.lastSeen, items: j.timeline.length });
    }
    return { people };
  });

  app.get<{ Params: { id: string } }>('/api/people/:id/journey', async (req) => {
    const ws = await requireSecret(store, req);
    const journey = await store.personJourney(ws.id, req.params.id);
    if (!journey) throw new ApiError(404, 'not_found', `no person ${req.params.id} in this workspace`, 'id');
    return journey;
  });
}
