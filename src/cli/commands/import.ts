import { createReadStream, existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { cliConfig, runningServer, withStore } from '../context.js';
import { UsageError } from '../errors.js';
import type { IngestResult } from '../../store/types.js';
import { importEvents } from '../../derive/import-events.js';
import { asCliError, type ServerClient } from '../server-client.js';
import { registerImportCrm } from './import-crm.js';
import { registerImportFx } from './import-fx.js';
import { registerImportAds } from './import-ads.js';

interface FileResult extends IngestResult {
  file: string;
}

interface ImportOptions {
  workspace: string;
  dataDir?: string;
  memoryLimit?: string;
  json?: boolean;
}

/** The files imported by this process, on the store it opens. */
async function importHere(files: string[], o: ImportOptions): Promise<IngestResult[]> {
  return withStore(
    o.dataDir,
    async (store) => {
      if (!(await store.getWorkspace(o.workspace)))
        throw new UsageError(`no workspace with id "${o.workspace}"`, '--workspace');
      const showBar = !o.json && process.stderr.isTTY;
      const bar = showBar
        ? new SingleBar(
            { format: ' {bar} {percentage}% | file {file}/{files}', hideCursor: true },
            Presets.shades_classic,
          )
        : undefined;
      bar?.start(100 * files.length, 0, { file: 1, files: files.length });
      const { redactParams } = cliConfig(o.dataDir === undefined ? {} : { dataDir: o.dataDir });
      try {
        return await importEvents(store, o.workspace, files, {
          redactParams,
          onProgress: (i, p) =>
            bar?.update(Math.round(100 * (i + p.fraction)), { file: i + 1, files: files.length }),
        });
      } finally {
        bar?.stop();
      }
    },
    o.memoryLimit,
  );
}

/** The files streamed to the running server, which imports each as this process would. */
async function importThere(
  server: ServerClient,
  files: string[],
  o: ImportOptions,
): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  for (const file of files) {
    try {
      results.push(
        await server.call<IngestResult>(
          'POST',
          `/api/workspaces/${encodeURIComponent(o.workspace)}/import`,
          {
            stream: { body: createReadStream(file), contentType: 'application/x-ndjson' },
          },
        ),
      );
    } catch (err) {
      throw asCliError(err, { id: '--workspace', '*': 'FILE' });
    }
  }
  return results;
}

export function register(program: Command): void {
  const imp = program.command('import').description('Bulk-load data files into a workspace');
  imp
    .command('events <files...>')
    .description(
      'Load Segment-format NDJSON (Segment/RudderStack archives, warehouse exports, simulator output)',
    )
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--data-dir <dir>', 'data directory')
    .option(
      '--memory-limit <size>',
      "cap on the engine's memory, e.g. 2GB (default: CLOSEDLOOP_MEMORY_LIMIT or half the machine)",
    )
    .option('--json', 'machine-readable output')
    .action(async (files: string[], o: ImportOptions) => {
      for (const f of files) {
        if (!existsSync(f) || !statSync(f).isFile())
          throw new UsageError(`not a readable file: ${f}`, 'FILE');
      }
      const server = await runningServer(o.dataDir);
      const loaded = server ? await importThere(server, files, o) : await importHere(files, o);
      const results: FileResult[] = loaded.map((r, i) => ({ file: files[i]!, ...r }));
      if (o.json) {
        process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      } else {
        for (const r of results) {
          process.stdout.write(
            `${r.file}: ${r.inserted} imported, ${r.duplicates} already present, ${r.rejectedCount} rejected (of ${r.received} lines)\n`,
          );
          for (const x of r.rejected)
            process.stdout.write(`  line ${x.line}: ${x.field}: ${x.reason}\n`);
          if (r.rejectedCount > r.rejected.length)
            process.stdout.write(`  ... and ${r.rejectedCount - r.rejected.length} more\n`);
        }
      }
      if (results.some((r) => r.rejectedCount > 0)) process.exitCode = 3;
    });
  registerImportFx(imp);
  registerImportCrm(imp);
  registerImportAds(imp);
}
