import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/store.js';
import { access } from '../access.js';

/**
 * Readiness fails once the oldest acknowledged event still waiting for the loader is older than this: the
 * loader is stuck (it normally catches up within a second or two; a line it cannot load is set aside as a
 * dead letter, so only a failing engine or disk holds it back this long).
 */
export const MAX_LOADER_LAG_SECONDS = 60;

/** Liveness (the process answers) and readiness (store open, migrations done, the journal loader keeping up). */
export function healthRoutes(app: FastifyInstance, store: Store): void {
  const anyone = access.anyone();
  app.get('/healthz', { config: anyone, schema: { summary: 'Liveness' } }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    { config: anyone, schema: { summary: 'Readiness: store open, journal loader keeping up' } },
    async (_req, reply) => {
      if (!store.ready()) return reply.status(503).send({ status: 'starting', store: 'not ready' });
      // decorated by buildApp after this route is declared, before the server listens
      const loader = app.hasDecorator('ingest') ? app.ingest.status() : undefined;
      const deadLetters = await store.countDeadLetters();
      const lagging = (loader?.oldestPendingSeconds ?? 0) > MAX_LOADER_LAG_SECONDS;
      const body = {
        status: lagging ? 'lagging' : 'ready',
        store: store.engine,
        schemaVersion: await store.schemaVersion(),
        loader,
        deadLetters,
      };
      return lagging ? reply.status(503).send(body) : body;
    },
  );
}
