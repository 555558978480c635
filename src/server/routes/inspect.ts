import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { INSPECT_VIEWS, InspectParamError, InspectQuery } from '../../derive/inspect-views.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';

/** Every inspection view at GET /api/inspect/<view>: a workspace's derived rows as stored (read-only). */
export function inspectRoutes(fastify: FastifyInstance, store: Store): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  for (const view of INSPECT_VIEWS) {
    app.get(
      `/api/inspect/${view.name}`,
      {
        // person-level identifiers and sessions: an analyst's
        config: access.secret({ role: 'analyst' }),
        schema: {
          summary: `Inspect the derived rows as stored: ${view.description}`,
          tags: ['inspect'],
          querystring: InspectQuery,
        },
      },
      async (req) => {
        try {
          return { rows: await view.run(store, workspaceOf(req).id, req.query) };
        } catch (err) {
          if (err instanceof InspectParamError)
            throw new ApiError(400, 'invalid_query', err.reason, err.field);
          throw err;
        }
      },
    );
  }
}
