// One ad-cost import step in a fresh process, so its peak memory is its own (DuckDB store). Modes:
//   parse FILE                       csv-parse over the file alone, streamed, cells counted (the baseline)
//   read FILE PLATFORM               the platform's reader alone, streamed (src/sources/ads/read-file.ts), no store
//   cli FILE DIR PLATFORM ACCOUNT    `closedloop import ads FILE --platform P --account A --workspace W
//                                    --data-dir DIR` end to end on a fresh store: read, checked, stored
// Prints {"seconds", "rows", "cells", "peakRssMiB"}: rows are CSV records for parse, cost rows otherwise.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { runCli } from '../../src/cli/main.js';
import {
  AD_FILE_PLATFORMS,
  streamAdFile,
  type AdFilePlatform,
} from '../../src/sources/ads/read-file.js';
import { openStore } from '../../src/store/open.js';

const [mode, file, ...rest] = process.argv.slice(2) as [string, string, ...string[]];
const WS = {
  id: 'ws_adbench',
  name: 'ad import bench',
  currency: 'USD',
  timezone: 'UTC',
  writeKey: 'wk_adbench',
  secretKeyHash: 'h',
};

const platformOf = (p: string | undefined): AdFilePlatform => {
  if (!(AD_FILE_PLATFORMS as readonly string[]).includes(p ?? ''))
    throw new Error(`unknown platform ${p}`);
  return p as AdFilePlatform;
};

let rows = 0;
let cells = 0;
let seconds: number;
if (mode === 'parse') {
  const t0 = performance.now();
  // as loose as the readers: preamble lines of one cell, a byte-order mark
  const parser = createReadStream(file).pipe(parse({ bom: true, relax_column_count: true }));
  for await (const r of parser as AsyncIterable<string[]>) {
    rows++;
    cells += r.length;
  }
  seconds = (performance.now() - t0) / 1000;
} else if (mode === 'read') {
  const t0 = performance.now();
  const read = await streamAdFile(platformOf(rest[0]), createReadStream(file));
  for await (const _ of read.rows) rows++;
  seconds = (performance.now() - t0) / 1000;
} else if (mode === 'cli') {
  const [dir, platform, account] = rest as [string, string, string];
  const store = await openStore(dir, {});
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
    'ads',
    file,
    '--platform',
    platformOf(platform),
    '--account',
    account,
    '--workspace',
    WS.id,
    '--data-dir',
    dir,
    '--json',
  ]);
  seconds = (performance.now() - t0) / 1000;
  process.stdout.write = write;
  if (code !== 0) throw new Error(`closedloop import ads: exit ${code}: ${out.slice(0, 2000)}`);
  const [r] = JSON.parse(out) as { rows: number }[];
  rows = r!.rows;
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write(
  `\n${JSON.stringify({ seconds, rows, cells, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
