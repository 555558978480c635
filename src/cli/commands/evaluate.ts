/**
 * `closedloop evaluate --truth FILE`: every model against the true incremental leads and revenue of a
 * simulated world. The world is simulated again from the run recorded in the truth file (same seed and
 * arguments give the same events), imported into a scratch store, derived and credited exactly as a
 * real workspace is; won deals, which the simulator emits as CRM changes, become revenue conversions of
 * the same persons. Credited shares per channel are then compared with the true shares.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { firstIssue } from '../../collect/envelope.js';
import {
  dataDrivenCredits,
  journeysFrom,
  ruleCredits,
  ruleModelsFor,
} from '../../derive/attribution-credits.js';
import { changeAttributionSettings, compareModels } from '../../derive/attribution-report.js';
import { attributionSettingsFor } from '../../derive/attribution-settings.js';
import { rebuild } from '../../derive/derive.js';
import {
  allocationError,
  rankEvaluations,
  type ChannelAmount,
  type ModelEvaluation,
} from '../../derive/evaluate.js';
import { normaliseIdentifier } from '../../derive/identity/index.js';
import {
  CHANNELS,
  simulate,
  type ChannelId,
  type CrmChange,
  type SimWriter,
} from '../../sim/index.js';
import { openStore } from '../../store/open.js';
import type { CreditRow } from '../../store/types.js';
import { createWorkspace } from '../../workspaces/create.js';
import { cliConfig, printRows } from '../context.js';
import { UsageError } from '../errors.js';

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
  }),
  totals: z.object({ leads: z.number(), wonDeals: z.number(), revenue: z.number() }),
  channels: z.record(
    z.string(),
    z.object({
      ga4ChannelGroup: z.string(),
      incrementalLeads: z.number(),
      incrementalRevenue: z.number(),
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
  };
  lookbackDays: number;
  truth: { leads: ChannelAmount[]; revenue: ChannelAmount[] };
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
function truthByGroup(t: Truth, key: 'incrementalLeads' | 'incrementalRevenue'): ChannelAmount[] {
  const m = new Map<string, number>();
  for (const c of Object.values(t.channels))
    m.set(c.ga4ChannelGroup, (m.get(c.ga4ChannelGroup) ?? 0) + c[key]);
  return [...m]
    .map(([channel, amount]) => ({ channel, amount }))
    .sort((a, b) => b.amount - a.amount);
}

/** Captures won deals with the contact's email or phone (stage changes carry them, deals only the contact). */
function wonDealsWriter(): SimWriter & {
  won: { email: string | null; phone: string | null; at: number; amount: number }[];
} {
  const contacts = new Map<string, { email: string | null; phone: string | null }>();
  const won: { email: string | null; phone: string | null; at: number; amount: number }[] = [];
  return {
    won,
    event() {},
    crm(c: CrmChange) {
      if (c.kind === 'contact_stage') contacts.set(c.contactId, { email: c.email, phone: c.phone });
      else if (c.stage === 'won')
        won.push({
          ...(contacts.get(c.contactId) ?? { email: null, phone: null }),
          at: Date.parse(c.at),
          amount: c.amount,
        });
    },
    async close() {},
  };
}

function byChannel(rows: readonly CreditRow[], model: string): ChannelAmount[] {
  const m = new Map<string, number>();
  for (const r of rows) if (r.model === model) m.set(r.channel, (m.get(r.channel) ?? 0) + r.value);
  return [...m].map(([channel, amount]) => ({ channel, amount }));
}

export async function runEvaluate(o: EvaluateOptions): Promise<EvaluateResult> {
  const truth = await readTruth(o.truth);
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-evaluate-'));
  const store = await openStore(join(dir, 'store'), { memoryLimit: cliConfig().memoryLimit }); // CLOSEDLOOP_MEMORY_LIMIT or the config file
  try {
    o.onStep?.(
      `simulating seed ${truth.run.seed}, ${truth.run.days} days, ${truth.run.visitorsPerDay} visitors/day`,
    );
    const deals = wonDealsWriter();
    const sim = await simulate(truth.run, { outDir: join(dir, 'world'), extraWriters: [deals] });
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
    o.onStep?.('importing and deriving');
    await store.importEventsFile(ws.id, join(dir, 'world', 'events.ndjson'));
    await rebuild(store, ws.id);
    if (o.lookbackDays !== undefined)
      await changeAttributionSettings(store, ws.id, { lookbackDays: o.lookbackDays });
    const settings = await attributionSettingsFor(store, ws.id);

    o.onStep?.('crediting leads');
    const leadCredit = await compareModels(store, ws.id, ['channel']);
    o.onStep?.('crediting revenue');
    // revenue: each won deal is a conversion of its contact's person, valued at the deal amount
    const inputs = await store.attributionInputs(ws.id, 'lead');
    const conversions: { personId: string; at: number; value: number }[] = [];
    for (const d of deals.won) {
      const id = (
        d.email !== null
          ? normaliseIdentifier({ kind: 'email', value: d.email })
          : d.phone !== null
            ? normaliseIdentifier({ kind: 'phone', value: d.phone })
            : null
      )?.identifier;
      const [person] = id ? await store.personsByIdentifier(ws.id, id.kind, id.value) : [];
      conversions.push({
        personId: person ?? `(unmatched deal ${conversions.length})`,
        at: d.at,
        value: d.amount,
      });
    }
    const { converting, nonConverting } = journeysFrom({ ...inputs, conversions });
    const revenueRows = [
      ...ruleCredits(converting, settings, ruleModelsFor(settings)),
      ...dataDrivenCredits(converting, nonConverting, settings).rows,
    ];

    const trueLeads = truthByGroup(truth, 'incrementalLeads');
    const trueRevenue = truthByGroup(truth, 'incrementalRevenue');
    const models = Object.entries(leadCredit.models).map(([model, rows]): ModelEvaluation => ({
      model,
      leads: allocationError(
        rows.map((r) => ({ channel: String(r.key.channel), amount: r.conversions })),
        trueLeads,
      ),
      revenue:
        conversions.length > 0 ? allocationError(byChannel(revenueRows, model), trueRevenue) : null,
    }));
    return {
      world: {
        ...truth.run,
        leads: truth.totals.leads,
        wonDeals: truth.totals.wonDeals,
        revenue: truth.totals.revenue,
      },
      lookbackDays: settings.lookbackDays,
      truth: { leads: trueLeads, revenue: trueRevenue },
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
  }));
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description(
      'Run every attribution model on a simulated world and compare its credit per channel with the true incremental leads and revenue',
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
        `World: seed ${w.seed}, ${w.days} days to ${w.end}, ${w.visitorsPerDay} visitors/day; ${w.leads} leads, ${w.wonDeals} won deals, ${w.revenue} revenue. Lookback ${result.lookbackDays} days.\n`,
      );
      process.stdout.write(
        'Error of each model’s credit share per channel against the true incremental share (lower is better):\n\n',
      );
      printRows(formatEvaluation(result), false);
    });
}
