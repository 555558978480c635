// `closedloop import ads FILE...`: an ad platform's costs into a workspace (docs/costs.md), each file
// a saved API answer or the platform's CSV export, read as it comes (bounded memory), all or nothing and recorded as an import of its
// period (a re-import of the period replaces it). On the store this process opens, or through the
// running server's POST /api/ad-costs, with the same report.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { AD_FILE_PLATFORMS, AdImportError } from '../../sources/ads/read-file.js';
import type { Store } from '../../store/store.js';
import { AdImportQuery, importAdFile, type AdImportResult } from '../../server/routes/ad-costs.js';
import { withData } from '../context.js';
import { UsageError } from '../errors.js';

interface Options {
  platform: string;
  account: string;
  workspace: string;
  currency?: string;
  from?: string;
  to?: string;
  dataDir?: string;
  json?: boolean;
}

// the field a reader or the server names, to the flag a user changes
const FLAGS: Record<string, string> = {
  'x-closedloop-workspace': '--workspace',
  platform: '--platform',
  account: '--account',
  currency: '--currency',
  from: '--from',
  to: '--to',
  '*': 'FILE',
};

/** One file on the store this process opens (what the server's route does). */
async function importHere(store: Store, file: string, o: Options): Promise<AdImportResult> {
  const query = AdImportQuery.safeParse({ ...o, file: basename(file) });
  if (!query.success) {
    const issue = query.error.issues[0]!;
    const field = String(issue.path[0] ?? '*');
    throw new UsageError(`${field}: ${issue.message}`, FLAGS[field] ?? 'FILE');
  }
  try {
    // read as it comes: a file of any size in bounded memory
    return await importAdFile(store, o.workspace, query.data, createReadStream(file), file);
  } catch (err) {
    if (err instanceof AdImportError)
      throw new UsageError(`${file}: ${err.message}`, FLAGS[err.where] ?? 'FILE');
    throw err;
  }
}

export function registerImportAds(imp: Command): void {
  imp
    .command('ads <files...>')
    .description(
      "Load an ad platform's costs: a saved API answer (JSON) or its CSV export; re-importing a period replaces it",
    )
    .requiredOption('--platform <name>', `the platform: ${AD_FILE_PLATFORMS.join(', ')}`)
    .requiredOption('--account <id>', 'the ad account the file is of')
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--currency <code>', "the account's currency, for files that do not say it")
    .option('--from <day>', 'first day the file covers (default: its report range, else its rows)')
    .option('--to <day>', 'last day the file covers')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'machine-readable output')
    .action(async (files: string[], o: Options) => {
      if (!(AD_FILE_PLATFORMS as readonly string[]).includes(o.platform))
        throw new UsageError(
          `unknown platform "${o.platform}" (one of ${AD_FILE_PLATFORMS.join(', ')})`,
          '--platform',
        );
      for (const f of files)
        if (!existsSync(f) || !statSync(f).isFile())
          throw new UsageError(`not a readable file: ${f}`, 'FILE');
      const results = await withData<AdImportResult[]>(o.dataDir, {
        local: async (store) => {
          if (!(await store.getWorkspace(o.workspace)))
            throw new UsageError(`no workspace with id "${o.workspace}"`, '--workspace');
          const bar =
            !o.json && process.stderr.isTTY && files.length > 1
              ? new SingleBar(
                  { format: ' {bar} {value}/{total} files', hideCursor: true },
                  Presets.shades_classic,
                )
              : undefined;
          bar?.start(files.length, 0);
          const out: AdImportResult[] = [];
          try {
            for (const f of files) {
              out.push(await importHere(store, f, o));
              bar?.increment();
            }
          } finally {
            bar?.stop();
          }
          return out;
        },
        remote: async (server) => {
          const out: AdImportResult[] = [];
          for (const f of files)
            out.push(
              await server.call<AdImportResult>('POST', '/api/ad-costs', {
                workspace: o.workspace,
                query: {
                  platform: o.platform,
                  account: o.account,
                  currency: o.currency,
                  from: o.from,
                  to: o.to,
                  file: basename(f),
                },
                stream: { body: createReadStream(f), contentType: 'application/octet-stream' },
              }),
            );
          return out;
        },
        flags: FLAGS,
      });
      if (o.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else
        results.forEach((r, i) => {
          const spend = r.spend.map((s) => `${s.currency} ${s.amount}`).join(', ') || 'no spend';
          process.stdout.write(
            `${files[i]}: ${r.rows} rows of ${r.platform} account ${r.account}, ${r.from}..${r.to} (${spend}); replaces earlier imports of those days\n`,
          );
        });
    });
}
