import type { Command } from 'commander';
import { rebuild, type DeriveSummary } from '../../derive/derive.js';
import type { Workspace } from '../../store/types.js';
import { printRows, withData } from '../context.js';
import { UsageError } from '../errors.js';

const row = (workspace: string, r: DeriveSummary, seconds: number) => ({
  workspace,
  sessions: r.sessions,
  persons: r.identity.persons,
  quarantined: r.identity.quarantined,
  merges: r.identity.merges,
  splits: r.identity.splits,
  leads: r.leads,
  seconds,
});

export function register(program: Command): void {
  program
    .command('rebuild')
    .description(
      'Re-derive sessions, channels, persons and milestones from the stored facts (all workspaces, or one)',
    )
    .option('--workspace <id>', 'only this workspace')
    .option('--data-dir <dir>', 'data directory')
    .option(
      '--memory-limit <size>',
      "cap on the engine's memory, e.g. 2GB (default: CLOSEDLOOP_MEMORY_LIMIT or half the machine)",
    )
    .option('--json', 'machine-readable output')
    .action(
      async (o: { workspace?: string; dataDir?: string; memoryLimit?: string; json?: boolean }) => {
        const pick = (all: Workspace[]) => {
          const targets = o.workspace ? all.filter((w) => w.id === o.workspace) : all;
          if (o.workspace && targets.length === 0)
            throw new UsageError(`no workspace with id "${o.workspace}"`, '--workspace');
          return targets;
        };
        const rows = await withData(o.dataDir, {
          local: async (store) => {
            const out = [];
            for (const w of pick(await store.listWorkspaces())) {
              const t = performance.now();
              const r = await rebuild(store, w.id);
              out.push(row(w.id, r, Number(((performance.now() - t) / 1000).toFixed(2))));
            }
            return out;
          },
          // the server's memory limit is its own: --memory-limit applies when this process opens the store
          remote: async (server) => {
            const out = [];
            for (const w of pick(
              (await server.call<{ workspaces: Workspace[] }>('GET', '/api/workspaces')).workspaces,
            )) {
              const r = await server.call<{ summary: DeriveSummary; seconds: number }>(
                'POST',
                `/api/workspaces/${encodeURIComponent(w.id)}/rebuild`,
              );
              out.push(row(w.id, r.summary, r.seconds));
            }
            return out;
          },
          flags: { id: '--workspace' },
          memoryLimit: o.memoryLimit,
        });
        printRows(rows, Boolean(o.json));
      },
    );
}
