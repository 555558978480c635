import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changeChannelRules, RuleSetError } from '../../derive/channel-rules-change.js';
import { previewChannelRules } from '../../derive/channel-rules-preview.js';
import { explainLanding } from '../../derive/channels/index.js';
import { channelRulesFor, CHANNEL_RULES } from '../../derive/workspace-settings.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { invalidRules } from '../errors.js';

const ExplainQuery = z.object({
  url: z.string({ error: 'is required' }).min(1, 'is required'),
  referrer: z.string().optional(),
});

/**
 * Channel rules per workspace: read them, replace them (re-deriving history), explain a landing, preview
 * a change (which sessions would move) without saving it.
 */
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

  // a preview writes nothing: an analyst may try rules out (saving them stays an admin's)
  app.post(
    '/api/channels/rules/preview',
    {
      config: access.secret({ role: 'analyst' }),
      schema: {
        summary:
          'Which sessions would move from which channel to which under the proposed rules (nothing is saved)',
        body: z.unknown(),
      },
    },
    async (req) => {
      const ws = workspaceOf(req);
      try {
        return await previewChannelRules(store, ws.id, req.body ?? null);
      } catch (err) {
        if (err instanceof RuleSetError) throw invalidRules(err.issues);
        throw err;
      }
    },
  );
}
