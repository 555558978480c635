import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCrm } from '../derive/crm-import.js';
import { importFxRates } from '../derive/fx-rates.js';
import { rebuild } from '../derive/derive.js';
import { adPlatformWriter } from '../sim/ad-writers/index.js';
import { simulate, type CrmProfile } from '../sim/index.js';
import { importAdFile } from '../server/routes/ad-costs.js';
import { readFxFile } from '../sources/fx-csv/read.js';
import type { Store } from '../store/store.js';
import type { Workspace } from '../store/types.js';
import { createWorkspace } from '../workspaces/create.js';
import { demoFxCsv, demoFxFrom } from './demo-fx.js';
import { SIM_CRM_CSV, crmCsvSimWriter } from './sim-crm-csv.js';

/** The Demo workspace's world: four months, so that hundreds of deals are won in the demo's fast funnel. */
export const DEMO_DAYS = 120;

export interface DemoOptions {
  days: number;
  visitorsPerDay?: number;
  seed?: number;
  /** Last simulated day, YYYY-MM-DD (default: today, UTC, so the demo looks current). */
  end?: string;
  /** The CRM funnel's rates (default `demo`: fast and generous, for hundreds of won deals). */
  crm?: CrmProfile;
}

export interface DemoSeeded {
  workspace: Workspace;
  secretKey: string;
  events: number;
  /** What the CRM import stored: change records and one-off revenue records. */
  crm: { changes: number; revenue: number; wonDeals: number };
  /** What the ad platforms' CSV imports stored: rows, and spend in the workspace's currency (text). */
  costs: { rows: number; spend: string };
  /** Exchange rates from USD (to EUR and GBP), so reports can be asked in those currencies. */
  fxRates: number;
}

/**
 * Creates the "Demo" workspace and fills it from the world simulator, through the paths users take:
 * its events as `closedloop import events` loads them, its CRM and revenue as the CRM CSV that
 * `closedloop import crm` reads, and its ad costs as each platform's CSV export that
 * `closedloop import ads` reads. The world has its tagging mistakes seeded, so the tagging-health
 * report has something to show. Its exchange rates come as the file `closedloop import fx` reads.
 */
export async function seedDemoWorkspace(store: Store, opts: DemoOptions): Promise<DemoSeeded> {
  const { workspace, secretKey } = await createWorkspace(store, {
    name: 'Demo',
    currency: 'USD',
    timezone: 'UTC',
  });
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-demo-'));
  try {
    const end = opts.end ?? new Date().toISOString().slice(0, 10);
    const crmCsv = crmCsvSimWriter(join(dir, SIM_CRM_CSV));
    const ads = adPlatformWriter();
    const sim = await simulate(
      {
        seed: opts.seed ?? 1,
        days: opts.days,
        visitorsPerDay: opts.visitorsPerDay ?? 300,
        end,
        crm: opts.crm ?? 'demo',
        mistakes: true,
      },
      { outDir: dir, extraWriters: [crmCsv, ads] },
    );
    // the rates before the CRM facts: values are derived once, by the rebuild
    const fx = await importFxRates(
      store,
      workspace.id,
      readFxFile(demoFxCsv(demoFxFrom(end, opts.days), end)).rates,
    );
    const r = await store.importEventsFile(workspace.id, join(dir, 'events.ndjson'));
    // the CRM facts before the rebuild, which matches them to persons and credits them once
    const crm = await importCrm(store, workspace.id, createReadStream(crmCsv.file.path), {
      derive: false,
    });
    if (crm.errorCount > 0)
      throw new Error(`the simulator's CRM CSV has errors: ${JSON.stringify(crm.errors[0])}`);
    let costRows = 0;
    let micros = 0;
    for (const f of ads.exports().csv) {
      const imported = await importAdFile(
        store,
        workspace.id,
        { platform: f.platform, account: f.account },
        f.bytes,
        f.file,
      );
      costRows += imported.rows;
      for (const s of imported.spend) micros += Math.round(Number(s.amount) * 100) * 10_000;
    }
    await rebuild(store, workspace.id);
    return {
      workspace,
      secretKey,
      events: r.inserted,
      crm: {
        changes: crm.changes.inserted,
        revenue: crm.revenue.inserted,
        wonDeals: sim.record.crm.dealsWon,
      },
      costs: { rows: costRows, spend: (micros / 1e6).toFixed(2) },
      fxRates: fx.added,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
