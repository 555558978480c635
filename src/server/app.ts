import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Store } from '../store/store.js';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { installAccess } from './access.js';
import { installErrorHandlers } from './errors.js';
import { openApi } from './openapi.js';
import { installServerLimits, serverOptions } from './server-limits.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { eventsRoutes } from './routes/events.js';
import { trackerRoute } from './routes/tracker.js';
import { attributionRoutes } from './routes/attribution.js';
import { funnelRoutes } from './routes/funnel.js';
import { reportRoutes } from './routes/reports.js';
import { peopleRoutes } from './routes/people.js';
import { conversionsRoutes } from './routes/conversions.js';
import { fxRoutes } from './routes/fx.js';
import { revenueRoutes } from './routes/revenue.js';
import { crmImportRoutes } from './routes/crm-import.js';
import { adCostsRoutes } from './routes/ad-costs.js';
import { channelsRoutes } from './routes/channels.js';
import { costsRoutes } from './routes/costs.js';
import { goalsRoutes } from './routes/goals.js';
import { realtimeStreamRoutes } from './routes/realtime-stream.js';
import { LiveLoads } from './live-loads.js';
import { ingestStatusRoutes } from './routes/ingest-status.js';
import { ingestRetryRoutes } from './routes/ingest-retry.js';
import { inspectRoutes } from './routes/inspect.js';
import { join } from 'node:path';
import { EventJournal } from '../store/journal.js';
import { GeoIp } from '../collect/enrich.js';
import { LiveDeriver } from '../derive/live-derive.js';
import { JournalLoader, type LoaderStatus } from '../store/journal-loader.js';
import { RateLimiter } from '../collect/rate-limit.js';
import { WriteKeyCache } from '../collect/write-keys.js';
import { forgetReceivers } from '../connectors/receiver-cache.js';
import { RedactionRulesCache } from '../derive/redaction-settings.js';
import { privacyRoutes } from './routes/privacy.js';
import { workspacesRoutes } from './routes/workspaces.js';
import type { AdminCheck } from './admin-credential.js';
import { holdLeasesAs } from '../store/lease.js';
import { resolveSecretKey } from '../config/secret-key.js';
import { secretBox } from '../util/secret-box.js';
import { connectorsRoutes } from './routes/connectors.js';
import { authRoutes } from './routes/auth.js';
import { usersRoutes } from './routes/users.js';
import { passwordMailRoutes } from './routes/password-mail.js';
import { smtpMailer, type Mailer } from '../mail/mailer.js';
import { hooksRoutes } from './routes/hooks.js';
import { ReceiptLoader, type ReceiptLoaderOptions } from '../connectors/receipt-loader.js';
import { recordStripeReceipts } from '../derive/stripe-record.js';
import { recordCrmChanges } from '../derive/crm-milestones.js';
import { funnelFor } from '../derive/funnel.js';
import { webRoutes } from './web.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The ingestion journal's loader: flush() moves everything acknowledged so far into the store. */
    ingest: {
      /** Moves everything acknowledged so far into the store. */
      flush(): Promise<number>;
      /**
       * flush(), then waits until what it stored is derived and its journal segments are gone (an erasure
       * must find no personal data left in the journal).
       */
      flushDerived(): Promise<void>;
      /** flush(), then waits for the derive step to catch up (sessions, persons, milestones). */
      settle(): Promise<void>;
      /** The loader's lag and failures (for /readyz and /api/ingest/status). */
      status(): LoaderStatus;
    };
    /** The webhook receipt loader: idle() waits until the receipts it was told of are loaded (or failed). */
    receipts: { idle(): Promise<void>; notify(workspaceId: string, vendor: string): void };
  }
}

export interface AppDeps {
  store: Store;
  config: Config;
  logger: Logger;
  /** The local admin token's check (serve writes the token to server.json); without it admin routes refuse all. */
  admin?: AdminCheck;
  /** The install's secret key (CLOSEDLOOP_SECRET_KEY); unset, resolved from the data directory. */
  secretKey?: string;
  /** The webhook receipt loader's tuning (tests: short backoffs and vendor timeouts). */
  receiptLoader?: ReceiptLoaderOptions;
  /** The built dashboard (default dist/web of the package; tests build it into a temp folder). */
  webDir?: string;
  /** The mail it sends (default: through CLOSEDLOOP_SMTP_URL when set, else none). */
  mailer?: Mailer;
}

/** The URL people reach the server at, for links in mail: the configured public URL, else this host. */
function publicBase(config: Config): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

// query parameters that carry a credential (Salesforce's webhook token): never in a request log line
const CREDENTIAL_PARAMS = /([?&](?:token|secret|password|api_key|apikey)=)[^&#]*/gi;

/** The logger with a request serializer that keeps a request log line free of credentials in the URL. */
function withRequestSerializer(logger: Logger): Logger {
  return logger.child(
    {},
    {
      serializers: {
        req: (req: FastifyRequest) => ({
          method: req.method,
          url: req.url.replace(CREDENTIAL_PARAMS, '$1[redacted]'),
          host: req.host,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
    },
  );
}

/** Builds the HTTP app (not yet listening), so tests and `serve` share one construction. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: withRequestSerializer(deps.logger) as FastifyBaseLogger,
    // a line per request would cost more than ingesting the event; on at debug level
    logController: new LogController({
      disableRequestLogging: deps.config.logLevel !== 'debug' && deps.config.logLevel !== 'trace',
    }),
    ...serverOptions(deps.config),
  });
  installErrorHandlers(app);
  installServerLimits(app, deps.config);
  // one validation path: the routes' zod schemas, which also make the OpenAPI document
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const writeKeys = new WriteKeyCache(deps.store);
  installAccess(app, deps.store, { writeKeys, ...(deps.admin ? { admin: deps.admin } : {}) });
  await openApi(app);
  healthRoutes(app, deps.store);
  const geo = deps.config.geoipDatabase ? await GeoIp.open(deps.config.geoipDatabase) : undefined;
  const journal = EventJournal.open(join(deps.config.dataDir, 'journal'));
  holdLeasesAs(deps.config.dataDir); // a restart takes back the leases its crashed self held
  const loader = new JournalLoader(journal, deps.store, deps.logger);
  const deriver = new LiveDeriver(deps.store, deps.logger);
  // the loader goes on at its own pace; a stored segment is deleted once the derive of its ids has run
  loader.onLoaded((loaded) => deriver.enqueue(loaded.affected));
  // the realtime stream hears of each load (it never waits: the derive keeps the pace)
  const liveLoads = new LiveLoads();
  loader.onLoaded((loaded) => liveLoads.emit(loaded.affected.keys()));
  await loader.start(); // events acknowledged before a crash are loaded before we serve again
  const flushDerived = async () => {
    await loader.flush();
    await deriver.drain();
    await loader.derived();
  };
  app.decorate('ingest', {
    flush: () => loader.flush(),
    flushDerived,
    settle: async () => {
      await loader.flush();
      await deriver.idle();
      await loader.derived();
    },
    status: () => loader.status(),
  });
  const redaction = new RedactionRulesCache(deps.store, deps.config.redactParams);
  const enrichment = { geo, truncateIps: deps.config.truncateIps };
  ingestRoutes(app, {
    journal,
    enrichment,
    limiter: new RateLimiter(deps.config.ingestRateLimit),
    redaction,
  });
  conversionsRoutes(app, { journal, enrichment, redaction });
  eventsRoutes(app, deps.store);
  peopleRoutes(app, deps.store);
  channelsRoutes(app, deps.store);
  await fxRoutes(app, deps.store);
  await crmImportRoutes(app, deps.store);
  await adCostsRoutes(app, deps.store);
  costsRoutes(app, deps.store);
  goalsRoutes(app, deps.store);
  realtimeStreamRoutes(app, deps.store, liveLoads);
  ingestStatusRoutes(app, deps.store);
  ingestRetryRoutes(app, deps.store);
  inspectRoutes(app, deps.store);
  attributionRoutes(app, deps.store);
  funnelRoutes(app, deps.store);
  reportRoutes(app, deps.store);
  revenueRoutes(app, deps.store);
  privacyRoutes(app, deps.store, redaction, deps.config.redactParams);
  await workspacesRoutes(app, {
    store: deps.store,
    dataDir: deps.config.dataDir,
    redactParams: deps.config.redactParams,
    flush: flushDerived,
    forgetWriteKeys: () => {
      writeKeys.clear();
      forgetReceivers(deps.store);
    },
  });
  // connector secrets are sealed under the install's key (config/secret-key.ts)
  const box = secretBox(deps.secretKey ?? resolveSecretKey(deps.config.dataDir).key);
  connectorsRoutes(app, deps.store, box);
  // verified deliveries become CRM facts after their 2xx; those a crash left unloaded, at start
  const receipts = new ReceiptLoader(
    deps.store,
    box,
    {
      crmSettings: async (ws) => (await funnelFor(deps.store, ws)).crm,
      record: (ws, records) => recordCrmChanges(deps.store, ws, records),
      stripe: (ws, receipts) => recordStripeReceipts(deps.store, ws, receipts),
    },
    {
      // a failed load is told without a secret (the loader masks the connector's)
      onError: (e) => deps.logger.warn(e, 'webhook deliveries not loaded; retried later'),
      ...deps.receiptLoader,
    },
  );
  await hooksRoutes(app, {
    store: deps.store,
    box,
    publicUrl: deps.config.publicUrl,
    onReceipt: (ws, vendor) => receipts.notify(ws, vendor),
  });
  const started = receipts
    .start()
    .catch((err: unknown) => deps.logger.error({ err }, 'loading stored webhook receipts failed'));
  app.decorate('receipts', {
    idle: async () => {
      await started;
      await receipts.idle();
    },
    notify: (ws: string, vendor: string) => receipts.notify(ws, vendor),
  });
  await trackerRoute(app, deps.config.trackerPath);
  authRoutes(app, deps.store);
  const mailer =
    deps.mailer ??
    (deps.config.smtpUrl ? smtpMailer(deps.config.smtpUrl, deps.config.mailFrom) : undefined);
  usersRoutes(app, deps.store, { mailer, baseUrl: publicBase(deps.config) });
  passwordMailRoutes(app, { store: deps.store, mailer, baseUrl: publicBase(deps.config) });
  // the dashboard at `/`, last: its `/:page` matches only what no route above serves
  await webRoutes(app, deps.webDir);
  // acknowledged events reach the store, and are derived (their segments deleted), before it closes;
  // the data-driven refits last, so a stop cut short by its deadline has the persons derived, or keeps
  // the segments for the next start
  app.addHook('onClose', async () => {
    await receipts.close();
    await loader.stop();
    await deriver.drain();
    await loader.derived();
    await deriver.idle();
    deriver.close();
    await journal.close();
    mailer?.close();
  });
  return app;
}
