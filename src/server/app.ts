import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Store } from '../store/store.js';
import { installErrorHandlers } from './errors.js';
import { healthRoutes } from './routes/health.js';

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
  return app;
}
