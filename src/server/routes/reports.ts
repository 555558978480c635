import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { REPORTS, ReportParamError } from '../../reports/index.js';
import { Format, renderReport, type ReportFormat } from '../../reports/output.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';

// reports whose rows name persons (ids, e-mails): an analyst's to read, as /api/people (docs/access.md);
// every other report is aggregate, a viewer's
const PERSON_LEVEL = new Set(['journeys']);

/**
 * Every report of the registry at GET /api/reports/<name>, its query checked by the report's own schema
 * plus `format` (json, csv, parquet: reports/output.ts).
 */
export function reportRoutes(fastify: FastifyInstance, store: Store): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  for (const report of REPORTS) {
    app.get(
      `/api/reports/${report.name}`,
      {
        config: access.secret({ role: PERSON_LEVEL.has(report.name) ? 'analyst' : 'viewer' }),
        schema: {
          summary: report.summary,
          tags: ['reports'],
          querystring: report.params.extend({ format: Format }),
        },
      },
      async (req, reply) => {
        // the schema checked `format` (the registry's params type it as unknown)
        const { format: given, ...params } = req.query;
        const format = given as ReportFormat;
        let result: unknown;
        try {
          result = await report.run({ store, workspaceId: workspaceOf(req).id }, params);
        } catch (err) {
          if (err instanceof ReportParamError)
            throw new ApiError(400, 'invalid_query', err.reason, err.field);
          throw err;
        }
        if (format === 'json') return result;
        const out = await renderReport(report, result, params, format);
        return reply
          .type(out.contentType)
          .header('content-disposition', `attachment; filename="${out.filename}"`)
          .send(out.body);
      },
    );
  }
}
