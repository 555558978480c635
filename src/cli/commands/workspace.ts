import type { Command } from 'commander';
import type { Workspace } from '../../store/types.js';
import {
  createWorkspace,
  InvalidInput,
  NewWorkspaceInput,
  parseInput,
} from '../../workspaces/create.js';
import { deleteWorkspace, rotateSecretKey } from '../../workspaces/manage.js';
import { cliConfig, printRows, withData } from '../context.js';
import { UsageError } from '../errors.js';
import { loadJournal } from '../load-journal.js';

const DATA_DIR = [
  '--data-dir <dir>',
  'data directory (default: CLOSEDLOOP_DATA_DIR or ./.closedloop)',
] as const;
const noWorkspace = (id: string) => new UsageError(`no workspace with id "${id}"`, '--workspace');
const pathId = (id: string) => encodeURIComponent(id);

export function register(program: Command): void {
  const ws = program
    .command('workspace')
    .description('Create, list, re-key and delete workspaces (one per site or client)');
  ws.command('create <name>')
    .description('Create a workspace; prints its write key and its secret API key (shown once)')
    .requiredOption('--currency <code>', 'reporting currency, ISO 4217 (e.g. GBP)')
    .requiredOption('--timezone <tz>', 'reporting time zone, IANA (e.g. Europe/London)')
    .option(...DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(
      async (
        name: string,
        o: { currency: string; timezone: string; dataDir?: string; json?: boolean },
      ) => {
        const input = { name, currency: o.currency, timezone: o.timezone };
        try {
          parseInput(NewWorkspaceInput, input); // validate before touching the data directory
        } catch (err) {
          if (err instanceof InvalidInput) throw new UsageError(err.message, `--${err.field}`);
          throw err;
        }
        const { workspace, secretKey } = await withData(o.dataDir, {
          local: (store) => createWorkspace(store, input),
          remote: (server) =>
            server.call<{ workspace: Workspace; secretKey: string }>('POST', '/api/workspaces', {
              json: input,
            }),
          flags: { name: 'NAME', currency: '--currency', timezone: '--timezone' },
        });
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ ...workspace, secretKey }, null, 2)}\n`);
        } else {
          process.stdout.write(
            `Created workspace "${workspace.name}" (${workspace.id})\n` +
              `  write key  ${workspace.writeKey}   (public: browser snippet, SDKs)\n` +
              `  secret key ${secretKey}   (keep it safe: shown only now)\n`,
          );
        }
      },
    );
  ws.command('list')
    .description('List workspaces')
    .option(...DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (o: { dataDir?: string; json?: boolean }) => {
      const all = await withData(o.dataDir, {
        local: (store) => store.listWorkspaces(),
        remote: async (server) =>
          (await server.call<{ workspaces: Workspace[] }>('GET', '/api/workspaces')).workspaces,
      });
      const rows = all.map((w) => ({
        id: w.id,
        name: w.name,
        currency: w.currency,
        timezone: w.timezone,
        writeKey: w.writeKey,
        createdAt: w.createdAt,
      }));
      printRows(rows, Boolean(o.json));
    });
  ws.command('rotate-key')
    .description(
      'Give a workspace a new secret API key (shown once); the old key stops working. Keys are stored hashed, so a lost key cannot be shown again: replace it',
    )
    .requiredOption('--workspace <id>', 'workspace id')
    .option(...DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (o: { workspace: string; dataDir?: string; json?: boolean }) => {
      const { workspace, secretKey } = await withData(o.dataDir, {
        local: async (store) => {
          const workspace = await store.getWorkspace(o.workspace);
          const secretKey = workspace && (await rotateSecretKey(store, workspace.id));
          if (!workspace || !secretKey) throw noWorkspace(o.workspace);
          return { workspace, secretKey };
        },
        remote: (server) =>
          server.call<{ workspace: Workspace; secretKey: string }>(
            'POST',
            `/api/workspaces/${pathId(o.workspace)}/rotate-key`,
          ),
        flags: { id: '--workspace' },
      });
      if (o.json)
        process.stdout.write(`${JSON.stringify({ id: workspace.id, secretKey }, null, 2)}\n`);
      else {
        process.stdout.write(
          `New secret key for workspace "${workspace.name}" (${workspace.id})\n` +
            `  secret key ${secretKey}   (keep it safe: shown only now; the old key no longer works)\n`,
        );
      }
    });
  ws.command('delete')
    .description(
      'Delete a workspace and all its data: events, derived rows, settings, audit records (cannot be undone)',
    )
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--yes', 'confirm: this deletes every fact of the workspace')
    .option(...DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (o: { workspace: string; yes?: boolean; dataDir?: string; json?: boolean }) => {
      if (!o.yes)
        throw new UsageError(
          `deleting workspace ${o.workspace} removes all its data for good: add --yes to confirm`,
          '--yes',
        );
      const out = await withData(o.dataDir, {
        local: async (store) => {
          const workspace = await store.getWorkspace(o.workspace);
          if (!workspace) throw noWorkspace(o.workspace);
          // events a stopped server acknowledged wait in the journal: load them, so they go with the rest
          await loadJournal(store, cliConfig({ dataDir: o.dataDir }).dataDir);
          const removed = await deleteWorkspace(store, workspace.id);
          if (!removed) throw noWorkspace(o.workspace);
          return { workspace, removed };
        },
        remote: (server) =>
          server.call<{ workspace: Workspace; removed: Record<string, number> }>(
            'DELETE',
            `/api/workspaces/${pathId(o.workspace)}`,
          ),
        flags: { id: '--workspace' },
      });
      if (o.json)
        process.stdout.write(
          `${JSON.stringify({ id: out.workspace.id, removed: out.removed }, null, 2)}\n`,
        );
      else {
        const rows = Object.values(out.removed).reduce((a, b) => a + b, 0);
        process.stdout.write(
          `Deleted workspace "${out.workspace.name}" (${out.workspace.id}): ${rows} rows removed\n`,
        );
      }
    });
}
