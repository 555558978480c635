// One ad-cost file imported in a process of its own, so the peak memory measured is the import's:
//   node --import tsx src/test-helpers/ad-import-rss.ts FILE DATA_DIR
// imports FILE (a Google Ads UI report) with what `closedloop import ads` runs, on a store opened on
// DATA_DIR for the engine under test, and prints {"rows", "peakRssMiB"} (process.resourceUsage().maxRSS).
import { createReadStream } from 'node:fs';
import { importAdFile } from '../server/routes/ad-costs.js';
import { openTestStore } from './store.js';

const [file, dir] = process.argv.slice(2) as [string, string];
const store = await openTestStore(dir);
try {
  const r = await importAdFile(
    store,
    'ws_rss',
    { platform: 'google', account: '123-456-7890' },
    createReadStream(file),
    file,
  );
  process.stdout.write(
    `${JSON.stringify({ rows: r.rows, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
} finally {
  await store.close();
}
