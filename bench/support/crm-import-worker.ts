// One CRM import step in a fresh process, so its peak memory is its own (DuckDB store). Modes:
//   parse FILE       csv-parse over the file alone, fields counted (the baseline: the raw CSV parse)
//   read FILE        our reader: parse, columns, values and keys into change and revenue records, no store
//   cli FILE DIR     `closedloop import crm FILE --workspace W --data-dir DIR` end to end: the records
//                    stored in batches by key, then the CRM milestones and credits derived
// Prints {"seconds", "rows", "records", "peakRssMiB"}.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { runCli } from '../../src/cli/main.js';
import { readCrmImport } from '../../src/sources/crm-csv/index.js';
import { openStore } from '../../src/store/open.js';

const [mode, file, dir] = process.argv.slice(2) as [string, string, string | undefined];
const WS = {
  id: 'ws_bench',
  name: 'bench',
  currency: 'USD',
  timezone: 'UTC',
  writeKey: 'wk_bench',
  secretKeyHash: 'h',
};

let rows = 0;
let records = 0;
let seconds: number;
if (mode === 'parse') {
  const t0 = performance.now();
  const parser = createReadStream(file).pipe(parse({ bom: true, relax_column_count: true }));
  for await (const r of parser as AsyncIterable<string[]>) {
    rows++;
    records += r.length;
  }
  rows--; // the header
  seconds = (performance.now() - t0) / 1000;
} else if (mode === 'read') {
  const t0 = performance.now();
  for await (const item of readCrmImport(createReadStream(file))) {
    if (item.kind === 'row') {
      rows++;
      records += item.changes.length + item.revenue.length;
    } else if (item.kind === 'error') throw new Error(JSON.stringify(item));
  }
  seconds = (performance.now() - t0) / 1000;
} else if (mode === 'cli') {
  const store = await openStore(dir!, {});
  await store.createWorkspace(WS);
  await store.close();
  // the report goes to stdout: keep it apart from this worker's one line
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  const t0 = performance.now();
  const code = await runCli([
    'import',
    'crm',
    file,
    '--workspace',
    WS.id,
    '--data-dir',
    dir!,
    '--json',
  ]);
  seconds = (performance.now() - t0) / 1000;
  process.stdout.write = write;
  if (code !== 0) throw new Error(`closedloop import crm: exit ${code}: ${out.slice(0, 2000)}`);
  const r = JSON.parse(out) as {
    rows: number;
    changes: { inserted: number };
    revenue: { inserted: number };
  };
  rows = r.rows;
  records = r.changes.inserted + r.revenue.inserted;
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write(
  `\n${JSON.stringify({ seconds, rows, records, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
