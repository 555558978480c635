// `closedloop import crm FILE`: CRM contacts, deals, stage changes and revenue from a CSV/JSON export
// (docs/crm.md, "The CRM CSV/JSON format") into a workspace, on the store this process opens (with a
// progress bar over the file's bytes) or through the running server's /api/crm/import, with the same
// report: counts, then each bad line with its column and reason.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { CrmImportError, importCrm, type CrmImportReport } from '../../derive/crm-import.js';
import { IMPORT_TYPES, type ImportType } from '../../sources/crm-csv/index.js';
import { withData } from '../context.js';
import { UsageError } from '../errors.js';

interface Options {
  workspace: string;
  type?: string;
  map?: string;
  account?: string;
  currency?: string;
  decimal?: string;
  dateOrder?: string;
  timeZone?: string;
  dataDir?: string;
  json?: boolean;
}

const FLAGS: Record<string, string> = {
  'x-closedloop-workspace': '--workspace',
  type: '--type',
  map: '--map',
  account: '--account',
  currency: '--currency',
  decimal: '--decimal',
  dateOrder: '--date-order',
  timeZone: '--time-zone',
  '*': 'FILE',
};

/** The flags as the reader's options (and the API's query), each checked here first. */
function readerOptions(o: Options) {
  const oneOf = <T extends string>(v: string | undefined, known: readonly T[], flag: string) => {
    if (v !== undefined && !(known as readonly string[]).includes(v))
      throw new UsageError(`"${v}" is not one of ${known.join(', ')}`, flag);
    return v as T | undefined;
  };
  const type = oneOf<ImportType>(o.type, IMPORT_TYPES, '--type');
  const decimal = oneOf(o.decimal, ['.', ','] as const, '--decimal');
  const dateOrder = oneOf(o.dateOrder, ['dmy', 'mdy'] as const, '--date-order');
  if (o.currency !== undefined && !/^[A-Za-z]{3}$/.test(o.currency))
    throw new UsageError(`"${o.currency}" is not a currency code such as EUR`, '--currency');
  return {
    ...(type !== undefined ? { type } : {}),
    ...(o.map !== undefined ? { map: o.map } : {}),
    ...(o.account !== undefined ? { account: o.account } : {}),
    ...(o.currency !== undefined ? { currency: o.currency } : {}),
    ...(decimal !== undefined ? { decimal } : {}),
    ...(dateOrder !== undefined ? { dateOrder } : {}),
    ...(o.timeZone !== undefined ? { timeZone: o.timeZone } : {}),
  };
}

export function formatCrmImport(file: string, r: CrmImportReport): string {
  const lines = [
    `${file}: ${r.rows} rows; ${r.changes.inserted} CRM changes added, ${r.changes.duplicates} already stored; ` +
      `${r.revenue.inserted} revenue records added, ${r.revenue.duplicates} already stored; ${r.errorCount} errors`,
  ];
  if (r.ignoredColumns.length > 0) lines.push(`  ignored columns: ${r.ignoredColumns.join(', ')}`);
  for (const e of r.errors) lines.push(`  line ${e.line}: ${e.field ?? '(row)'}: ${e.reason}`);
  if (r.errorCount > r.errors.length)
    lines.push(`  ... and ${r.errorCount - r.errors.length} more`);
  return `${lines.join('\n')}\n`;
}

export function registerImportCrm(imp: Command): void {
  imp
    .command('crm <file>')
    .description(
      'Load CRM contacts, deals, stage changes or revenue from a CSV, NDJSON or JSON export (docs/crm.md); bad lines are reported, good ones stored; re-importing changes nothing',
    )
    .requiredOption('--workspace <id>', 'workspace id')
    .option(
      '--type <type>',
      `every row's type: ${IMPORT_TYPES.join('|')} (else a record_type column)`,
    )
    .option('--map <pairs>', 'their headers to our columns: "Email=email,Stage=stage"')
    .option('--account <id>', 'the CRM account the file comes from (kept with every record)')
    .option('--currency <code>', 'the currency of amounts when a row has none')
    .option('--decimal <mark>', 'the decimal mark when amounts leave it open: . or ,')
    .option('--date-order <order>', 'dmy or mdy, when dates like 05/01/2026 leave it open')
    .option('--time-zone <zone>', 'the IANA zone of times without an offset (default UTC)')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: Options) => {
      if (!existsSync(file) || !statSync(file).isFile())
        throw new UsageError(`not a readable file: ${file}`, 'FILE');
      const options = readerOptions(o);
      const r = await withData<CrmImportReport>(o.dataDir, {
        local: async (store) => {
          if (!(await store.getWorkspace(o.workspace)))
            throw new UsageError(`no workspace with id "${o.workspace}"`, '--workspace');
          const size = statSync(file).size;
          const bar =
            !o.json && process.stderr.isTTY && size > 0
              ? new SingleBar(
                  { format: ' {bar} {percentage}% | {rows} rows', hideCursor: true },
                  Presets.shades_classic,
                )
              : undefined;
          bar?.start(size, 0, { rows: 0 });
          let bytes = 0;
          try {
            return await importCrm(store, o.workspace, createReadStream(file), {
              ...options,
              onProgress: (b) => (bytes = b),
              onBatch: (rows) => bar?.update(bytes, { rows }),
            });
          } catch (err) {
            if (err instanceof CrmImportError)
              throw new UsageError(err.message, FLAGS[err.field] ?? 'FILE');
            throw err;
          } finally {
            bar?.update(bytes);
            bar?.stop();
          }
        },
        remote: (server) =>
          server.call<CrmImportReport>('POST', '/api/crm/import', {
            workspace: o.workspace,
            query: options,
            stream: { body: createReadStream(file), contentType: 'text/csv' },
          }),
        flags: FLAGS,
      });
      if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else process.stdout.write(formatCrmImport(file, r));
      if (r.errorCount > 0) process.exitCode = 3;
    });
}
