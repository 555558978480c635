import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../store/store.js';
import type { Workspace } from '../store/types.js';
import { createWorkspace } from '../workspaces/create.js';

/** Creates the "Demo" workspace and fills it from the world simulator, ending today. */
export async function seedDemoWorkspace(
  store: Store,
  opts: { days: number; visitorsPerDay?: number; seed?: number },
): Promise<{ workspace: Workspace; secretKey: string; events: number }> {
  const { workspace, secretKey } = await createWorkspace(store, { name: 'Demo', currency: 'USD', timezone: 'UTC' });
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-demo-'));
  try {
    const file = await simulateTo(dir, opts);
    const r = await store.importEventsFile(workspace.id, file);
    return { workspace, secretKey, events: r.inserted };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function simulateTo(_dir: string, _opts: { days: number; visitorsPerDay?: number; seed?: number }): Promise<string> {
  throw new Error('simulator not wired yet');
}
