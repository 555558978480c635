import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rebuild } from '../derive/derive.js';
import { simulate } from '../sim/index.js';
import type { Store } from '../store/store.js';
import type { Workspace } from '../store/types.js';
import { createWorkspace } from '../workspaces/create.js';

export interface DemoOptions {
  days: number;
  visitorsPerDay?: number;
  seed?: number;
  /** Last simulated day, YYYY-MM-DD (default: today, UTC, so the demo looks current). */
  end?: string;
}

/** Creates the "Demo" workspace and fills it from the world simulator, through the same import path users use. */
export async function seedDemoWorkspace(
  store: Store,
  opts: DemoOptions,
): Promise<{ workspace: Workspace; secretKey: string; events: number }> {
  const { workspace, secretKey } = await createWorkspace(store, {
    name: 'Demo',
    currency: 'USD',
    timezone: 'UTC',
  });
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-demo-'));
  try {
    await simulate(
      {
        seed: opts.seed ?? 1,
        days: opts.days,
        visitorsPerDay: opts.visitorsPerDay ?? 300,
        end: opts.end ?? new Date().toISOString().slice(0, 10),
      },
      { outDir: dir },
    );
    const r = await store.importEventsFile(workspace.id, join(dir, 'events.ndjson'));
    await rebuild(store, workspace.id);
    return { workspace, secretKey, events: r.inserted };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
