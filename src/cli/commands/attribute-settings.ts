// `closedloop attribute settings`: a workspace's attribution settings from the command line (the reports
// themselves are `closedloop report <name>`, from the report registry).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { changeAttributionSettings } from '../../derive/attribution-report.js';
import {
  AttributionSettingsError,
  attributionSettingsFor,
} from '../../derive/attribution-settings.js';
import type { Store } from '../../store/store.js';
import { withData } from '../context.js';
import { UsageError } from '../errors.js';
import { ApiFailure, type ServerClient } from '../server-client.js';

interface Common {
  workspace: string;
  dataDir?: string;
  json?: boolean;
}

// the server's names for the fields it refuses, as this command's flags
const FLAGS = { 'x-closedloop-workspace': '--workspace' };

/** Runs on the store this process opens, or through the running server on the workspace's own routes. */
async function inWorkspace<T>(
  o: Common,
  local: (store: Store) => Promise<T>,
  remote: (server: ServerClient) => Promise<T>,
): Promise<T> {
  return withData(o.dataDir, {
    local: async (store) => {
      if (!(await store.getWorkspace(o.workspace)))
        throw new UsageError(`no workspace with id "${o.workspace}"`, '--workspace');
      return local(store);
    },
    remote,
    flags: FLAGS,
  });
}

export function registerSettings(attribute: Command): void {
  attribute
    .command('settings')
    .description(
      "Show a workspace's attribution settings, or replace them from a JSON file (re-credits the workspace)",
    )
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--set <file>', 'JSON file with the new settings (see docs/attribution.md)')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'print JSON')
    .action(async (o: Common & { set?: string }) => {
      let input: unknown;
      if (o.set !== undefined) {
        try {
          input = JSON.parse(await readFile(o.set, 'utf8')) as unknown;
        } catch (err) {
          throw new UsageError(`cannot read ${o.set} as JSON: ${(err as Error).message}`, '--set');
        }
      }
      const out = await inWorkspace<unknown>(
        o,
        async (store) => {
          if (o.set === undefined)
            return { settings: await attributionSettingsFor(store, o.workspace) };
          try {
            return await changeAttributionSettings(store, o.workspace, input);
          } catch (err) {
            if (err instanceof AttributionSettingsError)
              throw new UsageError(`${err.field}: ${err.reason}`, '--set');
            throw err;
          }
        },
        async (server) => {
          if (o.set === undefined)
            return {
              settings: (
                await server.call<{ settings: unknown }>('GET', '/api/attribution/settings', {
                  workspace: o.workspace,
                })
              ).settings,
            };
          try {
            return await server.call('PUT', '/api/attribution/settings', {
              workspace: o.workspace,
              json: input,
            });
          } catch (err) {
            // the same message the local path gives: the settings field, then the reason
            if (err instanceof ApiFailure && err.status === 400 && err.code === 'invalid_settings')
              throw new UsageError(`${err.field}: ${err.message}`, '--set');
            throw err;
          }
        },
      );
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    });
}
