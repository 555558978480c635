import { join } from 'node:path';
import type { Command } from 'commander';
import {
  retryDeadLetters,
  RetryTargetError,
  type RetryOutcome,
} from '../../derive/dead-letter-retry.js';
import { journalBacklog } from '../../store/journal.js';
import type { LoaderStatus } from '../../store/journal-loader.js';
import type { DeadLetter, DeadLetterCounts } from '../../store/types.js';
import { cliConfig, printRows, withData } from '../context.js';
import { UsageError } from '../errors.js';

interface StatusOptions {
  workspace?: string;
  all?: boolean;
  limit: string;
  dataDir?: string;
  json?: boolean;
}

interface RetryOptions {
  workspace?: string;
  id?: string;
  dataDir?: string;
  json?: boolean;
}

function parseLimit(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new UsageError(`--limit must be a whole number from 1 to 1000, not "${s}"`, '--limit');
  return n;
}

const row = (d: DeadLetter) => ({
  id: d.id,
  workspace: d.workspaceId ?? '(unknown)',
  where: `${d.source}:${d.line}`,
  failed: d.failedAt,
  retried: d.retriedAt ?? '',
  reason: d.reason,
  preview: d.preview,
});

/** `closedloop ingest status|retry`: the journal's backlog and the dead letters (docs/dead-letters.md). */
export function register(program: Command): void {
  const ingest = program
    .command('ingest')
    .description(
      'The intake: what the journal still holds, and dead letters (lines that could not load)',
    );
  ingest
    .command('status')
    .description('Journal backlog and dead letters, with the reason and a preview of each')
    .option(
      '--workspace <id>',
      'only this workspace (dead letters too broken to name one are listed without it)',
    )
    .option('--all', 'also list dead letters a retry has loaded')
    .option('--limit <n>', 'how many dead letters to list, newest first', '100')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'machine-readable output')
    .action(async (o: StatusOptions) => {
      const limit = parseLimit(o.limit);
      const config = cliConfig(o.dataDir === undefined ? {} : { dataDir: o.dataDir });
      type Status = {
        journal: {
          pendingSegments: number;
          pendingBytes: number;
          oldestPendingSeconds: number | null;
        };
        deadLetters: DeadLetterCounts & { items: DeadLetter[] };
      };
      const status = await withData<Status>(o.dataDir, {
        local: async (store) => {
          if (o.workspace !== undefined && !(await store.getWorkspace(o.workspace)))
            throw new UsageError(`no workspace with id "${o.workspace}"`, '--workspace');
          const b = journalBacklog(join(config.dataDir, 'journal'));
          const journal = {
            pendingSegments: b.segments,
            pendingBytes: b.bytes,
            oldestPendingSeconds:
              b.oldestAt === null ? null : Math.round((Date.now() - b.oldestAt) / 1000),
          };
          const counts = await store.countDeadLetters(o.workspace);
          const items = await store.listDeadLetters({
            workspaceId: o.workspace,
            pendingOnly: !o.all,
            limit,
          });
          return { journal, deadLetters: { ...counts, items } };
        },
        remote: async (server) => {
          // the route is a workspace's: dead letters too broken to name one are listed only without a server
          if (o.workspace === undefined)
            throw new UsageError(
              'through the running server, name a workspace (GET /api/ingest/status is per workspace)',
              '--workspace',
            );
          const r = await server.call<{ loader: LoaderStatus; deadLetters: Status['deadLetters'] }>(
            'GET',
            '/api/ingest/status',
            {
              workspace: o.workspace,
              query: { limit: String(limit), include: o.all ? 'all' : 'pending' },
            },
          );
          const { pendingSegments, pendingBytes, oldestPendingSeconds } = r.loader;
          return {
            journal: { pendingSegments, pendingBytes, oldestPendingSeconds },
            deadLetters: r.deadLetters,
          };
        },
        flags: { 'x-closedloop-workspace': '--workspace', limit: '--limit' },
      });
      const { journal, deadLetters } = status;
      if (o.json) {
        process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        journal.pendingSegments === 0
          ? 'journal: empty (everything acknowledged is loaded)\n'
          : `journal: ${journal.pendingSegments} segment(s), ${journal.pendingBytes} bytes, not loaded yet (a running server loads them as they come, else when it starts)\n`,
      );
      process.stdout.write(
        `dead letters: ${deadLetters.pending} pending, ${deadLetters.retried} loaded by a retry\n`,
      );
      if (deadLetters.items.length > 0) printRows(deadLetters.items.map(row), false);
    });

  ingest
    .command('retry')
    .description(
      'Replay pending dead letters through the journal load path (after a fix); those that load are marked, the rest reported',
    )
    .option('--workspace <id>', 'only this workspace')
    .option('--id <id>', 'only this dead letter')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'machine-readable output')
    .action(async (o: RetryOptions) => {
      const filter = {
        ...(o.workspace !== undefined ? { workspaceId: o.workspace } : {}),
        ...(o.id !== undefined ? { id: o.id } : {}),
      };
      const r = await withData<RetryOutcome>(o.dataDir, {
        local: async (store) => {
          try {
            return await retryDeadLetters(store, filter);
          } catch (err) {
            if (err instanceof RetryTargetError)
              throw new UsageError(err.message, `--${err.field}`);
            throw err;
          }
        },
        // server-wide, as here: the admin route replays every workspace's letters, or the one named
        remote: (server) =>
          server.call<RetryOutcome>('POST', '/api/ingest/retry', {
            json: { workspace: o.workspace, id: o.id },
          }),
        flags: { workspace: '--workspace', id: '--id' },
      });
      if (o.json) {
        process.stdout.write(
          `${JSON.stringify({ loaded: r.loaded, inserted: r.inserted, failed: r.failed }, null, 2)}\n`,
        );
      } else {
        process.stdout.write(
          `${r.loaded.length} dead letter(s) loaded (${r.inserted} new event(s)), ${r.failed.length} still failing\n`,
        );
        for (const f of r.failed) process.stdout.write(`  ${f.id}: ${f.reason}\n`);
      }
      if (r.failed.length > 0) process.exitCode = 3;
    });
}
