import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DEFAULT_REDACT_SUBSTRINGS, DEFAULT_REDACT_WORDS } from '../../collect/redaction-rules.js';
import {
  getRedactionSettings,
  RedactionSettings,
  setRedactionSettings,
  type RedactionRulesCache,
} from '../../derive/redaction-settings.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';

/**
 * The workspace's URL redaction settings (docs/redaction.md). A change applies to events received from
 * then on; `closedloop redact` applies it to stored events.
 */
export function privacyRoutes(
  fastify: FastifyInstance,
  store: Store,
  redaction: RedactionRulesCache,
  configNames: readonly string[],
): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const view = async (workspaceId: string) => ({
    ...(await getRedactionSettings(store, workspaceId)),
    // what applies besides the workspace's own names
    configParams: [...configNames],
    builtIn: { words: DEFAULT_REDACT_WORDS, within: DEFAULT_REDACT_SUBSTRINGS },
  });

  app.get(
    '/api/privacy/redaction',
    { config: access.secret(), schema: { summary: 'URL redaction settings' } },
    async (req) => view(workspaceOf(req).id),
  );

  app.put(
    '/api/privacy/redaction',
    {
      config: { ...access.secret(), invalidBody: 'invalid_settings' },
      schema: { summary: 'Change the URL redaction settings', body: RedactionSettings },
    },
    async (req) => {
      const ws = workspaceOf(req);
      await setRedactionSettings(store, ws.id, req.body);
      redaction.invalidate(ws.id);
      return view(ws.id);
    },
  );
}
