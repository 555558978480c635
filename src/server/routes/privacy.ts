import type { FastifyInstance } from 'fastify';
import { firstIssue } from '../../collect/envelope.js';
import { DEFAULT_REDACT_SUBSTRINGS, DEFAULT_REDACT_WORDS } from '../../collect/redact.js';
import { getRedactionSettings, RedactionSettings, setRedactionSettings, type RedactionRulesCache } from '../../model/redaction-settings.js';
import type { Store } from '../../store/store.js';
import { ApiError } from '../errors.js';
import { requireSecret } from './events.js';

/**
 * The workspace's URL redaction settings (docs/redaction.md). A change applies to events received from
 * then on; `closedloop redact` applies it to stored events.
 */
export function privacyRoutes(app: FastifyInstance, store: Store, redaction: RedactionRulesCache, configNames: readonly string[]): void {
  const view = async (workspaceId: string) => ({
    ...(await getRedactionSettings(store, workspaceId)),
    // what applies besides the workspace's own names
    configParams: [...configNames],
    builtIn: { words: DEFAULT_REDACT_WORDS, within: DEFAULT_REDACT_SUBSTRINGS },
  });

  app.get('/api/privacy/redaction', async (req) => {
    const ws = await requireSecret(store, req);
    return view(ws.id);
  });

  app.put('/api/privacy/redaction', async (req) => {
    const ws = await requireSecret(store, req);
    const r = RedactionSettings.safeParse(req.body ?? null);
    if (!r.success) {
      const { field, reason } = firstIssue(r.error);
      throw new ApiError(400, 'invalid_settings', `${field}: ${reason}`, field);
    }
    await setRedactionSettings(store, ws.id, r.data);
    redaction.invalidate(ws.id);
    return view(ws.id);
  });
}
