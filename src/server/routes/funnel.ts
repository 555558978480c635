import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { changeFunnel } from '../../derive/funnel-change.js';
import {
  DEFAULT_FUNNEL,
  FunnelError,
  FunnelSchema,
  funnelFor,
  stockMappings,
} from '../../derive/funnel.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';

/** The workspace's funnel: its milestones and each CRM's mapping to them (docs/crm.md). */
export function funnelRoutes(fastify: FastifyInstance, store: Store): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const secret = access.secret();
  app.get(
    '/api/funnel',
    {
      config: secret,
      schema: {
        summary: "The workspace's funnel, the default funnel and each CRM's stock mapping",
      },
    },
    async (req) => {
      const ws = workspaceOf(req);
      return {
        funnel: await funnelFor(store, ws.id),
        defaults: DEFAULT_FUNNEL,
        stock: stockMappings(),
      };
    },
  );

  // the schema documents the body (OpenAPI); milestones named but not defined are checked after it
  app.put(
    '/api/funnel',
    {
      config: secret,
      schema: {
        summary: 'Replace the funnel (re-derives CRM milestones and credits)',
        body: FunnelSchema,
      },
    },
    async (req) => {
      const ws = workspaceOf(req);
      try {
        return await changeFunnel(store, ws.id, req.body);
      } catch (err) {
        if (err instanceof FunnelError)
          throw new ApiError(400, 'invalid_funnel', err.reason, err.field);
        throw err;
      }
    },
  );
}
