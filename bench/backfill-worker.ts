// One measured backfill in a process of its own (so its peak RSS is its own), against the HubSpot
// portal the bench serves: `fetch` reads every page with the client and stores nothing (the baseline);
// `sync` runs `closedloop sync hubspot`'s path on a fresh DuckDB store (pages stored as facts, cursor
// after each, the derive at the end). Prints one JSON line: seconds, deals, rows, peak RSS in MiB.
//   node --import tsx bench/backfill-worker.ts fetch|sync <baseUrl> <dir>
import { batchedCrmIntake } from '../src/derive/crm-intake.js';
import { setConnector } from '../src/connectors/settings.js';
import { syncConnector } from '../src/connectors/sync.js';
import { createHubSpotClient } from '../src/sources/hubspot/index.js';
import { openStore } from '../src/store/open.js';
import { secretBox } from '../src/util/secret-box.js';
import { createWorkspace } from '../src/workspaces/create.js';

export interface BackfillOutput {
  seconds: number;
  deals: number;
  rows: number;
  facts: number;
  peakRssMiB: number;
}

const [mode, baseUrl, dir] = process.argv.slice(2);
if ((mode !== 'fetch' && mode !== 'sync') || !baseUrl || !dir)
  throw new Error('usage: backfill-worker.ts fetch|sync <baseUrl> <dir>');
const TOKEN = 'pat-na1-bench-0a1b2c3d-4e5f';

async function fetchOnly(): Promise<Omit<BackfillOutput, 'peakRssMiB'>> {
  const client = createHubSpotClient({ accessToken: TOKEN, baseUrl });
  const t0 = performance.now();
  let deals = 0;
  let rows = 0;
  for await (const page of client.backfill()) {
    rows += page.objects.length;
    if (page.kind === 'deals') deals += page.objects.length;
  }
  return { seconds: (performance.now() - t0) / 1000, deals, rows, facts: 0 };
}

async function sync(): Promise<Omit<BackfillOutput, 'peakRssMiB'>> {
  const store = await openStore(dir!);
  try {
    const box = secretBox('bench-secret-key-0123456789-0123456789');
    const { workspace } = await createWorkspace(store, {
      name: 'Bench',
      currency: 'USD',
      timezone: 'UTC',
    });
    await setConnector(store, box, workspace.id, 'hubspot', { apiKey: TOKEN, baseUrl });
    let deals = 0;
    const t0 = performance.now();
    const r = await syncConnector(store, box, workspace.id, 'hubspot', {
      intake: batchedCrmIntake(store, workspace.id),
      onProgress: () => undefined,
    });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 'ok') throw new Error(`the sync failed: ${r.message}`);
    deals = (await store.crmDeals(workspace.id)).length;
    return { seconds, deals, rows: r.rows, facts: r.inserted };
  } finally {
    await store.close();
  }
}

const out = mode === 'fetch' ? await fetchOnly() : await sync();
const result: BackfillOutput = {
  ...out,
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
