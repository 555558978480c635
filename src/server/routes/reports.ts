import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { REPORTS, ReportParamError } from '../../reports/index.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';

/** Every report of the registry at GET /api/reports/<name>, its query checked by the report's own schema. */
export function reportRoutes(fastify: FastifyInstance, store: Store): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  for (const report of REPORTS) {
    app.get(
      `/api/reports/${report.name}`,
      {
        config: access.secret(),
        schema: { summary: report.summary, tags: ['reports'], querystring: report.params },
      },
      async (req) => {
        try {
          return await report.run({ store, workspaceId: workspaceOf(req).id }, req.query);
        } catch (err) {
          if (err instanceof ReportParamError)
            throw new ApiError(400, 'invalid_query', err.reason, err.field);
          throw err;
        }
      },
    );
  }
}
