import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { retryDeadLetters, RetryTargetError } from '../../derive/dead-letter-retry.js';
import type { Store } from '../../store/store.js';
import { access } from '../access.js';
import { ApiError } from '../errors.js';

const RetryBody = z
  .object({
    /** Only this workspace's dead letters (without it: every workspace's, and those naming none). */
    workspace: z.string().min(1).max(100).optional(),
    /** Only this dead letter. */
    id: z.string().min(1).max(100).optional(),
  })
  .strict();

/**
 * Replays pending dead letters through the journal's load path after a fix, as `closedloop ingest retry`
 * does (docs/dead-letters.md). Server-wide, so for the admin token: a fix is the operator's, and the
 * letters too broken to name a workspace are no one workspace's.
 */
export function ingestRetryRoutes(fastify: FastifyInstance, store: Store): void {
  fastify.withTypeProvider<ZodTypeProvider>().post(
    '/api/ingest/retry',
    {
      config: access.admin(),
      schema: {
        summary: 'Replay pending dead letters (all, a workspace, or one) and derive what loads',
        body: RetryBody,
      },
    },
    async (req) => {
      const { workspace, id } = req.body;
      try {
        return await retryDeadLetters(store, {
          ...(workspace !== undefined ? { workspaceId: workspace } : {}),
          ...(id !== undefined ? { id } : {}),
        });
      } catch (err) {
        if (err instanceof RetryTargetError)
          throw new ApiError(
            err.kind === 'not_found' ? 404 : 409,
            err.kind,
            err.message,
            err.field,
          );
        throw err;
      }
    },
  );
}
