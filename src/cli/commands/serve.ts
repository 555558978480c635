import { join } from 'node:path';
import {
  resolveSecretKey,
  SECRET_KEY_ENV,
  SECRET_KEY_FILE,
  SecretKeyError,
} from '../../config/secret-key.js';
import type { Command } from 'commander';
import pino from 'pino';
import type { AddressInfo } from 'node:net';
import {
  loopbackUrl,
  newAdminToken,
  removeServerFile,
  writeServerFile,
} from '../../server/admin-credential.js';
import { buildApp } from '../../server/app.js';
import { installGracefulShutdown } from '../../server/lifecycle.js';
import { startSyncSchedule } from '../../server/sync-schedule.js';
import { secretBox } from '../../util/secret-box.js';
import { cliConfig, openConfiguredStore } from '../context.js';
import { UsageError } from '../errors.js';
import { DEMO_DAYS, seedDemoWorkspace } from '../demo.js';
import { firstRunOwner } from '../demo-owner.js';

interface ServeOptions {
  port?: string;
  host?: string;
  dataDir?: string;
  memoryLimit?: string;
  demo: boolean;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Start the server with the embedded store (creates a Demo workspace on first run)')
    .option('--port <port>', 'port to listen on (default: PORT or 8787)')
    .option('--host <host>', 'interface to bind (default: HOST or 0.0.0.0)')
    .option('--data-dir <dir>', 'data directory (default: CLOSEDLOOP_DATA_DIR or ./.closedloop)')
    .option(
      '--memory-limit <size>',
      "cap on the engine's memory, e.g. 2GB (default: CLOSEDLOOP_MEMORY_LIMIT or half the machine)",
    )
    .option('--no-demo', 'do not create the Demo workspace on an empty data directory')
    .action(async (o: ServeOptions) => {
      const config = cliConfig({
        port: o.port,
        host: o.host,
        dataDir: o.dataDir,
        memoryLimit: o.memoryLimit,
      });
      const logger = pino({ level: config.logLevel });
      // before the store opens: a key too short stops the start, saying why (never showing it)
      let secret: ReturnType<typeof resolveSecretKey>;
      try {
        secret = resolveSecretKey(config.dataDir);
      } catch (err) {
        if (err instanceof SecretKeyError) throw new UsageError(err.message, SECRET_KEY_ENV);
        throw err;
      }
      if (secret.source !== 'environment')
        logger.info(
          { file: join(config.dataDir, SECRET_KEY_FILE) },
          `connector secrets are encrypted with the key in the data directory${secret.source === 'generated' ? ' (generated now)' : ''}; set ${SECRET_KEY_ENV} in production (docs/configuration.md)`,
        );
      const store = await openConfiguredStore(config);
      // what the engine may use, as it reports it: the first thing to check when memory runs short
      logger.info(
        { store: store.engine, control: store.controlEngine, limits: await store.engineLimits() },
        'store open',
      );
      const firstRun = (await store.listWorkspaces()).length === 0;
      // the CLI on this machine acts through this server while it holds the data directory (server.json)
      const admin = newAdminToken();
      const app = await buildApp({
        store,
        config,
        logger,
        admin: admin.check,
        secretKey: secret.key,
      });
      app.addHook('onClose', async () => removeServerFile(config.dataDir));
      installGracefulShutdown(app, store, logger);
      // each connector with API credentials synced every syncIntervalHours (the first check a minute in)
      if (config.syncIntervalHours > 0) {
        const schedule = startSyncSchedule({
          store,
          box: secretBox(secret.key),
          intervalMs: config.syncIntervalHours * 3_600_000,
          logger,
        });
        app.addHook('onClose', async () => schedule.stop());
      }
      try {
        await app.listen({ port: config.port, host: config.host });
      } catch (err) {
        await store.close();
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE')
          throw new UsageError(`port ${config.port} is already in use`, '--port');
        throw err;
      }
      const port = (app.server.address() as AddressInfo).port;
      writeServerFile(config.dataDir, {
        url: loopbackUrl(config.host, port),
        pid: process.pid,
        token: admin.token,
        startedAt: new Date().toISOString(),
      });
      const shownHost =
        config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      const url = `http://${shownHost}:${config.port}`;
      if (firstRun && o.demo) {
        logger.info(
          `first run: creating the Demo workspace from the simulator (${DEMO_DAYS} days)`,
        );
        const demo = await seedDemoWorkspace(store, { days: DEMO_DAYS });
        process.stdout.write(
          `\nDemo workspace "${demo.workspace.name}" (${demo.workspace.id}): ${demo.events} events, ` +
            `${demo.crm.changes} CRM changes (${demo.crm.wonDeals} won deals), ${demo.crm.revenue} payments, ${demo.costs.rows} ad cost rows\n` +
            `  write key  ${demo.workspace.writeKey}\n` +
            `  secret key ${demo.secretKey}   (shown only now)\n`,
        );
        const owner = await firstRunOwner(store);
        if (owner)
          process.stdout.write(
            `\nDashboard ${url}/  sign in as ${owner.email}\n` +
              `  password   ${owner.password}   (shown only now; change it with closedloop user reset-password)\n`,
          );
      }
      process.stdout.write(`\nClosedloop is running at ${url}\n  data: ${config.dataDir}\n`);
      // keep running until a signal arrives; lifecycle.ts owns the exit
      await new Promise<never>(() => undefined);
    });
}
