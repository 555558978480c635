// Ad spend matched to sessions over HTTP (issue 16, "Matching costs to touchpoints"): the costs read at
// GET /api/costs (the costs report's implementation, src/reports/costs.ts), and the workspace's cost
// mapping rules, read and replaced whole (docs/costs.md, "Mapping rules"). Replacing the rules writes a
// setting only: the costs reads apply them to all history when they run.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { costMappingRulesFor, setCostMappingRules } from '../../derive/cost-mapping-settings.js';
import { costs } from '../../reports/costs.js';
import { ReportParamError } from '../../reports/report.js';
import { CostRulesError } from '../../rules/cost-mapping.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';

export function costsRoutes(fastify: FastifyInstance, store: Store): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const secret = access.secret();

  app.get(
    '/api/costs',
    {
      config: secret,
      schema: {
        summary:
          'Ad spend by platform, campaign, ad group, ad, keyword or day, with its matched sessions, leads, pipeline and revenue',
        tags: ['costs'],
        querystring: costs.params,
      },
    },
    async (req) => {
      try {
        return await costs.run({ store, workspaceId: workspaceOf(req).id }, req.query);
      } catch (err) {
        if (err instanceof ReportParamError)
          throw new ApiError(400, 'invalid_query', err.reason, err.field);
        throw err;
      }
    },
  );

  app.get(
    '/api/cost-mapping-rules',
    {
      config: secret,
      schema: {
        summary: "The workspace's cost mapping rules, in the order they are tried",
        tags: ['costs'],
      },
    },
    async (req) => ({ rules: await costMappingRulesFor(store, workspaceOf(req).id) }),
  );

  // the body is a rule file, checked by its own schema (each error names its field)
  app.put(
    '/api/cost-mapping-rules',
    {
      config: secret,
      schema: {
        summary: 'Replace the cost mapping rules (they apply to all history at once)',
        tags: ['costs'],
        body: z.unknown(),
      },
    },
    async (req) => {
      try {
        return await setCostMappingRules(store, workspaceOf(req).id, req.body ?? null);
      } catch (err) {
        if (err instanceof CostRulesError) {
          throw new ApiError(
            400,
            'invalid_rules',
            err.issues.join('; '),
            err.issues[0]?.split(':')[0] ?? 'rules',
          );
        }
        throw err;
      }
    },
  );
}
