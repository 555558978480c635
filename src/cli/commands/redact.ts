import type { Command } from 'commander';
import { cliConfig, printRows, withData } from '../context.js';
import { UsageError } from '../errors.js';
import type { ServerClient } from '../server-client.js';
import { redactWorkspace, type WorkspaceRedaction } from '../../derive/redact-stored.js';
import {
  ExtraParamName,
  getRedactionSettings,
  RedactionSettings,
  setRedactionSettings,
} from '../../derive/redaction-settings.js';
import { firstIssue } from '../../collect/envelope.js';
import type { Store } from '../../store/store.js';
import type { RedactionRun } from '../../store/types.js';

interface RedactOptions {
  workspace: string;
  names?: string;
  setParams?: string;
  identifyParam?: string | false;
  show?: boolean;
  dataDir?: string;
  json?: boolean;
}

const list = (s: string): string[] =>
  s
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);

/** What the command does to a workspace's redaction, on the store itself or through the server. */
interface Redaction {
  /** The workspace's settings, and the configuration's names that apply beside them. */
  settings(): Promise<RedactionSettings & { configParams: string[] }>;
  set(settings: RedactionSettings): Promise<void>;
  runs(): Promise<RedactionRun[]>;
  apply(names: string[]): Promise<WorkspaceRedaction>;
}

function onStore(store: Store, ws: string, configNames: string[]): Redaction {
  return {
    settings: async () => ({
      ...(await getRedactionSettings(store, ws)),
      configParams: configNames,
    }),
    set: (settings) => setRedactionSettings(store, ws, settings),
    runs: () => store.redactionRuns(ws),
    apply: (names) => redactWorkspace(store, ws, { configNames, names }),
  };
}

// the server's configuration applies there (its redactParams), and a change of settings reaches its live path
function throughServer(server: ServerClient, ws: string): Redaction {
  const call = <T>(method: string, path: string, json?: unknown) =>
    server.call<T>(method, `/api/privacy/redaction${path}`, { workspace: ws, json });
  return {
    settings: async () => {
      const s = await call<RedactionSettings & { configParams: string[] }>('GET', '');
      return { params: s.params, identifyParam: s.identifyParam, configParams: s.configParams };
    },
    set: async (settings) => void (await call('PUT', '', settings)),
    runs: async () => (await call<{ runs: RedactionRun[] }>('GET', '/runs')).runs,
    apply: (names) => call<WorkspaceRedaction>('POST', '/apply', { names }),
  };
}

export function register(program: Command): void {
  program
    .command('redact')
    .description(
      "Apply the URL redaction rules (built-in names, configuration, the workspace's settings, --names) to events already stored, then re-derive the workspace (docs/redaction.md)",
    )
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--names <list>', 'more parameter names to redact in this run, separated by commas')
    .option(
      '--set-params <list>',
      "store these names as the workspace's own (replacing them; '' clears), then redact",
    )
    .option(
      '--identify-param <name>',
      'store the campaign-link parameter that becomes an identify (e.g. cl_email), then redact',
    )
    .option('--no-identify-param', 'store that no parameter becomes an identify, then redact')
    .option('--show', "print the workspace's redaction settings and past runs; change nothing")
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'machine-readable output')
    .action(async (o: RedactOptions) => {
      const extra = o.names === undefined ? [] : list(o.names);
      for (const [i, n] of extra.entries()) {
        const r = ExtraParamName.safeParse(n);
        if (!r.success)
          throw new UsageError(
            `--names: "${n}" (name ${i + 1}): ${firstIssue(r.error).reason}`,
            '--names',
          );
      }
      const config = cliConfig(o.dataDir === undefined ? {} : { dataDir: o.dataDir });
      await withData(o.dataDir, {
        local: async (store) => {
          if (!(await store.getWorkspace(o.workspace)))
            throw new UsageError(`no workspace with id "${o.workspace}"`, '--workspace');
          await redact(onStore(store, o.workspace, config.redactParams), o, extra);
        },
        remote: (server) => redact(throughServer(server, o.workspace), o, extra),
        flags: {
          'x-closedloop-workspace': '--workspace',
          params: '--set-params',
          identifyParam: '--identify-param',
          names: '--names',
        },
      });
    });
}

async function redact(r: Redaction, o: RedactOptions, extra: string[]): Promise<void> {
  const current = await r.settings();
  if (o.show) {
    const runs = await r.runs();
    if (o.json) process.stdout.write(`${JSON.stringify({ ...current, runs }, null, 2)}\n`);
    else {
      process.stdout.write(
        `params: ${current.params.join(', ') || '(none)'}\nidentifyParam: ${current.identifyParam ?? '(none)'}\n`,
      );
      process.stdout.write(
        `from the configuration: ${current.configParams.join(', ') || '(none)'}\n\n`,
      );
      printRows(
        runs.map((run) => ({
          ranAt: run.ranAt,
          scope: run.scope,
          changed: run.rowsChanged,
          names: run.redactedNames.join(','),
        })),
        false,
      );
    }
    return;
  }
  // commander sets identifyParam to true when neither --identify-param nor --no-identify-param is given
  const identifyGiven = typeof o.identifyParam === 'string' || o.identifyParam === false;
  if (o.setParams !== undefined || identifyGiven) {
    const next = RedactionSettings.safeParse({
      params: o.setParams === undefined ? current.params : list(o.setParams),
      identifyParam: identifyGiven ? o.identifyParam || null : current.identifyParam,
    });
    if (!next.success) {
      const { field, reason } = firstIssue(next.error);
      throw new UsageError(
        `${field === 'identifyParam' ? '--identify-param' : '--set-params'}: ${reason}`,
        field,
      );
    }
    await r.set(next.data);
  }
  const run = await r.apply(extra);
  const row = {
    workspace: o.workspace,
    examined: run.rowsExamined,
    changed: run.rowsChanged,
    identifies: run.identifies,
    names: run.redactedNames.join(','),
    rederived: run.rederived ? 'yes' : 'no',
    audit: run.id,
  };
  if (o.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
  else printRows([row], false);
  process.stderr.write(
    `redact: workspace ${o.workspace}: ${run.rowsChanged} of ${run.rowsExamined} candidate events rewritten (audit ${run.id})\n`,
  );
}
