import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConnectorError } from '../../connectors/errors.js';
import {
  connectorName,
  listConnectors,
  removeConnector,
  setConnector,
} from '../../connectors/settings.js';
import { startConnectorSync } from '../../connectors/sync.js';
import { CONNECTOR_NAMES } from '../../connectors/vendors.js';
import { batchedCrmIntake } from '../../derive/crm-intake.js';
import type { Store } from '../../store/store.js';
import type { SecretBox } from '../../util/secret-box.js';
import { audit } from '../audit.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';

/** A ConnectorError as the API's error; anything else goes on as it is. */
export async function orApiError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ConnectorError)
      throw new ApiError(err.status, err.code, err.message, err.field);
    throw err;
  }
}

// the name is checked by the handler, so an unknown one is a 400 naming the known ones
const NameParams = z.object({ name: z.string().max(100) });

// the body is checked by the vendor's own schema (settings.ts), whose errors name the field
const ConnectorBody = z
  .record(z.string(), z.unknown())
  .describe(
    `The connector's settings (one shape per vendor: ${CONNECTOR_NAMES.join(', ')}): webhookSecret, baseUrl, and apiKey | accessToken | clientId, clientSecret, refreshToken; salesforce: loginUrl, organizationId, multiCurrency; pipedrive: webhookUser; google-ads: developerToken, customerId, loginCustomerId, tokenUrl; meta: adAccountId; linkedin: adAccountId, tokenUrl; microsoft-ads: developerToken, accountId, customerId, tokenUrl. A field left out keeps its stored value; null clears it.`,
  );

const SyncQuery = z.object({
  wait: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: answer when the sync has ended, with its result (default: 202 at once)'),
  from: z
    .string()
    .max(10)
    .optional()
    .describe('ad platforms: the first day to read, YYYY-MM-DD (with to; default from the cursor)'),
  to: z.string().max(10).optional().describe('ad platforms: the last day to read, YYYY-MM-DD'),
});

/** A workspace's connectors: set (secrets encrypted at rest), list (never a secret), delete, sync. */
export function connectorsRoutes(fastify: FastifyInstance, store: Store, box: SecretBox): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // connectors hold accounts and sealed credentials: an admin's, reading included
  const secret = access.secret({ role: 'admin' });

  app.get(
    '/api/connectors',
    {
      config: secret,
      schema: {
        summary: 'The workspace\'s connectors and their last sync (secrets shown only as "set")',
      },
    },
    async (req) => ({ connectors: await listConnectors(store, box, workspaceOf(req).id) }),
  );

  app.put(
    '/api/connectors/:name',
    {
      config: secret,
      schema: {
        summary: `Set a connector (${CONNECTOR_NAMES.join(', ')}); secrets are encrypted at rest`,
        params: NameParams,
        body: ConnectorBody.optional(),
      },
    },
    async (req, reply) =>
      orApiError(async () => {
        const name = connectorName(req.params.name);
        const { connector, created } = await setConnector(
          store,
          box,
          workspaceOf(req).id,
          name,
          req.body ?? {},
        );
        await audit(store, req, {
          action: created ? 'connector_created' : 'connector_changed',
          workspaceId: workspaceOf(req).id,
          target: name,
        });
        void reply.code(created ? 201 : 200);
        return { connector };
      }),
  );

  app.delete(
    '/api/connectors/:name',
    {
      config: secret,
      schema: { summary: 'Delete a connector and its stored secrets', params: NameParams },
    },
    async (req) =>
      orApiError(async () => {
        const name = connectorName(req.params.name);
        await removeConnector(store, workspaceOf(req).id, name);
        await audit(store, req, {
          action: 'connector_deleted',
          workspaceId: workspaceOf(req).id,
          target: name,
        });
        return { deleted: name };
      }),
  );

  app.post(
    '/api/connectors/:name/sync',
    {
      config: secret,
      schema: {
        summary:
          "Run a connector's backfill or incremental pull from its stored cursor (an ad platform's costs over from..to when given); its progress and status are the connector's lastSync",
        params: NameParams,
        querystring: SyncQuery,
      },
    },
    async (req, reply) =>
      orApiError(async () => {
        const name = connectorName(req.params.name);
        const workspaceId = workspaceOf(req).id;
        const started = await startConnectorSync(store, box, workspaceId, name, {
          intake: batchedCrmIntake(store, workspaceId),
          from: req.query.from,
          to: req.query.to,
        });
        const told = started.done.then(
          (r) => {
            if (r.status === 'failed')
              req.log.warn({ connector: name, workspaceId, message: r.message }, 'sync failed');
            return r;
          },
          (err: unknown) => {
            req.log.error(
              { connector: name, workspaceId, error: err instanceof Error ? err.name : 'unknown' },
              'sync stopped',
            );
            return null;
          },
        );
        if (req.query.wait === 'true') {
          const result = await told;
          if (!result) throw new ApiError(500, 'sync_stopped', `the ${name} sync stopped`);
          return { sync: result };
        }
        void reply.code(202);
        return { sync: { name, status: 'running' as const } };
      }),
  );
}
