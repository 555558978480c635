// Stored webhook receipts into CRM facts: after the receiver has stored a delivery (and answered), and at
// start for every receipt not loaded yet, each workspace's unloaded receipts of a vendor are read by
// that vendor's loader (receipt-vendors.ts: mapping, re-fetches), handed to recordCrmChanges (facts by
// key, milestones and credits re-derived), and only then marked loaded. A batch that fails (a vendor
// down, credentials missing) stays unloaded, is retried with a growing backoff, and shows in the
// connector's last sync. Marking after recording makes a crash in between harmless: the next load
// records the same facts again, which changes nothing.
import type { CrmChangeRecord } from '../sources/crm/index.js';
import type { Store } from '../store/store.js';
import { withLease } from '../store/lease.js';
import type { SecretBox } from '../util/secret-box.js';
import { receiptLoaderOf, receiptVendors, type CrmSettings } from './receipt-vendors.js';
import { openConnector } from './settings.js';
import type { ClientTuning } from './vendor-clients.js';
import type { WebhookReceipt } from '../store/areas/webhook-receipts.js';
import { isConnectorName } from './vendors.js';

/**
 * Where the loaded records go, given by the caller (the derive layer sits beside this one): the
 * workspace's CRM mappings, and the CRM intake (recordCrmChanges: facts by key, milestones, credits).
 */
export interface ReceiptIntake {
  crmSettings(workspaceId: string): Promise<CrmSettings>;
  record(workspaceId: string, records: readonly CrmChangeRecord[]): Promise<unknown>;
  /** Stripe's receipts: revenue facts, not CRM changes (recordStripeReceipts: facts, milestones, credits). */
  stripe?(workspaceId: string, receipts: readonly WebhookReceipt[]): Promise<unknown>;
}

export interface ReceiptLoaderOptions {
  /** How long a load waits after the first delivery that asks for it (ms; default 100). */
  settleMs?: number;
  /** Receipts read per batch. */
  batchSize?: number;
  /** The first retry's wait and the longest (ms). Defaults 5 s and 15 min. */
  backoffMs?: { base: number; max: number };
  tuning?: ClientTuning;
  /** Told each failed batch (a message free of secrets). */
  onError?: (e: { workspaceId: string; vendor: string; message: string }) => void;
  now?: () => number;
}

/** What one vendor's load of a workspace did. */
export interface VendorLoad {
  loaded: number;
  records: number;
  /** The failure that left receipts unloaded (free of secrets), or null. */
  error: string | null;
}

const LEASE_MS = 60_000;

/** A message with every secret of the connector masked (vendor clients scrub too; this is the belt). */
function scrubbed(message: string, secrets: readonly (string | null | undefined)[]): string {
  let out = message;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[secret]');
  return out.slice(0, 500);
}

export class ReceiptLoader {
  private readonly pending = new Map<string, Set<string>>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly retries = new Map<string, { attempt: number; timer?: NodeJS.Timeout }>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    private readonly intake: ReceiptIntake,
    private readonly opts: ReceiptLoaderOptions = {},
  ) {}

  /** A receipt of this vendor was stored: load the workspace's unloaded ones soon (never waits). */
  notify(workspaceId: string, vendor: string): void {
    if (this.closed || !this.loads(vendor)) return;
    // while a vendor backs off, its retry timer loads what arrived meanwhile
    if (this.retries.get(`${workspaceId}\u0000${vendor}`)?.timer) return;
    let set = this.pending.get(workspaceId);
    if (!set) this.pending.set(workspaceId, (set = new Set()));
    set.add(vendor);
    this.kick(workspaceId);
  }

  /** Whether this vendor's receipts are loaded: a CRM vendor's loader, or Stripe's revenue intake. */
  private loads(vendor: string): boolean {
    return receiptLoaderOf(vendor) !== undefined || (vendor === 'stripe' && !!this.intake.stripe);
  }

  /** At start: every workspace's vendors with unloaded receipts are loaded (in the background). */
  async start(): Promise<void> {
    for (const ws of await this.store.listWorkspaces()) {
      const unloaded = await this.store.listWebhookReceipts({
        workspaceId: ws.id,
        unloaded: true,
        limit: 1_000_000,
      });
      for (const vendor of new Set(unloaded.map((r) => r.vendor))) this.notify(ws.id, vendor);
    }
  }

  /** Resolves once no load runs or waits to run (a retry's timer is not waited for). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /**
   * Stops the retry timers and waits for the loads under way, at most `waitMs`: a load cut short by the
   * store closing leaves its receipts unloaded (marking comes last), and the next start loads them.
   */
  async close(waitMs = 5_000): Promise<void> {
    this.closed = true;
    for (const r of this.retries.values()) if (r.timer) clearTimeout(r.timer);
    this.pending.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise((r) => {
        timer = setTimeout(r, waitMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }

  private kick(workspaceId: string): void {
    if (this.running.has(workspaceId)) return;
    // a short wait first gathers the deliveries of a burst into one load (one re-derive, not one each)
    const settle = this.opts.settleMs ?? 100;
    const run = new Promise((r) => setTimeout(r, settle))
      .then(() => this.drain(workspaceId))
      .finally(() => {
        this.running.delete(workspaceId);
        if (!this.closed && this.pending.get(workspaceId)?.size) this.kick(workspaceId);
      });
    this.running.set(workspaceId, run);
  }

  // one workspace's loads run one at a time here; a lease keeps other processes' out meanwhile
  private async drain(workspaceId: string): Promise<void> {
    for (;;) {
      const set = this.pending.get(workspaceId);
      const vendor = set?.values().next().value;
      if (!set || vendor === undefined) {
        this.pending.delete(workspaceId);
        return;
      }
      set.delete(vendor);
      await this.loadVendor(workspaceId, vendor);
    }
  }

  /** Loads a workspace's unloaded receipts of one vendor now, batch by batch, until none is left. */
  loadVendor(workspaceId: string, vendor: string): Promise<VendorLoad> {
    return withLease(this.store, `receipts:${workspaceId}`, () => this.load(workspaceId, vendor), {
      leaseMs: LEASE_MS,
    }).catch(async (err: unknown) => {
      // the lease itself failed (the control plane down): retried like a vendor down
      const message = err instanceof Error ? err.message : String(err);
      await this.failed(workspaceId, vendor, message);
      return { loaded: 0, records: 0, error: message };
    });
  }

  private async load(workspaceId: string, vendor: string): Promise<VendorLoad> {
    const handler = receiptLoaderOf(vendor);
    const revenue = vendor === 'stripe' ? this.intake.stripe?.bind(this.intake) : undefined;
    const out: VendorLoad = { loaded: 0, records: 0, error: null };
    if (!handler && !revenue) return out;
    const connector = isConnectorName(vendor)
      ? await openConnector(this.store, this.box, workspaceId, vendor)
      : undefined;
    const secrets = connector
      ? [connector.webhookSecret, ...Object.values(connector.credentials)]
      : [];
    const crm = await this.intake.crmSettings(workspaceId);
    const size = this.opts.batchSize ?? 500;
    for (;;) {
      const receipts = await this.store.listWebhookReceipts({
        workspaceId,
        vendor,
        unloaded: true,
        limit: size,
      });
      if (receipts.length === 0) break;
      try {
        const records = handler
          ? await handler({
              store: this.store,
              workspaceId,
              receipts,
              connector,
              crm,
              tuning: this.opts.tuning ?? {},
            })
          : [];
        if (records.length > 0) await this.intake.record(workspaceId, records);
        if (revenue) await revenue(workspaceId, receipts);
        await this.store.markWebhookReceiptsLoaded(
          workspaceId,
          vendor,
          receipts.map((r) => r.key),
          new Date(this.now()).toISOString(),
        );
        out.loaded += receipts.length;
        out.records += records.length;
      } catch (err) {
        out.error = scrubbed(err instanceof Error ? err.message : String(err), secrets);
        break;
      }
      if (receipts.length < size) break;
    }
    if (out.error !== null) await this.failed(workspaceId, vendor, out.error);
    else await this.recovered(workspaceId, vendor, out.loaded);
    return out;
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private async failed(workspaceId: string, vendor: string, message: string): Promise<void> {
    const id = `${workspaceId}\u0000${vendor}`;
    const r = this.retries.get(id) ?? { attempt: 0 };
    const { base, max } = this.opts.backoffMs ?? { base: 5_000, max: 15 * 60_000 };
    const wait = Math.min(max, base * 2 ** r.attempt);
    r.attempt += 1;
    this.retries.set(id, r);
    this.opts.onError?.({ workspaceId, vendor, message });
    await this.status(workspaceId, vendor, {
      status: 'failed',
      rows: 0,
      errors: r.attempt,
      message: `webhook deliveries not loaded: ${message} (retried in ${Math.round(wait / 1000)} s)`,
    });
    if (this.closed) return;
    if (r.timer) clearTimeout(r.timer);
    r.timer = setTimeout(() => {
      delete r.timer;
      this.notify(workspaceId, vendor);
    }, wait);
    r.timer.unref();
  }

  private async recovered(workspaceId: string, vendor: string, loaded: number): Promise<void> {
    const id = `${workspaceId}\u0000${vendor}`;
    const r = this.retries.get(id);
    if (!r) return;
    if (r.timer) clearTimeout(r.timer);
    this.retries.delete(id);
    await this.status(workspaceId, vendor, {
      status: 'ok',
      rows: loaded,
      errors: 0,
      message: `webhook deliveries loaded after ${r.attempt} failed attempt(s)`,
    });
  }

  // the connector's last sync tells a failure (its cursor, the backfill's, is kept as it is)
  private async status(
    workspaceId: string,
    vendor: string,
    s: { status: 'ok' | 'failed'; rows: number; errors: number; message: string },
  ): Promise<void> {
    try {
      const c = await this.store.getConnector(workspaceId, vendor);
      if (!c) return;
      await this.store.recordConnectorSync(workspaceId, vendor, {
        cursor: c.cursor,
        lastSync: { at: new Date(this.now()).toISOString(), ...s },
      });
    } catch {
      // the status is a report; the receipts stay unloaded whatever becomes of it
    }
  }
}

/** The vendors whose receipts the loader reads (the others' receipts are kept, unloaded). */
export const loadedVendors = receiptVendors;
