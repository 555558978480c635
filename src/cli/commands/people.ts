// `closedloop people export|erase|erasures`: a person's data under GDPR Art. 15 and 17 (docs/privacy.md).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  erasePerson,
  exportPerson,
  PersonTargetError,
  type PersonExport,
  type PersonTarget,
} from '../../derive/person-privacy.js';
import type { Store } from '../../store/store.js';
import type { ErasureRecord, Workspace } from '../../store/types.js';
import { cliConfig, printRows, withData } from '../context.js';
import { UsageError } from '../errors.js';
import { loadJournal } from '../load-journal.js';
import type { ServerClient } from '../server-client.js';

interface TargetOptions {
  email?: string;
  person?: string;
  workspace?: string;
  dataDir?: string;
}

export function register(program: Command): void {
  const people = program
    .command('people')
    .description("A person's data: export it (GDPR Art. 15) or erase it (Art. 17)");
  const targetOptions = (c: Command) =>
    c
      .option(
        '--email <email>',
        'the person with this e-mail (also finds facts that name it but no person holds yet)',
      )
      .option('--person <id>', 'the person with this id (p_...)')
      .option(
        '--workspace <id>',
        'workspace id (optional when the data directory holds one workspace)',
      )
      .option('--data-dir <dir>', 'data directory');

  targetOptions(people.command('export'))
    .description('Write every fact and derived row about a person as JSON')
    .option(
      '--out <file>',
      'write to this file (created readable by its owner only) instead of stdout',
    )
    .action(async (o: TargetOptions & { out?: string }) => {
      const target = targetOf(o);
      const data = await withData(o.dataDir, {
        local: async (store) => {
          const ws = await workspaceOf(store, o.workspace);
          const data = await exportPerson(store, ws, target).catch(asUsage);
          if (!data)
            throw new UsageError(
              `nothing is stored about that ${describe(target)} in workspace ${ws}`,
              targetField(target),
            );
          return data;
        },
        remote: async (server) => {
          const ws = await remoteWorkspace(server, o.workspace);
          return 'email' in target
            ? server.call<PersonExport>('POST', '/api/people/export', {
                workspace: ws,
                json: target,
              })
            : server.call<PersonExport>(
                'GET',
                `/api/people/${encodeURIComponent(target.personId)}/export`,
                { workspace: ws },
              );
        },
        flags: FLAGS,
      });
      const json = `${JSON.stringify(data, null, 2)}\n`;
      if (o.out === undefined) {
        process.stdout.write(json);
        return;
      }
      writeFileSync(o.out, json, { mode: 0o600 });
      const rows = Object.values(data.counts).reduce((a, b) => a + b, 0);
      process.stderr.write(`wrote ${o.out}: ${rows} rows (${summary(data.counts)})\n`);
    });

  targetOptions(people.command('erase'))
    .description(
      "Remove a person's facts from every table, keep tombstones and an audit record, re-derive the workspace",
    )
    .option('--json', 'machine-readable output')
    .action(async (o: TargetOptions & { json?: boolean }) => {
      const target = targetOf(o);
      const dataDir = cliConfig(o.dataDir === undefined ? {} : { dataDir: o.dataDir }).dataDir;
      const { ws, erasure } = await withData(o.dataDir, {
        local: async (store) => {
          const ws = await workspaceOf(store, o.workspace);
          // the server is stopped; events it acknowledged but did not load yet wait in the journal
          const flush = () => loadJournal(store, dataDir);
          const erasure = await erasePerson(store, ws, target, { via: 'cli', flush }).catch(
            asUsage,
          );
          if (!erasure)
            throw new UsageError(
              `nothing is stored about that ${describe(target)} in workspace ${ws}`,
              targetField(target),
            );
          return { ws, erasure };
        },
        remote: async (server) => {
          const ws = await remoteWorkspace(server, o.workspace);
          const { erasure } = await ('email' in target
            ? server.call<{ erasure: ErasureRecord }>('POST', '/api/people/erase', {
                workspace: ws,
                json: target,
              })
            : server.call<{ erasure: ErasureRecord }>(
                'DELETE',
                `/api/people/${encodeURIComponent(target.personId)}`,
                { workspace: ws },
              ));
          return { ws, erasure };
        },
        flags: FLAGS,
      });
      if (o.json) process.stdout.write(`${JSON.stringify(erasure, null, 2)}\n`);
      else
        process.stdout.write(
          `erasure ${erasure.id} in workspace ${ws}: removed ${summary(erasure.rowCounts)}\n`,
        );
    });

  people
    .command('erasures')
    .description(
      'The audit record of past erasures (no personal data: when, and rows removed per table)',
    )
    .option(
      '--workspace <id>',
      'workspace id (optional when the data directory holds one workspace)',
    )
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'machine-readable output')
    .action(async (o: { workspace?: string; dataDir?: string; json?: boolean }) => {
      const erasures = await withData(o.dataDir, {
        local: async (store) => store.listErasures(await workspaceOf(store, o.workspace)),
        remote: async (server) => {
          const ws = await remoteWorkspace(server, o.workspace);
          return (
            await server.call<{ erasures: ErasureRecord[] }>('GET', '/api/people/erasures', {
              workspace: ws,
            })
          ).erasures;
        },
        flags: FLAGS,
      });
      const rows = erasures.map((e) => ({
        id: e.id,
        requestedAt: e.requestedAt,
        rederivedAt: e.rederivedAt,
        via: e.via,
        ...(o.json ? { rowCounts: e.rowCounts } : { removed: summary(e.rowCounts) }),
      }));
      printRows(rows, Boolean(o.json));
    });
}

function targetOf(o: TargetOptions): PersonTarget {
  if ((o.email === undefined) === (o.person === undefined))
    throw new UsageError('give exactly one of --email and --person', '--email');
  if (o.email !== undefined) return { email: o.email };
  if (o.person!.trim() === '') throw new UsageError('must not be empty', '--person');
  return { personId: o.person! };
}

const describe = (t: PersonTarget) => ('email' in t ? 'e-mail' : 'person id');
const targetField = (t: PersonTarget) => ('email' in t ? '--email' : '--person');

function asUsage(err: unknown): never {
  if (err instanceof PersonTargetError) throw new UsageError(err.message, `--${err.field}`);
  throw err;
}

// the server's names for what it refuses, as this command's flags
const FLAGS = { 'x-closedloop-workspace': '--workspace', id: '--person', email: '--email' };

/** The workspace named, or the only one the server holds. */
async function remoteWorkspace(server: ServerClient, id: string | undefined): Promise<string> {
  if (id !== undefined) return id;
  const all = (await server.call<{ workspaces: Workspace[] }>('GET', '/api/workspaces')).workspaces;
  if (all.length !== 1)
    throw new UsageError(
      `the data directory holds ${all.length} workspaces: name one`,
      '--workspace',
    );
  return all[0]!.id;
}

async function workspaceOf(store: Store, id: string | undefined): Promise<string> {
  if (id !== undefined) {
    if (!(await store.getWorkspace(id)))
      throw new UsageError(`no workspace with id "${id}"`, '--workspace');
    return id;
  }
  const all = await store.listWorkspaces();
  if (all.length !== 1)
    throw new UsageError(
      `the data directory holds ${all.length} workspaces: name one`,
      '--workspace',
    );
  return all[0]!.id;
}

const summary = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ') || 'no rows';
