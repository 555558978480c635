// The connectors' schedule in `serve`: every so often (at most hourly), each workspace's connector that
// can sync (its vendor has a sync, it has an API credential) and whose last sync began longer ago than
// the interval (config syncIntervalHours, 24 by default; 0 turns the schedule off) is synced, one at a
// time, from its stored cursor. A failed sync is retried at the next interval; a sync left `running` by
// a process that stopped counts as due once the interval has passed.
import type { Logger } from 'pino';
import { openConnector } from '../connectors/settings.js';
import { canSync, syncConnector } from '../connectors/sync.js';
import { isConnectorName } from '../connectors/vendors.js';
import { batchedCrmIntake } from '../derive/crm-intake.js';
import type { Store } from '../store/store.js';
import type { SecretBox } from '../util/secret-box.js';

export interface SyncScheduleOptions {
  store: Store;
  box: SecretBox;
  intervalMs: number;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** The first check after the start (default a minute: the server settles first). */
  firstCheckMs?: number;
  /** Between checks (default the interval, at most an hour). */
  checkEveryMs?: number;
  now?: () => number;
}

export interface SyncSchedule {
  /** One check now: the syncs it ran, by `workspace/vendor`. */
  tick(): Promise<string[]>;
  stop(): void;
}

export function startSyncSchedule(o: SyncScheduleOptions): SyncSchedule {
  const now = o.now ?? Date.now;
  let stopped = false;
  let busy: Promise<string[]> | null = null;

  async function check(): Promise<string[]> {
    const ran: string[] = [];
    for (const w of await o.store.listWorkspaces()) {
      for (const stored of await o.store.listConnectors(w.id)) {
        if (stopped || !isConnectorName(stored.vendor)) continue;
        const last = stored.lastSync ? Date.parse(stored.lastSync.at) : Number.NEGATIVE_INFINITY;
        if (now() - last < o.intervalMs) continue;
        const c = await openConnector(o.store, o.box, w.id, stored.vendor);
        if (!c || !canSync(c)) continue;
        try {
          const r = await syncConnector(o.store, o.box, w.id, c.name, {
            intake: batchedCrmIntake(o.store, w.id),
          });
          ran.push(`${w.id}/${c.name}`);
          const fields = { workspaceId: w.id, connector: c.name, rows: r.rows, errors: r.errors };
          if (r.status === 'ok') o.logger.info(fields, 'scheduled sync done');
          else o.logger.warn({ ...fields, message: r.message }, 'scheduled sync failed');
        } catch (err) {
          // a refusal (one already running, the connector removed meanwhile): the next check sees
          o.logger.warn(
            { workspaceId: w.id, connector: c.name, error: (err as Error).message },
            'scheduled sync not run',
          );
        }
      }
    }
    return ran;
  }

  function tick(): Promise<string[]> {
    busy ??= check().finally(() => (busy = null));
    return busy;
  }

  const every = o.checkEveryMs ?? Math.min(o.intervalMs, 3_600_000);
  const run = () =>
    void tick().catch((err: unknown) =>
      o.logger.warn({ error: (err as Error).message }, 'the sync schedule check failed'),
    );
  const first = setTimeout(run, o.firstCheckMs ?? Math.min(60_000, o.intervalMs));
  const timer = setInterval(run, every);
  first.unref();
  timer.unref();
  return {
    tick,
    stop: () => {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
