// `npm run bench [-- name...]`: runs bench/*.bench.ts (or the named ones), writes bench/results.json and
// bench/results.md with the machine they ran on. Each module compares itself with a baseline measured
// in the same run, so figures survive a noisy machine.
import { cpus, totalmem } from 'node:os';
import { readdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  date: new Date().toISOString(),
};

const jsonPath = join(here, 'results.json');
const previous = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as { suites?: Record<string, unknown> }) : {};
const suites: Record<string, { machine: typeof machine; results: BenchResult[] }> = {
  ...((previous.suites as Record<string, { machine: typeof machine; results: BenchResult[] }>) ?? {}),
};
for (const f of files) {
  const name = f.replace(/\.bench\.ts$/, '');
  process.stderr.write(`bench: ${name} ...\n`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as BenchModule;
  const results = await mod.run();
  suites[name] = { machine, results };
  for (const r of results) process.stderr.write(`  ${r.name}: ${fmt(r.value)} ${r.unit}${r.target ? ` (target ${r.target})` : ''}\n`);
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : Number(v.toPrecision(3)).toString();
}

writeFileSync(jsonPath, `${JSON.stringify({ suites }, null, 2)}\n`);
const md = ['# Benchmark results', '', 'Written by `npm run bench`. Each suite records the machine it ran on.', ''];
for (const [name, s] of Object.entries(suites)) {
  md.push(`## ${name}`, '', `${s.machine.cores} cores (${s.machine.cpu}), ${s.machine.memoryGiB} GiB, Node ${s.machine.node}, ${s.machine.date}`, '');
  md.push('| measure | value | unit | target | note |', '|---|---:|---|---|---|');
  for (const r of s.results) md.push(`| ${r.name} | ${fmt(r.value)} | ${r.unit} | ${r.target ?? ''} | ${r.note ?? ''} |`);
  md.push('');
}
writeFileSync(join(here, 'results.md'), md.join('\n'));
process.stderr.write(`bench: wrote ${jsonPath} and results.md\n`);
