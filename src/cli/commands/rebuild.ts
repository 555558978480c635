import type { Command } from 'commander';
import { rebuild } from '../../model/derive.js';
import { printRows, withStore } from '../context.js';
import { UsageError } from '../errors.js';

export function register(program: Command): void {
  program
    .command('rebuild')
    .description('Re-derive sessions, channels, persons and milestones from the stored facts (all workspaces, or one)')
    .option('--workspace <id>', 'only this workspace')
    .option('--data-dir <dir>', 'data directory')
    .option('--memory-limit <size>', 'cap on the engine\'s memory, e.g. 2GB (default: CLOSEDLOOP_MEMORY_LIMIT or half the machine)')
    .option('--json', 'machine-readable output')
    .action(async (o: { workspace?: string; dataDir?: string; memoryLimit?: string; json?: boolean }) => {
      await withStore(o.dataDir, async (store) => {
        const all = await store.listWorkspaces();
        const targets = o.workspace ? all.filter((w) => w.id === o.workspace) : all;
        if (o.workspace && targets.length === 0) throw new UsageError(`no workspace with id "${o.workspace}"`, '--workspace');
        const rows = [];
        for (const w of targets) {
          const t = performance.now();
          const r = await rebuild(store, w.id);
          rows.push({
            workspace: w.id,
            sessions: r.sessions,
            persons: r.identity.persons,
            quarantined: r.identity.quarantined,
            merges: r.identity.merges,
            splits: r.identity.splits,
            leads: r.leads,
            seconds: Number(((performance.now() - t) / 1000).toFixed(2)),
          });
        }
        printRows(rows, Boolean(o.json));
      }, o.memoryLimit, 'no HTTP route re-derives a workspace yet');
    });
}
