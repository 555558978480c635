import type { Command } from 'commander';
import { createWorkspace, InvalidInput, NewWorkspaceInput, parseInput } from '../../workspaces/create.js';
import { printRows, withStore } from '../context.js';
import { UsageError } from '../errors.js';

export function register(program: Command): void {
  const ws = program.command('workspace').description('Create and list workspaces (one per site or client)');
  ws.command('create <name>')
    .description('Create a workspace; prints its write key and its secret API key (shown once)')
    .requiredOption('--currency <code>', 'reporting currency, ISO 4217 (e.g. GBP)')
    .requiredOption('--timezone <tz>', 'reporting time zone, IANA (e.g. Europe/London)')
    .option('--data-dir <dir>', 'data directory (default: CLOSEDLOOP_DATA_DIR or ./.closedloop)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o: { currency: string; timezone: string; dataDir?: string; json?: boolean }) => {
      const input = { name, currency: o.currency, timezone: o.timezone };
      try {
        parseInput(NewWorkspaceInput, input); // validate before touching the data directory
      } catch (err) {
        if (err instanceof InvalidInput) throw new UsageError(err.message, `--${err.field}`);
        throw err;
      }
      await withStore(o.dataDir, async (store) => {
        const { workspace, secretKey } = await createWorkspace(store, input);
          if (o.json) {
            process.stdout.write(`${JSON.stringify({ ...workspace, secretKey }, null, 2)}\n`);
          } else {
            process.stdout.write(
              `Created workspace "${workspace.name}" (${workspace.id})\n` +
                `  write key  ${workspace.writeKey}   (public: browser snippet, SDKs)\n` +
                `  secret key ${secretKey}   (keep it safe: shown only now)\n`,
            );
          }
      });
    });
  ws.command('list')
    .description('List workspaces')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'machine-readable output')
    .action(async (o: { dataDir?: string; json?: boolean }) => {
      await withStore(o.dataDir, async (store) => {
        const rows = (await store.listWorkspaces()).map((w) => ({
          id: w.id,
          name: w.name,
          currency: w.currency,
          timezone: w.timezone,
          writeKey: w.writeKey,
          createdAt: w.createdAt,
        }));
        printRows(rows, Boolean(o.json));
      });
    });
}
