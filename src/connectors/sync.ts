// A connector's sync: its vendor's backfill read page by page from the stored cursor, each page's change
// records stored as facts before the cursor that passes it is stored (a failure resumes at the page it
// stopped on: nothing imported twice as new, nothing skipped), then one derive of milestones and credits
// at the end (also after a failure, for what was stored). The status (running, ok, failed; rows, errors
// and a message free of secrets) is the connector's lastSync, shown by GET /api/connectors.
//
// The vendor runners are a registry (SYNC_RUNNERS): Stripe's is plugged in by its own module; until
// then `sync stripe` is refused as not available. The facts' intake is handed in (CrmIntake): this layer
// does not reach the derive step, the interfaces wire it (derive/crm-intake.ts). The ad platforms'
// syncs store cost imports of their own (sync-ads.ts, over the registry in ad-platforms.ts).
//
//   const result = await syncConnector(store, box, workspaceId, 'hubspot', { intake, onProgress });

import type { CrmChangeRecord } from '../sources/crm/index.js';
import type { HttpClientLog } from '../sources/http/index.js';
import type { ConnectorSyncStatus } from '../store/areas/connectors.js';
import type { Store } from '../store/store.js';
import type { SecretBox } from '../util/secret-box.js';
import { ConnectorError } from './errors.js';
import { claimSync } from './sync-claim.js';
import { openConnector, setConnector, type Credentials, type OpenedConnector } from './settings.js';
import { syncHubSpot } from './sync-hubspot.js';
import { syncPipedrive } from './sync-pipedrive.js';
import { syncSalesforce } from './sync-salesforce.js';
import { syncStripe } from './sync-stripe.js';
import { startAdSync } from './sync-ads.js';
import { isAdConnectorName, type AdConnectorName, type ConnectorName } from './vendors.js';

/** Where a sync's facts go: stored a batch at a time, derived once at the end. */
export interface CrmIntake {
  /** The funnel's mapping settings of this CRM (funnel.crm[vendor]); the vendor's resolver checks them. */
  mappingSettings(vendor: ConnectorName): Promise<unknown>;
  /** Stores a batch of change records as facts (each key once); durable when it resolves. */
  append(records: readonly CrmChangeRecord[]): Promise<{ inserted: number; duplicates: number }>;
  /** Derives milestones and credits from what is stored. */
  derive(): Promise<void>;
  /** Derives the revenue milestones and credits of Stripe's facts (a Stripe sync stores its own). */
  deriveRevenue?(): Promise<void>;
}

/** The vendor clients' knobs (tests and benches: no real waiting, fewer retries, smaller pages). */
export interface SyncClientOptions {
  sleep?: (ms: number) => Promise<void>;
  maxRetries?: number;
  backoffMs?: { base?: number; max?: number };
  pageSize?: number;
  log?: (entry: HttpClientLog) => void;
}

/** What a vendor runner is given. */
export interface SyncContext {
  connector: OpenedConnector;
  /** The funnel's mapping settings of this CRM. */
  mappingSettings: unknown;
  client: SyncClientOptions;
  /** Credentials the vendor rotated (a new refresh token): stored, sealed, before the next page. */
  rotated(credentials: Credentials): void;
}

/** One batch a runner hands on: its records, the vendor objects it read, and the cursor after it. */
export interface SyncBatch {
  records: CrmChangeRecord[];
  /** Vendor objects read (deals, contacts, history rows...). */
  rows: number;
  /** Objects that could not be mapped whole (an unmapped stage, an amount without currency). */
  issues: number;
  /** Where the next run resumes once this batch is stored. JSON. */
  cursor: unknown;
}

/** A vendor's sync: batches from the connector's cursor (a finished pass starts the next, incremental). */
export type SyncRunner = (ctx: SyncContext) => AsyncGenerator<SyncBatch, void, undefined>;

/** The vendors a sync can run for. Stripe's runner registers itself here (registerSyncRunner). */
const SYNC_RUNNERS: Partial<Record<ConnectorName, SyncRunner>> = {
  hubspot: syncHubSpot,
  salesforce: syncSalesforce,
  pipedrive: syncPipedrive,
};

/** Plugs in a vendor's runner (Stripe's backfill lives with its own module). */
export function registerSyncRunner(name: ConnectorName, runner: SyncRunner): void {
  SYNC_RUNNERS[name] = runner;
}

export const syncAvailable = (name: ConnectorName): boolean =>
  name === 'stripe' || isAdConnectorName(name) || SYNC_RUNNERS[name] !== undefined;

/**
 * Stripe's backfill stores revenue facts itself (sync-stripe.ts: customers, subscriptions, invoices, its
 * cursor after each page), then its milestones and credits are derived once.
 */
async function startStripeSync(
  store: Store,
  box: SecretBox,
  workspaceId: string,
  options: SyncOptions,
): Promise<StartedSync> {
  const connector = await openConnector(store, box, workspaceId, 'stripe');
  if (!connector)
    throw new ConnectorError(404, 'not_found', 'no stripe connector in this workspace', 'name');
  if (!connector.credentials.apiKey)
    throw new ConnectorError(
      400,
      'missing_credentials',
      'the stripe connector has no API key (set one with PUT /api/connectors/stripe or closedloop connect)',
      'credentials',
    );
  const release = await claimSync(store, workspaceId, 'stripe');
  const progress: SyncProgress = { rows: 0, records: 0, inserted: 0, errors: 0 };
  const done = (async (): Promise<SyncResult> => {
    const r = await syncStripe(store, box, workspaceId, {
      ...(options.now ? { now: () => options.now!().getTime() } : {}),
      onProgress: (x) => {
        progress.rows = x.rows;
        options.onProgress?.({ ...progress });
      },
      ...(options.client
        ? {
            client: {
              ...(options.client.sleep ? { sleep: options.client.sleep } : {}),
              ...(options.client.maxRetries !== undefined
                ? { maxRetries: options.client.maxRetries }
                : {}),
            },
          }
        : {}),
    });
    await options.intake.deriveRevenue?.();
    return {
      name: 'stripe',
      status: r.status,
      rows: r.rows,
      records: r.rows,
      inserted: r.inserted,
      errors: 0,
      duplicates: r.rows - r.inserted,
      message: r.message ?? null,
    };
  })().finally(release);
  return { done };
}

/** Whether a connector has what a sync needs (an API credential). */
export function canSync(c: Pick<OpenedConnector, 'name' | 'credentials'>): boolean {
  const k = c.credentials;
  return syncAvailable(c.name) && !!(k.apiKey || k.accessToken || k.refreshToken);
}

export interface SyncProgress {
  rows: number;
  records: number;
  inserted: number;
  errors: number;
}

export interface SyncOptions {
  intake: CrmIntake;
  /** Pages are stored together until they hold this many records (default FLUSH_RECORDS). */
  batchRecords?: number;
  onProgress?: (p: SyncProgress) => void;
  client?: SyncClientOptions;
  now?: () => Date;
  /** The ad platforms: the days to read (both or neither; default from the cursor, sync-ads.ts). */
  from?: string | undefined;
  to?: string | undefined;
  /** The ad platforms: days per import (default the platform's). */
  chunkDays?: number;
}

export interface SyncResult extends SyncProgress {
  name: ConnectorName;
  status: 'ok' | 'failed';
  /** Duplicates: records stored before (a re-run, or pages a failed run stored). */
  duplicates: number;
  message: string | null;
}

/** Records stored at once (pages are gathered up to this), and the longest a read page waits. */
export const FLUSH_RECORDS = 2000;
const FLUSH_MS = 5000;

// syncs under way in this process, by workspace and vendor: a second one is refused while one runs
/** An error's words for the status: the vendor clients scrub their own; anything else is named only. */
export function failureMessage(err: unknown): string {
  // the vendor clients' errors are scrubbed of every secret; payload and mapping errors name a field
  if (err instanceof Error && /(ApiError|PayloadError|MappingError)$/.test(err.name))
    return err.message.slice(0, 500);
  if (err instanceof ConnectorError) return err.message;
  if (err instanceof TypeError) return err.message.slice(0, 300);
  return `the sync stopped: ${err instanceof Error ? err.name : 'unknown error'}`;
}

/** A sync under way: its result, once it ends (it never rejects for a vendor's failure). */
export interface StartedSync {
  done: Promise<SyncResult>;
}

/**
 * Starts a connector's sync: a 404 when there is none, 400 when the vendor has no sync yet or the
 * connector lacks credentials, 409 while one already runs (here or in another process: sync-claim.ts). When this resolves the connector's
 * lastSync says `running`; `done` says ok or failed (the failure's words are in lastSync too).
 */
export async function startConnectorSync(
  store: Store,
  box: SecretBox,
  workspaceId: string,
  name: ConnectorName,
  options: SyncOptions,
): Promise<StartedSync> {
  if (name === 'stripe') return startStripeSync(store, box, workspaceId, options);
  if (isAdConnectorName(name)) return startOwnSync(store, box, workspaceId, name, options);
  if (options.from !== undefined || options.to !== undefined)
    throw new ConnectorError(
      400,
      'invalid_period',
      `from and to are for the ad platforms' syncs; ${name} syncs from its cursor`,
      options.from !== undefined ? 'from' : 'to',
    );
  const runner = SYNC_RUNNERS[name];
  if (!runner)
    throw new ConnectorError(
      400,
      'sync_not_available',
      `sync is not available for ${name} yet (available: ${Object.keys(SYNC_RUNNERS).join(', ')})`,
      'name',
    );
  const connector = await openConnector(store, box, workspaceId, name);
  if (!connector)
    throw new ConnectorError(404, 'not_found', `no ${name} connector in this workspace`, 'name');
  if (!canSync(connector))
    throw new ConnectorError(
      400,
      'missing_credentials',
      `the ${name} connector has no API credential (set one with PUT /api/connectors/${name} or closedloop connect)`,
      'credentials',
    );
  const release = await claimSync(store, workspaceId, name);
  try {
    const started = await run(store, box, connector, runner, options);
    return { done: started.done.finally(release) };
  } catch (err) {
    await release();
    throw err;
  }
}

/** The ad platforms' syncs store their own imports (sync-ads.ts); one at a time per connector here. */
async function startOwnSync(
  store: Store,
  box: SecretBox,
  workspaceId: string,
  name: AdConnectorName,
  options: SyncOptions,
): Promise<StartedSync> {
  const connector = await openConnector(store, box, workspaceId, name);
  if (!connector)
    throw new ConnectorError(404, 'not_found', `no ${name} connector in this workspace`, 'name');
  const release = await claimSync(store, workspaceId, name);
  try {
    const started = await startAdSync(store, box, { ...connector, name }, options);
    return { done: started.done.finally(release) };
  } catch (err) {
    await release();
    throw err;
  }
}

/** Runs a connector's sync to its end (startConnectorSync, awaited). */
export async function syncConnector(
  store: Store,
  box: SecretBox,
  workspaceId: string,
  name: ConnectorName,
  options: SyncOptions,
): Promise<SyncResult> {
  return (await startConnectorSync(store, box, workspaceId, name, options)).done;
}

async function run(
  store: Store,
  box: SecretBox,
  connector: OpenedConnector,
  runner: SyncRunner,
  options: SyncOptions,
): Promise<StartedSync> {
  const { workspaceId, name } = connector;
  const now = options.now ?? (() => new Date());
  const p: SyncProgress & { duplicates: number } = {
    rows: 0,
    records: 0,
    inserted: 0,
    errors: 0,
    duplicates: 0,
  };
  let cursor = connector.cursor;
  const status = (s: ConnectorSyncStatus['status'], message: string | null) =>
    store.recordConnectorSync(workspaceId, name, {
      cursor,
      lastSync: { at: now().toISOString(), status: s, rows: p.rows, errors: p.errors, message },
    });
  let rotated: Credentials | null = null;
  const saveRotated = async () => {
    if (!rotated) return;
    const fields = rotated;
    rotated = null;
    await setConnector(store, box, workspaceId, name, fields);
  };

  // pages are stored a few together: each store and status write has a cost of its own
  const flushRecords = options.batchRecords ?? FLUSH_RECORDS;
  let pending: SyncBatch[] = [];
  let pendingRecords = 0;
  let flushedAt = Date.now();
  async function flush(): Promise<void> {
    if (pending.length === 0) return;
    const batches = pending;
    const records = batches.flatMap((b) => b.records);
    const stored =
      records.length > 0 ? await options.intake.append(records) : { inserted: 0, duplicates: 0 };
    pending = [];
    pendingRecords = 0;
    flushedAt = Date.now();
    // the batches are durable: the cursor past the last may be stored
    cursor = batches.at(-1)!.cursor;
    for (const b of batches) {
      p.rows += b.rows;
      p.errors += b.issues;
    }
    p.records += records.length;
    p.inserted += stored.inserted;
    p.duplicates += stored.duplicates;
    await status('running', null);
    options.onProgress?.({
      rows: p.rows,
      records: p.records,
      inserted: p.inserted,
      errors: p.errors,
    });
  }

  await status('running', null);
  return { done: pages() };

  async function pages(): Promise<SyncResult> {
    let failure: unknown = null;
    try {
      const ctx: SyncContext = {
        connector,
        mappingSettings: await options.intake.mappingSettings(name),
        client: options.client ?? {},
        rotated: (c) => {
          rotated = { ...(rotated ?? {}), ...c };
        },
      };
      try {
        for await (const batch of runner(ctx)) {
          await saveRotated();
          pending.push(batch);
          pendingRecords += batch.records.length;
          if (pendingRecords >= flushRecords || Date.now() - flushedAt >= FLUSH_MS) await flush();
        }
      } finally {
        // the pages read whole before a failure are stored too: the next run starts after them
        await flush();
        await saveRotated();
      }
    } catch (err) {
      failure = err;
    }
    // what was stored is derived, whether the pass ended or not
    try {
      await options.intake.derive();
    } catch (err) {
      failure ??= err;
    }
    if (failure !== null) {
      p.errors += 1;
      const message = failureMessage(failure);
      await status('failed', message);
      return { name, status: 'failed', ...p, message };
    }
    const message = `${p.inserted} new facts, ${p.duplicates} already stored`;
    await status('ok', message);
    return { name, status: 'ok', ...p, message };
  }
}
