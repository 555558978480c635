import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Store } from '../store/store.js';
import { installErrorHandlers } from './errors.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { eventsRoutes } from './routes/events.js';
import { GroupCommitter } from '../collect/group-commit.js';
import { RateLimiter } from '../collect/rate-limit.js';
import { WriteKeyCache } from '../collect/write-keys.js';

export interface AppDeps {
  store: Store;
  config: Config;
  logger: Logger;
}

/** Builds the HTTP app (not yet listening), so tests and `serve` share one construction. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    disableRequestLogging: deps.config.logLevel !== 'debug' && deps.config.logLevel !== 'trace',
    bodyLimit: 1024 * 1024,
    trustProxy: true,
  });
  installErrorHandlers(app);
  healthRoutes(app, deps.store);
  const committer = new GroupCommitter(deps.store);
  ingestRoutes(app, { committer, keys: new WriteKeyCache(deps.store), limiter: new RateLimiter(deps.config.ingestRateLimit) });
  eventsRoutes(app, deps.store);
  // in-flight writes finish before the store closes
  app.addHook('onClose', async () => committer.drain());
  return app;
}
