// The HubSpot backfill of 100k deals (BENCH_BACKFILL_DEALS) from a portal served by the replay server
// in this process (deals with their dealstage history, 50 a page, and their contacts' associations;
// a tenth as many contacts), each run in a child process of its own: `closedloop sync hubspot`'s path
// on a fresh DuckDB store (each page stored as facts and its cursor after it, milestones and credits
// derived once at the end) against the baseline, the same pages fetched and parsed with nothing stored.
// Reported: deals/s of each, the ratio, and the peak RSS of each process. Knobs: BENCH_BACKFILL_DEALS
// (100000), BENCH_BACKFILL_CONTACTS (a tenth of the deals).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHubSpotPortal } from '../src/test-helpers/hubspot-portal.js';
import type { BackfillOutput } from './backfill-worker.js';
import type { BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const DEALS = Number(process.env.BENCH_BACKFILL_DEALS ?? 100_000);
const CONTACTS = Number(process.env.BENCH_BACKFILL_CONTACTS ?? Math.ceil(DEALS / 10));

/** The worker in a child process; async, so this process's replay server keeps answering. */
function worker(mode: 'fetch' | 'sync', baseUrl: string, dir: string): Promise<BackfillOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, 'backfill-worker.ts'), mode, baseUrl, dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{'))
        return reject(new Error(`backfill worker ${mode} failed (${code}): ${stderr}`));
      resolve(JSON.parse(line) as BackfillOutput);
    });
  });
}

export async function run(): Promise<BenchResult[]> {
  const portal = await startHubSpotPortal({ contacts: CONTACTS, companies: 100, deals: DEALS });
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-bench-backfill-'));
  try {
    const fetched = await worker('fetch', portal.baseUrl, join(dir, 'fetch'));
    const synced = await worker('sync', portal.baseUrl, join(dir, 'sync'));
    if (fetched.deals !== DEALS) throw new Error(`fetch read ${fetched.deals} of ${DEALS} deals`);
    if (synced.deals !== DEALS) throw new Error(`sync stored ${synced.deals} of ${DEALS} deals`);
    const n = `${Math.round(DEALS / 1000)}k deals`;
    const fetchRate = fetched.deals / fetched.seconds;
    const syncRate = synced.deals / synced.seconds;
    return [
      {
        name: `${n}: hubspot sync, deals/s (end to end, DuckDB)`,
        value: Math.round(syncRate),
        unit: 'deals/s',
        note: `${synced.rows} objects, ${synced.facts} facts`,
      },
      {
        name: `${n}: baseline, pages fetched and parsed, nothing stored`,
        value: Math.round(fetchRate),
        unit: 'deals/s',
      },
      {
        name: `${n}: sync time over fetch time`,
        value: Math.round((synced.seconds / fetched.seconds) * 100) / 100,
        unit: 'ratio',
      },
      { name: `${n}: peak RSS of the sync`, value: synced.peakRssMiB, unit: 'MiB' },
      { name: `${n}: peak RSS of the fetch`, value: fetched.peakRssMiB, unit: 'MiB' },
    ];
  } finally {
    await portal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
