// The workspace's goals over HTTP: read and replaced whole (docs/reports.md, "goals"). Replacing them
// writes a setting only; the goals report (GET /api/reports/goals) reads them beside the actuals.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { goalsFor, GoalsError, setGoals } from '../../derive/goal-settings.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';

export function goalsRoutes(fastify: FastifyInstance, store: Store): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/goals',
    {
      config: access.secret(),
      schema: {
        summary: "The workspace's goals: a target per period and metric",
        tags: ['reports'],
      },
    },
    async (req) => ({ goals: await goalsFor(store, workspaceOf(req).id) }),
  );
  // the body is a goal file, checked by its own schema (each error names its field)
  app.put(
    '/api/goals',
    {
      config: access.secret(),
      schema: {
        summary:
          'Replace the goals ({ "goals": [{ "period": "2026-03" | "2026-Q1", "metric": "leads" | "pipeline" | "revenue" | "cpl", "target": n }] })',
        tags: ['reports'],
        body: z.unknown(),
      },
    },
    async (req) => {
      try {
        return await setGoals(store, workspaceOf(req).id, req.body ?? null);
      } catch (err) {
        if (err instanceof GoalsError)
          throw new ApiError(400, 'invalid_goals', err.message, err.field);
        throw err;
      }
    },
  );
}
