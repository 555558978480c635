// CSV import of 1M CRM rows (BENCH_CRM_ROWS), each step in its own process on fresh data (DuckDB): the raw
// CSV parse alone (csv-parse, the baseline), our reader alone (columns, values, keys into records), and
// what the user runs, `closedloop import crm FILE --workspace W` end to end (records stored in batches by
// key, then the CRM milestones and credits derived). Rows/s and peak RSS of each: the reader streams,
// so its peak memory should not grow with the file.
//
// The file is a CRM export as the column set documents it, mixed with a record_type column: a quarter
// contacts (created, at a stage), a quarter their stage changes, a quarter deals (open, with an amount),
// a quarter payments; written by the CRM CSV writer the simulator uses.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CrmCsvFile, WORLD_COLUMNS } from '../src/sources/crm-csv/index.js';
import type { BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROWS = Number(process.env.BENCH_CRM_ROWS ?? 1_000_000);
const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00Z');

interface Step {
  seconds: number;
  rows: number;
  records: number;
  peakRssMiB: number;
}

/** A CRM export of `rows` rows, deterministic. */
export function writeCrmFile(path: string, rows: number): void {
  const file = new CrmCsvFile(path, WORLD_COLUMNS);
  const at = (i: number) => new Date(START + (i % 300) * DAY + (i % 86_400) * 1000).toISOString();
  for (let i = 0; i < rows; i++) {
    const n = Math.floor(i / 4);
    const email = `person${n}@company${n % 5000}.example`;
    const kind = i % 4;
    if (kind === 0)
      file.write({
        record_type: 'contact',
        record_id: `c${n}`,
        contact_email: email,
        created_at: at(i),
        stage: 'lead',
      });
    else if (kind === 1)
      file.write({
        record_type: 'stage',
        object: 'contact',
        record_id: `c${n}`,
        contact_email: email,
        stage: n % 3 === 0 ? 'sql' : 'mql',
        stage_changed_at: at(i),
      });
    else if (kind === 2)
      file.write({
        record_type: 'deal',
        record_id: `d${n}`,
        contact_id: `c${n}`,
        created_at: at(i),
        status: 'open',
        amount: String(3600 + (n % 100) * 100),
        currency: 'USD',
      });
    else
      file.write({
        record_type: 'revenue',
        record_id: `pay${n}`,
        deal_id: `d${n}`,
        contact_id: `c${n}`,
        amount: `${1200 + (n % 50)}.50`,
        currency: 'USD',
        occurred_at: at(i),
        description: 'invoice',
      });
  }
  file.close();
}

function step(mode: 'parse' | 'read' | 'cli', args: string[]): Step {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(here, 'support', 'crm-import-worker.ts'), mode, ...args],
    { encoding: 'utf8', env: { ...process.env, CLOSEDLOOP_STORE: 'duckdb', LOG_LEVEL: 'warn' } },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`crm import ${mode} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  const s = JSON.parse(line) as Step;
  if (s.rows !== ROWS) throw new Error(`${mode}: ${s.rows} rows of ${ROWS}`);
  return s;
}

export async function run(): Promise<BenchResult[]> {
  const root = mkdtempSync(join(tmpdir(), 'closedloop-bench-crm-'));
  try {
    const file = join(root, 'crm.csv');
    writeCrmFile(file, ROWS);
    const mib = statSync(file).size / 2 ** 20;
    const parse = step('parse', [file]);
    const read = step('read', [file]);
    const data = join(root, 'data');
    mkdirSync(data);
    const cli = step('cli', [file, data]);
    const rate = (s: Step) => s.rows / s.seconds;
    const of = `${ROWS.toLocaleString('en')} rows, ${mib.toFixed(0)} MiB`;
    return [
      {
        name: 'raw CSV parse alone, csv-parse (baseline)',
        value: rate(parse),
        unit: 'rows/s',
        note: `${parse.seconds.toFixed(2)} s for ${of}`,
      },
      {
        name: 'CRM reader alone (rows to records, no store)',
        value: rate(read),
        unit: 'rows/s',
        note: `${read.seconds.toFixed(2)} s; ${read.records.toLocaleString('en')} records`,
      },
      { name: 'CRM reader / raw parse', value: rate(read) / rate(parse), unit: 'ratio' },
      {
        name: 'closedloop import crm, end to end (store by key + derive)',
        value: rate(cli),
        unit: 'rows/s',
        note: `${cli.seconds.toFixed(2)} s; ${cli.records.toLocaleString('en')} records stored`,
      },
      { name: 'import crm / raw parse', value: rate(cli) / rate(parse), unit: 'ratio' },
      { name: 'peak RSS: raw parse', value: parse.peakRssMiB, unit: 'MiB' },
      { name: 'peak RSS: CRM reader', value: read.peakRssMiB, unit: 'MiB' },
      { name: 'peak RSS: closedloop import crm', value: cli.peakRssMiB, unit: 'MiB' },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
