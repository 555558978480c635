import type { Command } from 'commander';
import { cliConfig, printRows, withStore } from '../context.js';
import { UsageError } from '../errors.js';
import { rebuild } from '../../derive/derive.js';
import { redactStored } from '../../derive/redact-stored.js';
import {
  getRedactionSettings,
  RedactionSettings,
  setRedactionSettings,
} from '../../derive/redaction-settings.js';
import { firstIssue } from '../../collect/envelope.js';

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
        const r = RedactionSettings.safeParse({ params: [n] });
        if (!r.success)
          throw new UsageError(
            `--names: "${n}" (name ${i + 1}): ${firstIssue(r.error).reason}`,
            '--names',
          );
      }
      const config = cliConfig(o.dataDir === undefined ? {} : { dataDir: o.dataDir });
      await withStore(
        o.dataDir,
        async (store) => {
          if (!(await store.getWorkspace(o.workspace)))
            throw new UsageError(`no workspace with id "${o.workspace}"`, '--workspace');
          const current = await getRedactionSettings(store, o.workspace);
          if (o.show) {
            const runs = await store.redactionRuns(o.workspace);
            const shown = { ...current, configParams: config.redactParams, runs };
            if (o.json) process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
            else {
              process.stdout.write(
                `params: ${current.params.join(', ') || '(none)'}\nidentifyParam: ${current.identifyParam ?? '(none)'}\n`,
              );
              process.stdout.write(
                `from the configuration: ${config.redactParams.join(', ') || '(none)'}\n\n`,
              );
              printRows(
                runs.map((r) => ({
                  ranAt: r.ranAt,
                  scope: r.scope,
                  changed: r.rowsChanged,
                  names: r.redactedNames.join(','),
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
            await setRedactionSettings(store, o.workspace, next.data);
          }
          const run = await redactStored(store, o.workspace, {
            configNames: config.redactParams,
            names: extra,
          });
          // the facts changed: re-derive what they feed (landing URLs of sessions, and everything after)
          const derived =
            run.rowsChanged > 0 || run.identifies > 0
              ? await rebuild(store, o.workspace)
              : undefined;
          const row = {
            workspace: o.workspace,
            examined: run.rowsExamined,
            changed: run.rowsChanged,
            identifies: run.identifies,
            names: run.redactedNames.join(','),
            rederived: derived ? 'yes' : 'no',
            audit: run.id,
          };
          if (o.json)
            process.stdout.write(
              `${JSON.stringify({ ...run, rederived: Boolean(derived) }, null, 2)}\n`,
            );
          else printRows([row], false);
          process.stderr.write(
            `redact: workspace ${o.workspace}: ${run.rowsChanged} of ${run.rowsExamined} candidate events rewritten (audit ${run.id})\n`,
          );
        },
        undefined,
        'no HTTP route rewrites stored events yet; PUT /api/privacy/redaction changes the settings for new events',
      );
    });
}
