import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { receiveWebhook } from '../../connectors/receive.js';
import { WEBHOOK_CONNECTOR_NAMES } from '../../connectors/vendors.js';
import type { Store } from '../../store/store.js';
import type { SecretBox } from '../../util/secret-box.js';
import { access } from '../access.js';
import { orApiError } from './connectors.js';

/** Largest delivery accepted: 100 HubSpot events or Outbound Message notifications fit easily. */
export const HOOK_BODY_LIMIT = 2 * 1024 * 1024;

const HookParams = z.object({ workspaceId: z.string().max(100) });

/**
 * The vendors' webhook receivers, POST /hooks/<vendor>/:workspaceId: no API key, their credential is
 * the delivery's own signature (or Basic auth, or token) checked against the workspace's stored
 * webhook secret (src/connectors/receive.ts). In a scope of their own, every body is kept as raw bytes:
 * a signature is over the bytes as sent, never over JSON parsed and written again.
 */
export async function hooksRoutes(
  fastify: FastifyInstance,
  deps: {
    store: Store;
    box: SecretBox;
    publicUrl?: string | undefined;
    /** Told each delivery answered 2xx, after its receipt is stored (the receipt loader). */
    onReceipt?: (workspaceId: string, vendor: string) => void;
  },
): Promise<void> {
  // the URI the vendor called: behind a proxy, the configured public URL, not the Host header
  const uriOf = (req: FastifyRequest) =>
    deps.publicUrl
      ? `${deps.publicUrl.replace(/\/+$/, '')}${req.url}`
      : `${req.protocol}://${req.host}${req.url}`;
  await fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: HOOK_BODY_LIMIT },
      (_r, body, done) => done(null, body),
    );
    const app = scope.withTypeProvider<ZodTypeProvider>();
    for (const name of WEBHOOK_CONNECTOR_NAMES) {
      app.post(
        `/hooks/${name}/:workspaceId`,
        {
          config: access.signature(),
          bodyLimit: HOOK_BODY_LIMIT,
          schema: {
            summary: `Receive ${name}'s webhook deliveries for a workspace (checked with its stored webhook secret)`,
            params: HookParams,
            body: z.unknown(),
          },
        },
        async (req, reply) =>
          orApiError(async () => {
            const answer = await receiveWebhook(deps.store, deps.box, name, {
              workspaceId: req.params.workspaceId,
              method: req.method,
              uri: uriOf(req),
              headers: req.headers,
              query: (req.query ?? {}) as Record<string, unknown>,
              body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
            });
            // the facts are loaded after the answer, never before it
            deps.onReceipt?.(answer.workspaceId, name);
            return reply.code(answer.status).type(answer.contentType).send(answer.body);
          }),
      );
    }
  });
}
