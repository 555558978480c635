// `closedloop inspect <view>`: a workspace's derived rows as they are stored (derive/inspect-views.ts), on
// the store itself or through the running server's GET /api/inspect/<view>. Read-only.
import type { Command } from 'commander';
import {
  INSPECT_VIEWS,
  InspectParamError,
  InspectQuery,
  type InspectRow,
} from '../../derive/inspect-views.js';
import { printRows, withData } from '../context.js';
import { UsageError } from '../errors.js';

interface Flags {
  workspace: string;
  dataDir?: string;
  json?: boolean;
  anonymousId?: string;
  person?: string;
  limit?: string;
}

// the query's fields as this command's flags (the server names the field it refuses)
const FLAGS: Record<keyof InspectQuery, string> = {
  anonymousId: '--anonymous-id',
  person: '--person',
  limit: '--limit',
};

/** The flags given, as the query string both paths read. */
function queryOf(flags: Flags): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(FLAGS) as (keyof InspectQuery)[])
      .filter((k) => flags[k] !== undefined)
      .map((k) => [k, String(flags[k])]),
  );
}

export function register(program: Command): void {
  const inspect = program
    .command('inspect')
    .description("A workspace's derived rows as stored: why a number is what it is (read-only)");
  const help = InspectQuery.shape;
  for (const view of INSPECT_VIEWS) {
    inspect
      .command(view.name)
      .description(view.description)
      .requiredOption('--workspace <id>', 'workspace id')
      .option('--anonymous-id <id>', help.anonymousId.description)
      .option('--person <id>', help.person.description)
      .option('--limit <n>', help.limit.description)
      .option('--data-dir <dir>', 'data directory')
      .option('--json', 'print JSON')
      .action(async (flags: Flags) => {
        const query = queryOf(flags);
        const rows = await withData(flags.dataDir, {
          local: async (store) => {
            const q = InspectQuery.safeParse(query);
            if (!q.success) {
              const issue = q.error.issues[0]!;
              throw new UsageError(issue.message, FLAGS[issue.path[0] as keyof InspectQuery]);
            }
            if (!(await store.getWorkspace(flags.workspace)))
              throw new UsageError(`no workspace with id "${flags.workspace}"`, '--workspace');
            try {
              return await view.run(store, flags.workspace, q.data);
            } catch (err) {
              if (err instanceof InspectParamError)
                throw new UsageError(err.reason, FLAGS[err.field]);
              throw err;
            }
          },
          remote: async (server) =>
            (
              await server.call<{ rows: InspectRow[] }>('GET', `/api/inspect/${view.name}`, {
                workspace: flags.workspace,
                query,
              })
            ).rows,
          flags: { ...FLAGS, 'x-closedloop-workspace': '--workspace' },
        });
        printRows(rows, Boolean(flags.json));
      });
  }
}
