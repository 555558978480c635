// `closedloop costs`: a workspace's cost mapping rules (docs/costs.md, "Mapping rules"), as
// `closedloop channels` keeps its channel rules. Beside a running server, through its API.
//   closedloop costs rules --workspace W [--json]
//   closedloop costs set-rules FILE --workspace W   (or --reset: no rules)
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { costMappingRulesFor, setCostMappingRules } from '../../derive/cost-mapping-settings.js';
import {
  CostRulesError,
  type CostMappingRule,
  type CostMappingRules,
} from '../../rules/cost-mapping.js';
import type { Store } from '../../store/store.js';
import { printRows, withData } from '../context.js';
import { UsageError } from '../errors.js';

const FLAGS = { 'x-closedloop-workspace': '--workspace', '*': 'file' };

async function workspaceIn(store: Store, ws: string): Promise<void> {
  if (!(await store.getWorkspace(ws)))
    throw new UsageError(`no workspace with id "${ws}"`, '--workspace');
}

const table = (rules: readonly CostMappingRule[]) =>
  rules.map((r, i) => ({
    '#': i + 1,
    id: r.id,
    when: `${r.field} ${r.op} ${JSON.stringify(r.value)}`,
    platform: r.platform,
    campaign: r.campaign,
    'ad group': r.adGroup ?? '',
  }));

export function register(program: Command): void {
  const costs = program.command('costs').description("A workspace's cost mapping rules");
  costs
    .command('rules')
    .description('List the cost mapping rules in the order they are tried')
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'print JSON')
    .action(async (opts: { workspace: string; dataDir?: string; json?: boolean }) => {
      const { rules } = await withData<CostMappingRules>(opts.dataDir, {
        local: async (store) => {
          await workspaceIn(store, opts.workspace);
          return { rules: await costMappingRulesFor(store, opts.workspace) };
        },
        remote: (server) =>
          server.call<CostMappingRules>('GET', '/api/cost-mapping-rules', {
            workspace: opts.workspace,
          }),
        flags: FLAGS,
      });
      if (opts.json) process.stdout.write(`${JSON.stringify({ rules }, null, 2)}\n`);
      else printRows(table(rules), false);
    });
  costs
    .command('set-rules [file]')
    .description(
      'Replace a workspace\'s cost mapping rules with a JSON file ({ "rules": [...] }), or --reset to none; they apply to all history at once',
    )
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--reset', 'remove every rule')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'print JSON')
    .action(
      async (
        file: string | undefined,
        opts: { workspace: string; reset?: boolean; dataDir?: string; json?: boolean },
      ) => {
        if (!file && !opts.reset) throw new UsageError('give a rules file, or --reset', 'file');
        let input: unknown = { rules: [] };
        if (file) {
          try {
            input = JSON.parse(await readFile(file, 'utf8')) as unknown;
          } catch (err) {
            throw new UsageError(`cannot read ${file} as JSON: ${(err as Error).message}`, 'file');
          }
        }
        const { rules } = await withData<CostMappingRules>(opts.dataDir, {
          local: async (store) => {
            await workspaceIn(store, opts.workspace);
            try {
              return await setCostMappingRules(store, opts.workspace, input);
            } catch (err) {
              if (err instanceof CostRulesError) throw new UsageError(err.message, 'file');
              throw err;
            }
          },
          remote: (server) =>
            server.call<CostMappingRules>('PUT', '/api/cost-mapping-rules', {
              workspace: opts.workspace,
              json: input,
            }),
          flags: FLAGS,
        });
        if (opts.json) process.stdout.write(`${JSON.stringify({ rules }, null, 2)}\n`);
        else process.stdout.write(`${rules.length} cost mapping rule(s) in effect.\n`);
      },
    );
}
