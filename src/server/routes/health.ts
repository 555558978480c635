import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/store.js';

/** Liveness (the process answers) and readiness (store open, migrations done). */
export function healthRoutes(app: FastifyInstance, store: Store): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (!store.ready()) return reply.status(503).send({ status: 'starting', store: 'not ready' });
    return { status: 'ready', store: store.engine, schemaVersion: await store.schemaVersion() };
  });
}
