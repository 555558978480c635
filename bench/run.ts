// `npm run bench [-- name...]`: runs bench/*.bench.ts (or the named ones) BENCH_RUNS times each (3 by
// default, each run on fresh data), and writes bench/results.json and bench/results.md: every figure the
// median of its runs with the spread, every suite with the commit and machine it was measured on. A full
// run rewrites the whole table; a partial run replaces only its suites (results.ts says how that shows).
// Each module compares itself with a baseline measured in the same run, so figures survive a noisy machine.
// BENCH_ENGINES=duckdb,clickhouse (both by default) picks the data engines of the suites that measure
// both side by side (bulk-load, derive); ClickHouse is the embedded one (chdb), in child processes.
import { readdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { aggregate } from './support/stats.js';
import {
  fmt,
  mergeResults,
  provenance,
  resultsMarkdown,
  type BenchResults,
} from './support/results.js';
import type { BenchModule, BenchResult, BenchSuite } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) throw new Error(`no benchmark matches ${only.join(', ')}`);

const source = provenance(join(here, '..'));
if (source.dirty)
  process.stderr.write('bench: the working tree has uncommitted changes; the results say so\n');
const measured: Record<string, BenchSuite> = {};
for (const f of files) {
  const name = f.replace(/\.bench\.ts$/, '');
  const mod = (await import(pathToFileURL(join(here, f)).href)) as BenchModule;
  const runs: BenchResult[][] = [];
  for (let i = 1; i <= RUNS; i++) {
    process.stderr.write(`bench: ${name} (run ${i} of ${RUNS}) ...\n`);
    runs.push(await mod.run());
  }
  const results = aggregate(runs);
  measured[name] = { ...source, date: new Date().toISOString(), results };
  for (const r of results) {
    process.stderr.write(
      `  ${r.name}: ${fmt(r.value)} ${r.unit} (${fmt(r.min)}-${fmt(r.max)})${r.target ? ` (target ${r.target})` : ''}\n`,
    );
  }
}

const jsonPath = join(here, 'results.json');
const previous = existsSync(jsonPath)
  ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchResults)
  : undefined;
// an old results.json (before provenance was recorded) cannot be merged honestly: a partial run then starts afresh
const usable =
  previous && Object.values(previous.suites ?? {}).every((s) => typeof s.commit === 'string')
    ? previous
    : undefined;
const out = mergeResults(usable, measured, only.length === 0);
writeFileSync(jsonPath, `${JSON.stringify(out, null, 2)}\n`);
writeFileSync(join(here, 'results.md'), resultsMarkdown(out));
process.stderr.write(`bench: wrote ${jsonPath} and results.md\n`);
