// Ad spend matched to sessions over HTTP (issue 16, "Matching costs to touchpoints"): the costs read at
// GET /api/costs (the costs report's implementation, src/reports/costs.ts), and the workspace's cost
// mapping rules, read and replaced whole (docs/costs.md, "Mapping rules"). Replacing the rules writes a
// setting only: the costs reads apply them to all history when they run.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { costMappingRulesFor, setCostMappingRules } from '../../derive/cost-mapping-settings.js';
import { costMatchQuery, costs, Day, reportRange } from '../../reports/costs.js';
import { ReportParamError } from '../../reports/report.js';
import { CostRulesError } from '../../rules/cost-mapping.js';
import { clicksOfStream } from '../../sources/google-ads/click-view.js';
import { GoogleAdsRowError } from '../../sources/google-ads/stream.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { ApiError, invalidRules } from '../errors.js';
import { adAccountKey } from '../../sources/ads/account-key.js';

const ExplainQuery = z.object({
  session: z.string({ error: 'is required' }).min(1, 'is required').max(200),
  from: Day.optional(),
  to: Day.optional(),
});

const ClicksQuery = z.object({
  platform: z.literal('google', {
    error: 'must be google (the one platform that resolves click ids)',
  }),
  account: z.string().trim().min(1, 'is empty').max(200),
});

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
    '/api/costs/explain',
    {
      config: secret,
      schema: {
        summary:
          "How one session's spend is matched: every step that holds (click id, campaign id, ad group id, name, mapping rule), the value it read, the first deciding",
        tags: ['costs'],
        querystring: ExplainQuery,
      },
    },
    async (req) => {
      const ws = workspaceOf(req).id;
      try {
        const range = reportRange(req.query);
        const steps = await store.explainCostMatch(
          ws,
          await costMatchQuery(store, ws, range),
          req.query.session,
        );
        return { session: req.query.session, ...range, matchedBy: steps[0] ?? null, steps };
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
        if (err instanceof CostRulesError) throw invalidRules(err.issues);
        throw err;
      }
    },
  );

  // a saved click_view searchStream answer (fetchClicks' source): its clicks stored as facts
  app.post(
    '/api/ad-clicks',
    {
      config: secret,
      schema: {
        summary:
          "Store the clicks of a Google Ads click_view answer (each gclid's campaign, ad group, ad and keyword)",
        tags: ['costs'],
        querystring: ClicksQuery,
        body: z.unknown(),
      },
    },
    async (req) => {
      let rows;
      try {
        rows = clicksOfStream(req.body);
      } catch (err) {
        if (err instanceof GoogleAdsRowError)
          throw new ApiError(400, 'invalid_ad_clicks', err.message, err.where);
        throw err;
      }
      const q = req.query;
      return store.appendAdClicks(
        workspaceOf(req).id,
        { platform: q.platform, accountId: adAccountKey(q.account) },
        rows,
      );
    },
  );
}
