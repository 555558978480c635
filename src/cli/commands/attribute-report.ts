// `closedloop attribute report | compare | settings`: a workspace's stored credits from the command line.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  ALL_MODEL_NAMES,
  attributionReport,
  changeAttributionSettings,
  compareModels,
  ReportError,
} from '../../model/attribution-report.js';
import {
  AttributionSettingsError,
  attributionSettingsFor,
} from '../../model/attribution-settings.js';
import type { StoredModelName } from '../../model/attribution-credits.js';
import type { Store } from '../../store/store.js';
import { CREDIT_DIMENSIONS, type CreditDimension } from '../../store/types.js';
import { printRows, withData } from '../context.js';
import { UsageError } from '../errors.js';
import { ApiFailure, type ServerClient } from '../server-client.js';

interface Common {
  workspace: string;
  dataDir?: string;
  json?: boolean;
}

function dimensions(text: string): CreditDimension[] {
  const dims = text
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  for (const d of dims) {
    if (!(CREDIT_DIMENSIONS as readonly string[]).includes(d))
      throw new UsageError(
        `unknown dimension "${d}" (one of ${CREDIT_DIMENSIONS.join(', ')})`,
        '--by',
      );
  }
  return dims as CreditDimension[];
}

function instant(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  if (Number.isNaN(t))
    throw new UsageError(`must be an ISO 8601 date or time, got "${text}"`, flag);
  return t;
}

// the server's names for the fields it refuses, as this command's flags
const FLAGS = {
  lookbackDays: '--lookback-days',
  excludeChannels: '--exclude',
  groupBy: '--by',
  model: '--model',
  from: '--from',
  to: '--to',
  'x-closedloop-workspace': '--workspace',
};

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

const round = (x: number) => Math.round(x * 100) / 100;

export function registerReports(attribute: Command): void {
  attribute
    .command('report')
    .description(
      "A workspace's credited conversions and value under one model, grouped by touch dimensions",
    )
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--model <name>', `one of ${ALL_MODEL_NAMES.join(', ')}`, 'linear')
    .option('--by <dims>', `comma list of: ${CREDIT_DIMENSIONS.join(', ')}`, 'channel')
    .option('--from <date>', 'conversions at or after')
    .option('--to <date>', 'conversions before')
    .option('--lookback-days <n>', 'for this report only (computed, not stored)')
    .option('--exclude <channels>', 'comma list of channels to drop, for this report only')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'print JSON')
    .action(
      async (
        o: Common & {
          model: string;
          by: string;
          from?: string;
          to?: string;
          lookbackDays?: string;
          exclude?: string;
        },
      ) => {
        if (!(ALL_MODEL_NAMES as readonly string[]).includes(o.model))
          throw new UsageError(
            `unknown model "${o.model}" (one of ${ALL_MODEL_NAMES.join(', ')})`,
            '--model',
          );
        const overrides: Record<string, unknown> = {};
        if (o.lookbackDays !== undefined) overrides.lookbackDays = Number(o.lookbackDays);
        if (o.exclude !== undefined)
          overrides.excludeChannels = o.exclude
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean);
        const from = instant(o.from, '--from');
        const to = instant(o.to, '--to');
        const report = await inWorkspace(
          o,
          async (store) => {
            try {
              return await attributionReport(store, o.workspace, {
                model: o.model as StoredModelName,
                groupBy: dimensions(o.by),
                ...(from !== undefined ? { from } : {}),
                ...(to !== undefined ? { to } : {}),
                overrides,
              });
            } catch (err) {
              if (err instanceof ReportError || err instanceof AttributionSettingsError) {
                const flag =
                  (FLAGS as Record<string, string>)[err.field.split('.')[0]!] ?? err.field;
                throw new UsageError(err.reason, flag);
              }
              throw err;
            }
          },
          (server) =>
            server.call<Awaited<ReturnType<typeof attributionReport>>>(
              'GET',
              '/api/reports/attribution',
              {
                workspace: o.workspace,
                query: {
                  model: o.model,
                  groupBy: o.by,
                  from: o.from,
                  to: o.to,
                  lookbackDays: o.lookbackDays,
                  excludeChannels: o.exclude,
                },
              },
            ),
        );
        if (o.json) {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `${report.model}, ${report.milestone} conversions, lookback ${report.settings.lookbackDays} days${report.stored ? '' : ' (computed for this report)'}: ${round(report.totals.conversions)} conversions, ${round(report.totals.value)} value\n\n`,
        );
        printRows(
          report.rows.map((r) => ({
            ...r.key,
            conversions: round(r.conversions),
            value: round(r.value),
            'conversions touched': r.touchedConversions,
          })),
          false,
        );
      },
    );

  attribute
    .command('compare')
    .description('Every stored model side by side: credited conversions per group')
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--by <dims>', `comma list of: ${CREDIT_DIMENSIONS.join(', ')}`, 'channel')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'print JSON')
    .action(async (o: Common & { by: string }) => {
      const dims = dimensions(o.by);
      const result = await inWorkspace(
        o,
        (store) => compareModels(store, o.workspace, dims),
        (server) =>
          server.call<Awaited<ReturnType<typeof compareModels>>>(
            'GET',
            '/api/reports/model-comparison',
            { workspace: o.workspace, query: { groupBy: o.by } },
          ),
      );
      if (o.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      // one row per group, one column per model
      const groups = new Map<string, Record<string, unknown>>();
      for (const [model, rows] of Object.entries(result.models)) {
        for (const r of rows) {
          const k = JSON.stringify(r.key);
          const row = groups.get(k) ?? { ...r.key };
          row[model] = round(r.conversions);
          groups.set(k, row);
        }
      }
      const models = Object.keys(result.models);
      printRows(
        [...groups.values()].map((g) => ({
          ...Object.fromEntries(dims.map((d) => [d, g[d]])),
          ...Object.fromEntries(models.map((m) => [m, g[m] ?? 0])),
        })),
        false,
      );
    });

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
