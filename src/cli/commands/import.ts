import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { cliConfig, withStore } from '../context.js';
import { UsageError } from '../errors.js';
import type { IngestResult } from '../../store/types.js';
import { rebuild } from '../../model/derive.js';
import { redactStored } from '../../model/redact-stored.js';

interface FileResult extends IngestResult {
  file: string;
}

export function register(program: Command): void {
  const imp = program.command('import').description('Bulk-load data files into a workspace');
  imp
    .command('events <files...>')
    .description('Load Segment-format NDJSON (Segment/RudderStack archives, warehouse exports, simulator output)')
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--data-dir <dir>', 'data directory')
    .option('--memory-limit <size>', 'cap on the engine\'s memory, e.g. 2GB (default: CLOSEDLOOP_MEMORY_LIMIT or half the machine)')
    .option('--json', 'machine-readable output')
    .action(async (files: string[], o: { workspace: string; dataDir?: string; memoryLimit?: string; json?: boolean }) => {
      for (const f of files) {
        if (!existsSync(f) || !statSync(f).isFile()) throw new UsageError(`not a readable file: ${f}`, 'FILE');
      }
      await withStore(o.dataDir, async (store) => {
        if (!(await store.getWorkspace(o.workspace))) throw new UsageError(`no workspace with id "${o.workspace}"`, '--workspace');
        const showBar = !o.json && process.stderr.isTTY;
        const bar = showBar ? new SingleBar({ format: ' {bar} {percentage}% | file {file}/{files}', hideCursor: true }, Presets.shades_classic) : undefined;
        bar?.start(100 * files.length, 0, { file: 1, files: files.length });
        const results: FileResult[] = [];
        const { redactParams } = cliConfig(o.dataDir === undefined ? {} : { dataDir: o.dataDir });
        for (const [i, file] of files.entries()) {
          const r = await store.importEventsFile(o.workspace, file, (p) =>
            bar?.update(Math.round(100 * (i + p.fraction)), { file: i + 1, files: files.length }),
          );
          results.push({ file, ...r });
          // the bulk load is SQL only: its URLs pass the same redaction before anything is derived from them
          if (r.inserted > 0 && r.batchId) await redactStored(store, o.workspace, { configNames: redactParams, batchId: r.batchId });
        }
        bar?.stop();
        // derive what the new events change (sessions, persons, milestones) for the workspace
        if (results.some((r) => r.inserted > 0)) await rebuild(store, o.workspace);
        if (o.json) {
          process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
        } else {
          for (const r of results) {
            process.stdout.write(
              `${r.file}: ${r.inserted} imported, ${r.duplicates} already present, ${r.rejectedCount} rejected (of ${r.received} lines)\n`,
            );
            for (const x of r.rejected) process.stdout.write(`  line ${x.line}: ${x.field}: ${x.reason}\n`);
            if (r.rejectedCount > r.rejected.length) process.stdout.write(`  ... and ${r.rejectedCount - r.rejected.length} more\n`);
          }
        }
        if (results.some((r) => r.rejectedCount > 0)) process.exitCode = 3;
      }, o.memoryLimit);
    });
}
