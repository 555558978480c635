// `closedloop report <name>`: one sub-command per report of the registry, its flags made from the
// report's parameter schema (the same schema the HTTP route reads), so a new report needs no CLI code.
import type { Command } from 'commander';
import type { z } from 'zod';
import { REPORTS, ReportParamError, type Report } from '../../reports/index.js';
import { writeFile } from 'node:fs/promises';
import { Format, REPORT_FORMATS, renderReport, type ReportFormat } from '../../reports/output.js';
import { printRows, withData } from '../context.js';
import { UsageError } from '../errors.js';

const kebab = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The flags of a report: one `--kebab-name <value>` per schema key, described by the schema. */
function addFlags(cmd: Command, report: Report): void {
  for (const [key, schema] of Object.entries(report.params.shape)) {
    cmd.option(`${kebab(key)} <value>`, (schema as z.ZodType).description ?? key);
  }
}

/** The report's parameters from the flags, checked by its schema; a refusal names the flag. */
function paramsFrom(report: Report, flags: Record<string, unknown>): z.output<Report['params']> {
  const values = Object.fromEntries(
    Object.keys(report.params.shape)
      .filter((k) => flags[k] !== undefined)
      .map((k) => [k, flags[k]]),
  );
  const r = report.params.safeParse(values);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const key = issue.path[0];
  throw new UsageError(
    issue.message,
    typeof key === 'string' ? kebab(key) : `report ${report.name}`,
  );
}

/** `--format` (or `--json`), checked before the report runs; undefined for the text table. */
function formatOf(flags: {
  json?: boolean;
  format?: string;
  output?: string;
}): ReportFormat | undefined {
  if (flags.format === undefined) return flags.json ? 'json' : undefined;
  const r = Format.safeParse(flags.format);
  if (!r.success) throw new UsageError(`must be one of ${REPORT_FORMATS.join(', ')}`, '--format');
  if (r.data === 'parquet' && !flags.output && process.stdout.isTTY)
    throw new UsageError('Parquet is binary: give --output FILE or redirect', '--format');
  return r.data;
}

export function register(program: Command): void {
  const parent = program
    .command('report')
    .description('Run a report on a workspace (the same reports as GET /api/reports/<name>)');
  for (const report of REPORTS) {
    const cmd = parent
      .command(report.name)
      .description(report.summary)
      .requiredOption('--workspace <id>', 'workspace id');
    addFlags(cmd, report);
    cmd
      .option('--data-dir <dir>', 'data directory')
      .option('--json', 'print the whole result as JSON (as --format json)')
      .option('--format <format>', `${REPORT_FORMATS.join(', ')} (default: a text table)`)
      .option('--output <file>', 'write the result to this file instead of standard output')
      .action(
        async (
          flags: Record<string, unknown> & {
            workspace: string;
            dataDir?: string;
            json?: boolean;
            format?: string;
            output?: string;
          },
        ) => {
          const params = paramsFrom(report, flags);
          const format = formatOf(flags);
          const keys = Object.keys(report.params.shape);
          const result = await withData(flags.dataDir, {
            local: async (store) => {
              if (!(await store.getWorkspace(flags.workspace)))
                throw new UsageError(`no workspace with id "${flags.workspace}"`, '--workspace');
              try {
                return await report.run({ store, workspaceId: flags.workspace }, params);
              } catch (err) {
                if (err instanceof ReportParamError)
                  throw new UsageError(err.reason, kebab(err.field.split('.')[0]!));
                throw err;
              }
            },
            // the same route and schema: the flags go as they were given, the server parses them
            remote: (server) =>
              server.call<Awaited<ReturnType<typeof report.run>>>(
                'GET',
                `/api/reports/${report.name}`,
                {
                  workspace: flags.workspace,
                  query: Object.fromEntries(
                    keys.filter((k) => flags[k] !== undefined).map((k) => [k, String(flags[k])]),
                  ),
                },
              ),
            flags: {
              ...Object.fromEntries(keys.map((k) => [k, kebab(k)])),
              'x-closedloop-workspace': '--workspace',
            },
          });
          if (format === 'json' && !flags.output) {
            process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
            return;
          }
          if (format) {
            // beside a server the result came as JSON: its table is rendered here, as the route does
            const out = await renderReport(report, result, params, format);
            if (flags.output) await writeFile(flags.output, out.body);
            else process.stdout.write(out.body);
            return;
          }
          const { headline, rows } = report.table(result, params);
          if (headline) process.stdout.write(`${headline}\n\n`);
          printRows(rows, false);
        },
      );
  }
}
