import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AttributionSettingsError,
  attributionSettingsFor,
  DEFAULT_ATTRIBUTION_SETTINGS,
} from '../../derive/attribution-settings.js';
import { changeAttributionSettings } from '../../derive/attribution-report.js';
import type { Store } from '../../store/store.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';

/** The workspace's attribution settings (the attribution reports are in the report registry: routes/reports.ts). */
export function attributionRoutes(fastify: FastifyInstance, store: Store): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const secret = access.secret();
  app.get(
    '/api/attribution/settings',
    {
      config: secret,
      schema: { summary: "The workspace's attribution settings and the defaults" },
    },
    async (req) => {
      const ws = workspaceOf(req);
      return {
        settings: await attributionSettingsFor(store, ws.id),
        defaults: DEFAULT_ATTRIBUTION_SETTINGS,
      };
    },
  );

  // the body is checked by the settings' own rules (their errors name the field)
  app.put(
    '/api/attribution/settings',
    {
      config: secret,
      schema: {
        summary: 'Change the attribution settings (re-derives credits)',
        body: z.unknown(),
      },
    },
    async (req) => {
      const ws = workspaceOf(req);
      try {
        return await changeAttributionSettings(store, ws.id, req.body ?? {});
      } catch (err) {
        if (err instanceof AttributionSettingsError)
          throw new ApiError(400, 'invalid_settings', err.reason, err.field);
        throw err;
      }
    },
  );
}
