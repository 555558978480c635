import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';

export const SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * On SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish,
 * flush and close the store, exit. A timer guarantees exit within the deadline.
 */
export function installGracefulShutdown(app: FastifyInstance, store: Store, logger: Logger): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    force.unref();
    void (async () => {
      try {
        await app.close();
        await store.close();
        logger.info('stopped cleanly');
        process.exit(0);
      } catch (err) {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      }
    })();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
