// One ad-cost file imported in a process of its own, so the peak memory measured is the import's:
//   node --import tsx src/test-helpers/ad-import-rss.ts FILE DATA_DIR
// imports FILE (a Google Ads UI report or saved searchStream answer) with what `closedloop import ads`
// runs, on a store opened on DATA_DIR for the engine under test (its own: a chdb is one process's), and
// prints {"rows", "format", "spend", "stored", "peakRssMiB"}: `peakRssMiB` the process's maxRSS once the
// import returned, `stored` what the store then holds of the import's period (rows, clicks, spend in cents).
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
  // the import's peak, taken before the reads of what it stored (a chdb query adds its own memory)
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const [imp] = await store.adCostImports('ws_rss');
  const totals = await store.adCostTotals('ws_rss', {
    from: r.from,
    to: r.to,
    groupBy: [],
    currency: 'USD',
  });
  process.stdout.write(
    `${JSON.stringify({
      rows: r.rows,
      format: r.format,
      spend: r.spend,
      stored: {
        rows: imp?.rows,
        from: imp?.from,
        to: imp?.to,
        clicks: totals.rows.map((t) => t.clicks),
        cents: totals.rows.map((t) => (t.cost === null ? null : Math.round(t.cost * 100))),
      },
      peakRssMiB,
    })}\n`,
  );
} finally {
  await store.close();
}
