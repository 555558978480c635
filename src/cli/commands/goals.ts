// `closedloop goals`: a workspace's goals (docs/reports.md, "goals"), as `closedloop costs` keeps its
// mapping rules. Beside a running server, through its API.
//   closedloop goals show --workspace W [--json]
//   closedloop goals set FILE --workspace W   (a JSON file { "goals": [...] })
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { goalsFor, GoalsError, setGoals, type GoalFile } from '../../derive/goal-settings.js';
import type { Store } from '../../store/store.js';
import { printRows, withData } from '../context.js';
import { UsageError } from '../errors.js';

const FLAGS = { 'x-closedloop-workspace': '--workspace', '*': 'file' };

async function workspaceIn(store: Store, ws: string): Promise<void> {
  if (!(await store.getWorkspace(ws)))
    throw new UsageError(`no workspace with id "${ws}"`, '--workspace');
}

const print = (file: GoalFile, json: boolean | undefined) => {
  if (json) process.stdout.write(`${JSON.stringify(file, null, 2)}\n`);
  else printRows(file.goals, false);
};

export function register(program: Command): void {
  const goals = program
    .command('goals')
    .description("A workspace's targets per period (progress: closedloop report goals)");
  goals
    .command('show')
    .description('List the goals')
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'print JSON')
    .action(async (opts: { workspace: string; dataDir?: string; json?: boolean }) => {
      const file = await withData<GoalFile>(opts.dataDir, {
        local: async (store) => {
          await workspaceIn(store, opts.workspace);
          return { goals: await goalsFor(store, opts.workspace) };
        },
        remote: (server) =>
          server.call<GoalFile>('GET', '/api/goals', { workspace: opts.workspace }),
        flags: FLAGS,
      });
      print(file, opts.json);
    });
  goals
    .command('set <file>')
    .description(
      'Replace the goals with a JSON file: { "goals": [{ "period": "2026-03", "metric": "leads", "target": 120 }] } (metrics: leads, pipeline, revenue, cpl; periods: YYYY-MM or YYYY-Qn)',
    )
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { workspace: string; dataDir?: string; json?: boolean }) => {
      let input: unknown;
      try {
        input = JSON.parse(await readFile(file, 'utf8')) as unknown;
      } catch (err) {
        throw new UsageError(`cannot read ${file} as JSON: ${(err as Error).message}`, 'file');
      }
      const saved = await withData<GoalFile>(opts.dataDir, {
        local: async (store) => {
          await workspaceIn(store, opts.workspace);
          try {
            return await setGoals(store, opts.workspace, input);
          } catch (err) {
            if (err instanceof GoalsError) throw new UsageError(err.message, 'file');
            throw err;
          }
        },
        remote: (server) =>
          server.call<GoalFile>('PUT', '/api/goals', { workspace: opts.workspace, json: input }),
        flags: FLAGS,
      });
      if (opts.json) print(saved, true);
      else process.stdout.write(`${saved.goals.length} goal(s) set.\n`);
    });
}
