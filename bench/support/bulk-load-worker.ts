// One bulk load in a fresh process (so peak memory is its own): `native` is DuckDB's own JSON reader
// into a table of its choosing; `closedloop` is `closedloop import events` (validation, normalisation,
// de-duplication). Prints {"seconds", "events", "peakRssMiB"}.
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { openStore } from '../../src/store/open.js';

const [mode, file, dir] = process.argv.slice(2) as [string, string, string];
const t0 = performance.now();
let events: number;
if (mode === 'native') {
  const db = await DuckDBInstance.create(join(dir, 'native.duckdb'));
  const c = await db.connect();
  await c.run(`CREATE TABLE events AS SELECT * FROM read_ndjson('${file.replaceAll("'", "''")}')`);
  await c.run('CHECKPOINT');
  events = Number((await c.runAndReadAll('SELECT count(*) AS n FROM events')).getRowObjectsJson()[0]?.n);
  c.closeSync();
} else {
  const store = await openStore(dir);
  await store.createWorkspace({ id: 'bench', name: 'bench', currency: 'USD', timezone: 'UTC', writeKey: 'wk_bench', secretKeyHash: 'h' });
  const r = await store.importEventsFile('bench', file);
  events = r.inserted;
  await store.close(); // includes the checkpoint
}
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, events, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
