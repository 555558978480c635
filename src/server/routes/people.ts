import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { normaliseIdentifier } from '../../derive/identity/index.js';
import {
  erasePerson,
  exportPerson,
  PersonTargetError,
  type PersonTarget,
} from '../../derive/person-privacy.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';

const PeopleQuery = z
  .object({
    email: z.string().min(1).optional(),
    phone: z.string().min(1).optional(),
    anonymousId: z.string().min(1).optional(),
    userId: z.string().min(1).optional(),
  })
  .refine(
    (q) => Object.values(q).filter(Boolean).length === 1,
    'give exactly one of email, phone, anonymousId, userId',
  );

// a person id as the store makes them (`p_` + hex), with room for other engines' ids; Fastify refuses
// parameters over 100 characters itself (414)
const PersonParams = z.object({
  id: z.string().regex(/^[A-Za-z0-9_#:.-]{1,100}$/, 'is not a person id'),
});

// an e-mail travels in the body, never the URL: a URL is logged, and the address is personal data
const EmailTarget = z.object({ email: z.string().min(1).max(320) }).strict();

const KIND: Record<string, string> = {
  email: 'email',
  phone: 'phone',
  anonymousId: 'anonymous_id',
  userId: 'user_id',
};

/** Find a person by an identifier, read a person's whole journey, export it, erase it (docs/privacy.md). */
export function peopleRoutes(fastify: FastifyInstance, store: Store): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // a person's rows are an analyst's to read; exports, erasures and their record an admin's
  const secret = access.secret({ role: 'analyst' });
  const admin = access.secret({ role: 'admin' });
  app.get(
    '/api/people',
    {
      config: secret,
      schema: { summary: 'Find people by one identifier', querystring: PeopleQuery },
    },
    async (req) => {
      const ws = workspaceOf(req);
      const [key, raw] = Object.entries(req.query).find(([, v]) => v) as [string, string];
      const id = normaliseIdentifier({ kind: KIND[key]!, value: raw });
      if (id.identifier === undefined)
        throw new ApiError(400, 'invalid_query', `is not a valid ${key} (${id.reason})`, key);
      const ids = await store.personsByIdentifier(ws.id, id.identifier.kind, id.identifier.value);
      const people = [];
      for (const personId of ids) {
        const j = await store.personJourney(ws.id, personId);
        if (j)
          people.push({
            personId,
            identifiers: j.identifiers,
            firstSeen: j.firstSeen,
            lastSeen: j.lastSeen,
            items: j.timeline.length,
          });
      }
      return { people };
    },
  );

  app.get(
    '/api/people/:id/journey',
    { config: secret, schema: { summary: "A person's whole journey", params: PersonParams } },
    async (req) => {
      const ws = workspaceOf(req);
      const journey = await store.personJourney(ws.id, req.params.id);
      if (!journey)
        throw new ApiError(404, 'not_found', `no person ${req.params.id} in this workspace`, 'id');
      return journey;
    },
  );

  // GDPR Art. 15: every fact and derived row about the person, as JSON
  app.get(
    '/api/people/:id/export',
    {
      config: admin,
      schema: {
        summary: 'Every fact and derived row about a person (GDPR Art. 15)',
        params: PersonParams,
      },
    },
    async (req, reply) => {
      const ws = workspaceOf(req);
      const { id } = req.params;
      const data = await exportPerson(store, ws.id, { personId: id });
      if (!data) throw new ApiError(404, 'not_found', 'no such person in this workspace', 'id');
      void reply.header('content-disposition', 'attachment; filename="person-export.json"');
      return data;
    },
  );

  // the audit record of erasures: when, how, rows removed per table (no personal data)
  app.get(
    '/api/people/erasures',
    { config: admin, schema: { summary: 'The audit record of past erasures (no personal data)' } },
    async (req) => ({
      erasures: await store.listErasures(workspaceOf(req).id),
    }),
  );

  // GDPR Art. 17: the person's facts removed (the journal loaded and derived first, so none wait there), tombstones kept,
  // the workspace re-derived; the reply is the audit record, which names no personal data
  app.delete(
    '/api/people/:id',
    {
      config: admin,
      schema: {
        summary: "Erase a person's facts and re-derive (GDPR Art. 17)",
        params: PersonParams,
      },
    },
    async (req) => {
      const ws = workspaceOf(req);
      const { id } = req.params;
      const erasure = await erasePerson(
        store,
        ws.id,
        { personId: id },
        { via: 'api', flush: () => fastify.ingest.flushDerived() },
      );
      if (!erasure) throw new ApiError(404, 'not_found', 'no such person in this workspace', 'id');
      return { erasure };
    },
  );

  // the same by e-mail: also the facts that name it but that no person holds yet (docs/privacy.md)
  const byEmail = async <T>(
    ws: string,
    email: string,
    run: (target: PersonTarget) => Promise<T | undefined>,
  ): Promise<T> => {
    let out: T | undefined;
    try {
      out = await run({ email });
    } catch (err) {
      if (err instanceof PersonTargetError)
        throw new ApiError(400, 'invalid_body', err.message, err.field);
      throw err;
    }
    if (out === undefined)
      throw new ApiError(
        404,
        'not_found',
        `nothing is stored about that e-mail in workspace ${ws}`,
        'email',
      );
    return out;
  };

  app.post(
    '/api/people/export',
    {
      config: admin,
      schema: {
        summary: 'Every fact and derived row about the person with an e-mail (GDPR Art. 15)',
        body: EmailTarget,
      },
    },
    async (req, reply) => {
      const ws = workspaceOf(req).id;
      const data = await byEmail(ws, req.body.email, (t) => exportPerson(store, ws, t));
      void reply.header('content-disposition', 'attachment; filename="person-export.json"');
      return data;
    },
  );

  app.post(
    '/api/people/erase',
    {
      config: admin,
      schema: {
        summary: 'Erase the facts about the person with an e-mail and re-derive (GDPR Art. 17)',
        body: EmailTarget,
      },
    },
    async (req) => {
      const ws = workspaceOf(req).id;
      const flush = () => fastify.ingest.flushDerived();
      const erasure = await byEmail(ws, req.body.email, (t) =>
        erasePerson(store, ws, t, { via: 'api', flush }),
      );
      return { erasure };
    },
  );
}
