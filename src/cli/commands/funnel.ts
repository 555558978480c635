// `closedloop funnel show|set`: a workspace's funnel (its milestones and each CRM's mapping to them) from
// the command line, on the store this process opens or through the running server's /api/funnel.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { changeFunnel } from '../../derive/funnel-change.js';
import { FunnelError, funnelFor, stockMappings } from '../../derive/funnel.js';
import { withData } from '../context.js';
import { UsageError } from '../errors.js';
import { ApiFailure } from '../server-client.js';

interface Common {
  workspace: string;
  dataDir?: string;
}

// the server's names for the fields it refuses, as this command's flags
const FLAGS = { 'x-closedloop-workspace': '--workspace' };

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (err) {
    throw new UsageError(`cannot read ${file} as JSON: ${(err as Error).message}`, 'FILE');
  }
}

export function register(program: Command): void {
  const funnel = program
    .command('funnel')
    .description("A workspace's funnel: its milestones and each CRM's mapping to them");

  funnel
    .command('show')
    .description("Print the workspace's funnel and each CRM's stock mapping (JSON)")
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--data-dir <dir>', 'data directory')
    .action(async (o: Common) => {
      const out = await withData<unknown>(o.dataDir, {
        local: async (store) => {
          if (!(await store.getWorkspace(o.workspace)))
            throw new UsageError(`no workspace with id "${o.workspace}"`, '--workspace');
          return { funnel: await funnelFor(store, o.workspace), stock: stockMappings() };
        },
        remote: async (server) => {
          const r = await server.call<{ funnel: unknown; stock: unknown }>('GET', '/api/funnel', {
            workspace: o.workspace,
          });
          return { funnel: r.funnel, stock: r.stock };
        },
        flags: FLAGS,
      });
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    });

  funnel
    .command('set')
    .description(
      'Replace the funnel from a JSON file (see docs/crm.md); re-derives CRM milestones and credits',
    )
    .argument('<file>', 'JSON file: {"milestones": [...], "crm": {"hubspot": {...}, ...}}')
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--data-dir <dir>', 'data directory')
    .action(async (file: string, o: Common) => {
      const input = await readJson(file);
      const out = await withData<unknown>(o.dataDir, {
        local: async (store) => {
          if (!(await store.getWorkspace(o.workspace)))
            throw new UsageError(`no workspace with id "${o.workspace}"`, '--workspace');
          try {
            return await changeFunnel(store, o.workspace, input);
          } catch (err) {
            if (err instanceof FunnelError) throw new UsageError(err.message, 'FILE');
            throw err;
          }
        },
        remote: async (server) => {
          try {
            return await server.call('PUT', '/api/funnel', { workspace: o.workspace, json: input });
          } catch (err) {
            // the same message the local path gives: the funnel's field, then the reason
            if (err instanceof ApiFailure && err.status === 400 && err.field !== undefined)
              throw new UsageError(`${err.field}: ${err.message}`, 'FILE');
            throw err;
          }
        },
        flags: FLAGS,
      });
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    });
}
