import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DEFAULT_REDACT_SUBSTRINGS, DEFAULT_REDACT_WORDS } from '../../collect/redaction-rules.js';
import { redactWorkspace } from '../../derive/redact-stored.js';
import {
  getRedactionSettings,
  RedactionRunRequest,
  RedactionSettings,
  setRedactionSettings,
  type RedactionRulesCache,
} from '../../derive/redaction-settings.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';

/**
 * The workspace's URL redaction settings (docs/redaction.md). A change applies to events received from
 * then on; a run (POST .../apply, as `closedloop redact`) applies the rules to stored events, and its
 * audit is listed at .../runs.
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

  app.get(
    '/api/privacy/redaction/runs',
    {
      config: access.secret(),
      schema: { summary: 'Past redactions of stored events (names and counts, never values)' },
    },
    async (req) => ({ runs: await store.redactionRuns(workspaceOf(req).id) }),
  );

  // the one audited rewrite of facts: what the journal acknowledged is loaded (and its segments, once
  // derived, deleted) first (it was redacted with the rules of its time), then every stored event passes the current rules
  app.post(
    '/api/privacy/redaction/apply',
    {
      config: access.secret(),
      schema: {
        summary: "Apply the redaction rules to the workspace's stored events, then re-derive it",
        body: RedactionRunRequest,
      },
    },
    async (req) => {
      const ws = workspaceOf(req);
      await fastify.ingest.flushDerived();
      return redactWorkspace(store, ws.id, { configNames, names: req.body.names });
    },
  );
}
