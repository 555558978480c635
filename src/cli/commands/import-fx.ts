// `closedloop import fx FILE`: exchange rates into a workspace (docs/revenue.md, "Exchange rates"), on the
// store this process opens or through the running server's /api/fx-rates, with the same report.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { FxFileError, readFxFile } from '../../sources/fx-csv/read.js';
import { withData } from '../context.js';
import { UsageError } from '../errors.js';
import { importFxRates } from '../../derive/fx-rates.js';

interface FxImportResult {
  shape: 'long' | 'wide';
  lines: number;
  rates: number;
  added: number;
  unchanged: number;
  rejectedCount: number;
  rejected: { line: number; field: string; reason: string }[];
}

interface Options {
  workspace: string;
  base?: string;
  dataDir?: string;
  json?: boolean;
}

export function registerImportFx(imp: Command): void {
  imp
    .command('fx <file>')
    .description(
      'Load exchange rates (CSV: date,base,quote,rate lines, or the ECB layout with --base EUR); re-importing changes nothing',
    )
    .requiredOption('--workspace <id>', 'workspace id')
    .option(
      '--base <code>',
      "the base currency of a file with a column per currency (the ECB's: EUR)",
    )
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: Options) => {
      if (!existsSync(file) || !statSync(file).isFile())
        throw new UsageError(`not a readable file: ${file}`, 'FILE');
      const flagOf = (field: string) => (field === 'base' ? '--base' : 'FILE');
      const r = await withData<FxImportResult>(o.dataDir, {
        local: async (store) => {
          if (!(await store.getWorkspace(o.workspace)))
            throw new UsageError(`no workspace with id "${o.workspace}"`, '--workspace');
          let read;
          try {
            read = readFxFile(
              readFileSync(file, 'utf8'),
              o.base === undefined ? {} : { base: o.base },
            );
          } catch (err) {
            if (err instanceof FxFileError) throw new UsageError(err.message, flagOf(err.field));
            throw err;
          }
          const stored = await importFxRates(store, o.workspace, read.rates);
          return {
            shape: read.shape,
            lines: read.lines,
            rates: read.rates.length,
            ...stored,
            rejectedCount: read.rejected.length,
            rejected: read.rejected.slice(0, 100),
          };
        },
        remote: (server) =>
          server.call<FxImportResult>('POST', '/api/fx-rates', {
            workspace: o.workspace,
            query: { base: o.base },
            stream: { body: createReadStream(file), contentType: 'text/csv' },
          }),
        flags: { 'x-closedloop-workspace': '--workspace', base: '--base', '*': 'FILE' },
      });
      if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else {
        process.stdout.write(
          `${file}: ${r.added} rates added, ${r.unchanged} already in effect, ${r.rejectedCount} rejected (of ${r.lines} lines)\n`,
        );
        for (const x of r.rejected)
          process.stdout.write(`  line ${x.line}: ${x.field}: ${x.reason}\n`);
      }
      if (r.rejectedCount > 0) process.exitCode = 3;
    });
}
