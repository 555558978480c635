import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changeChannelRules, RuleSetError } from '../../derive/channel-rules-change.js';
import { explainLanding } from '../../derive/channels/index.js';
import { channelRulesFor, CHANNEL_RULES } from '../../derive/workspace-settings.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { invalidRules } from '../errors.js';

const ExplainQuery = z.object({
  url: z.string({ error: 'is required' }).min(1, 'is required'),
  referrer: z.string().optional(),
});

/** Channel rules per workspace: read them, replace them (re-deriving history), explain a landing. */
export function channelsRoutes(fastify: FastifyInstance, store: Store): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const secret = access.secret();
  app.get(
    '/api/channels/rules',
    {
      config: secret,
      schema: { summary: "The workspace's channel rules, in the order they are tried" },
    },
    async (req) => {
      const ws = workspaceOf(req);
      const config = await store.getSetting(ws.id, CHANNEL_RULES);
      const rules = await channelRulesFor(store, ws.id);
      // the rules in the order they are tried, and the workspace's own file (null: the GA4 defaults)
      return { custom: config ?? null, rules: rules.rules };
    },
  );

  // the body is a rule file, checked by the rule schema itself (its errors name every problem)
  app.put(
    '/api/channels/rules',
    {
      config: secret,
      schema: { summary: 'Replace the channel rules and re-derive history', body: z.unknown() },
    },
    async (req) => {
      const ws = workspaceOf(req);
      try {
        return await changeChannelRules(store, ws.id, req.body ?? null);
      } catch (err) {
        if (err instanceof RuleSetError) throw invalidRules(err.issues);
        throw err;
      }
    },
  );

  app.get(
    '/api/channels/explain',
    {
      config: secret,
      schema: {
        summary: 'Which channel a landing URL and referrer get, and why',
        querystring: ExplainQuery,
      },
    },
    async (req) => {
      const ws = workspaceOf(req);
      const q = req.query;
      return explainLanding({
        url: q.url,
        ...(q.referrer ? { referrer: q.referrer } : {}),
        rules: await channelRulesFor(store, ws.id),
      });
    },
  );
}
