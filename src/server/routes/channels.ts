import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { firstIssue } from '../../collect/envelope.js';
import { changeChannelRules, RuleSetError } from '../../model/channel-rules-change.js';
import { explainLanding } from '../../model/channels/index.js';
import { channelRulesFor, CHANNEL_RULES } from '../../model/workspace-settings.js';
import type { Store } from '../../store/store.js';
import { ApiError } from '../errors.js';
import { requireSecret } from './events.js';

const ExplainQuery = z.object({ url: z.string({ error: 'is required' }).min(1, 'is required'), referrer: z.string().optional() });

/** Channel rules per workspace: read them, replace them (re-deriving history), explain a landing. */
export function channelsRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/channels/rules', async (req) => {
    const ws = await requireSecret(store, req);
    const config = await store.getSetting(ws.id, CHANNEL_RULES);
    const rules = await channelRulesFor(store, ws.id);
    // the rules in the order they are tried, and the workspace's own file (null: the GA4 defaults)
    return { custom: config ?? null, rules: rules.rules };
  });

  app.put('/api/channels/rules', async (req) => {
    const ws = await requireSecret(store, req);
    try {
      return await changeChannelRules(store, ws.id, req.body ?? null);
    } catch (err) {
      if (err instanceof RuleSetError) {
        throw new ApiError(400, 'invalid_rules', err.issues.join('; '), err.issues[0]?.split(':')[0] ?? 'rules');
      }
      throw err;
    }
  });

  app.get('/api/channels/explain', async (req) => {
    const ws = await requireSecret(store, req);
    const q = ExplainQuery.safeParse(req.query);
    if (!q.success) {
      const { field, reason } = firstIssue(q.error);
      throw new ApiError(400, 'invalid_query', reason, field);
    }
    return explainLanding({ url: q.data.url, ...(q.data.referrer ? { referrer: q.data.referrer } : {}), rules: await channelRulesFor(store, ws.id) });
  });
}
