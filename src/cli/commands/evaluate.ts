/**
 * `closedloop evaluate --truth FILE`: every model against the true incremental leads, revenue and
 * pipeline of a simulated world. The world is simulated again from the run recorded in the truth file
 * (same seed and arguments give the same events and CRM), imported into a scratch store (its events as
 * `import events`, its CRM as the CRM CSV through `import crm`'s code path), derived and credited
 * exactly as a real workspace is: leads, then the `customer` milestone valued at the won amounts
 * (revenue), then `opportunity` valued at the pipeline amounts. Credited shares per channel are then
 * compared with the true shares.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { firstIssue } from '../../collect/envelope.js';
import { changeAttributionSettings, compareModels } from '../../derive/attribution-report.js';
import { attributionSettingsFor } from '../../derive/attribution-settings.js';
import { importCrm } from '../../derive/crm-import.js';
import { rebuild } from '../../derive/derive.js';
import {
  allocationError,
  rankEvaluations,
  type ChannelAmount,
  type ModelEvaluation,
} from '../../derive/evaluate.js';
import { CHANNELS, CRM_PROFILE_NAMES, simulate, type ChannelId } from '../../sim/index.js';
import { openStore } from '../../store/open.js';
import type { CreditGroup } from '../../store/types.js';
import { createWorkspace } from '../../workspaces/create.js';
import { cliConfig, printRows } from '../context.js';
import { UsageError } from '../errors.js';
import { SIM_CRM_CSV, crmCsvSimWriter } from '../sim-crm-csv.js';

const TruthFile = z.object({
  run: z.object({
    seed: z.number().int(),
    days: z.number().int().positive(),
    visitorsPerDay: z.number().int().positive(),
    end: z.string(),
    channelsOff: z
      .array(
        z.custom<ChannelId>(
          (v) => typeof v === 'string' && (CHANNELS as readonly string[]).includes(v),
          'unknown channel',
        ),
      )
      .default([]),
    crm: z.enum(CRM_PROFILE_NAMES as [string, ...string[]]).optional(),
  }),
  totals: z.object({
    leads: z.number(),
    wonDeals: z.number(),
    revenue: z.number(),
    pipeline: z.number().optional(),
  }),
  channels: z.record(
    z.string(),
    z.object({
      ga4ChannelGroup: z.string(),
      incrementalLeads: z.number(),
      incrementalRevenue: z.number(),
      // truth files written before the pipeline was simulated have none
      incrementalPipeline: z.number().optional(),
    }),
  ),
});
type Truth = z.output<typeof TruthFile>;

export interface EvaluateOptions {
  truth: string;
  lookbackDays?: number;
  onStep?: (step: string) => void;
}

export interface EvaluateResult {
  world: {
    seed: number;
    days: number;
    visitorsPerDay: number;
    end: string;
    leads: number;
    wonDeals: number;
    revenue: number;
    pipeline: number | null;
    crm: string;
  };
  lookbackDays: number;
  truth: { leads: ChannelAmount[]; revenue: ChannelAmount[]; pipeline: ChannelAmount[] | null };
  models: ModelEvaluation[];
}

async function readTruth(path: string): Promise<Truth> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (err) {
    throw new UsageError(`cannot read ${path} as JSON: ${(err as Error).message}`, '--truth');
  }
  const r = TruthFile.safeParse(raw);
  if (!r.success) {
    const { field, reason } = firstIssue(r.error);
    throw new UsageError(`${path} is not a simulator truth file: ${field}: ${reason}`, '--truth');
  }
  return r.data;
}

/** Sums the truth's channels into the GA4 groups the product reports. */
function truthByGroup(
  t: Truth,
  key: 'incrementalLeads' | 'incrementalRevenue' | 'incrementalPipeline',
): ChannelAmount[] {
  const m = new Map<string, number>();
  for (const c of Object.values(t.channels))
    m.set(c.ga4ChannelGroup, (m.get(c.ga4ChannelGroup) ?? 0) + (c[key] ?? 0));
  return [...m]
    .map(([channel, amount]) => ({ channel, amount }))
    .sort((a, b) => b.amount - a.amount);
}

/** Credited value (or conversions) per channel of each model. */
function perModel(
  models: Record<string, CreditGroup[]>,
  what: 'conversions' | 'value',
): Map<string, ChannelAmount[]> {
  return new Map(
    Object.entries(models).map(([model, rows]) => [
      model,
      rows.map((r) => ({ channel: String(r.key['channel']), amount: r[what] })),
    ]),
  );
}

export async function runEvaluate(o: EvaluateOptions): Promise<EvaluateResult> {
  const truth = await readTruth(o.truth);
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-evaluate-'));
  const store = await openStore(join(dir, 'store'), { memoryLimit: cliConfig().memoryLimit }); // CLOSEDLOOP_MEMORY_LIMIT or the config file
  try {
    o.onStep?.(
      `simulating seed ${truth.run.seed}, ${truth.run.days} days, ${truth.run.visitorsPerDay} visitors/day`,
    );
    const crmCsv = crmCsvSimWriter(join(dir, 'world', SIM_CRM_CSV));
    const run = { ...truth.run, crm: truth.run.crm as 'default' | undefined };
    const sim = await simulate(run, { outDir: join(dir, 'world'), extraWriters: [crmCsv] });
    if (
      sim.record.leads.total !== truth.totals.leads ||
      sim.record.crm.dealsWon !== truth.totals.wonDeals
    ) {
      throw new UsageError(
        `the world simulated again does not match the truth file (leads ${sim.record.leads.total} vs ${truth.totals.leads}): was it written by another version?`,
        '--truth',
      );
    }
    const { workspace: ws } = await createWorkspace(store, {
      name: 'evaluation',
      currency: 'USD',
      timezone: 'UTC',
    });
    o.onStep?.('importing events and the CRM CSV, deriving');
    await store.importEventsFile(ws.id, join(dir, 'world', 'events.ndjson'));
    const crm = await importCrm(store, ws.id, createReadStream(crmCsv.file.path), {
      derive: false,
    });
    if (crm.errorCount > 0)
      throw new Error(`the simulator's CRM CSV has errors: ${JSON.stringify(crm.errors[0])}`);
    await rebuild(store, ws.id);
    if (o.lookbackDays !== undefined)
      await changeAttributionSettings(store, ws.id, { lookbackDays: o.lookbackDays });
    const settings = await attributionSettingsFor(store, ws.id);

    o.onStep?.('crediting leads');
    const leads = perModel((await compareModels(store, ws.id, ['channel'])).models, 'conversions');
    // revenue: the customer milestone, valued at the won deal's amount
    o.onStep?.('crediting revenue (customers at won amounts)');
    await changeAttributionSettings(store, ws.id, { conversion: 'customer' });
    const revenue = perModel((await compareModels(store, ws.id, ['channel'])).models, 'value');
    // pipeline: the opportunity milestone, valued at the opened deal's amount
    o.onStep?.('crediting pipeline (opportunities at deal amounts)');
    await changeAttributionSettings(store, ws.id, { conversion: 'opportunity' });
    const pipeline = perModel((await compareModels(store, ws.id, ['channel'])).models, 'value');

    const hasPipeline = Object.values(truth.channels).every(
      (c) => c.incrementalPipeline !== undefined,
    );
    const trueLeads = truthByGroup(truth, 'incrementalLeads');
    const trueRevenue = truthByGroup(truth, 'incrementalRevenue');
    const truePipeline = hasPipeline ? truthByGroup(truth, 'incrementalPipeline') : null;
    const models = [...leads].map(([model, rows]): ModelEvaluation => {
      const rev = revenue.get(model) ?? [];
      const pipe = pipeline.get(model) ?? [];
      return {
        model,
        leads: allocationError(rows, trueLeads),
        revenue: rev.some((r) => r.amount > 0) ? allocationError(rev, trueRevenue) : null,
        pipeline:
          truePipeline !== null && pipe.some((r) => r.amount > 0)
            ? allocationError(pipe, truePipeline)
            : null,
      };
    });
    return {
      world: {
        ...truth.run,
        leads: truth.totals.leads,
        wonDeals: truth.totals.wonDeals,
        revenue: truth.totals.revenue,
        pipeline: truth.totals.pipeline ?? null,
        crm: truth.run.crm ?? 'default',
      },
      lookbackDays: settings.lookbackDays,
      truth: { leads: trueLeads, revenue: trueRevenue, pipeline: truePipeline },
      models: rankEvaluations(models),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`;

export function formatEvaluation(r: EvaluateResult): Record<string, string>[] {
  return r.models.map((m) => ({
    model: m.model,
    'leads TV': pct(m.leads.totalVariation),
    'leads MAPE': pct(m.leads.mape),
    'revenue TV': pct(m.revenue?.totalVariation),
    'revenue MAPE': pct(m.revenue?.mape),
    'pipeline TV': pct(m.pipeline?.totalVariation),
    'pipeline MAPE': pct(m.pipeline?.mape),
  }));
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description(
      'Run every attribution model on a simulated world and compare its credit per channel with the true incremental leads, revenue and pipeline',
    )
    .requiredOption('--truth <file>', 'the truth file written by `closedloop simulate --truth`')
    .option(
      '--lookback-days <n>',
      'lookback window for this evaluation (default: the default setting, 90)',
    )
    .option('--json', 'print JSON')
    .action(async (opts: { truth: string; lookbackDays?: string; json?: boolean }) => {
      let lookbackDays: number | undefined;
      if (opts.lookbackDays !== undefined) {
        lookbackDays = Number(opts.lookbackDays);
        if (!Number.isInteger(lookbackDays) || lookbackDays < 1 || lookbackDays > 730)
          throw new UsageError('must be a whole number of days from 1 to 730', '--lookback-days');
      }
      const result = await runEvaluate({
        truth: opts.truth,
        ...(lookbackDays !== undefined ? { lookbackDays } : {}),
        onStep: opts.json ? undefined : (s) => process.stderr.write(`${s}...\n`),
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const w = result.world;
      process.stdout.write(
        `World: seed ${w.seed}, ${w.days} days to ${w.end}, ${w.visitorsPerDay} visitors/day, CRM ${w.crm}; ${w.leads} leads, ${w.wonDeals} won deals, ${w.revenue} revenue, ${w.pipeline ?? '-'} pipeline. Lookback ${result.lookbackDays} days.\n`,
      );
      process.stdout.write(
        'Error of each model’s credit share per channel against the true incremental share (lower is better):\n\n',
      );
      printRows(formatEvaluation(result), false);
    });
}
