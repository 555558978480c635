/**
 * `closedloop simulate`: writes a simulated B2B SaaS world (Segment events, ad costs, a record of the
 * world and optionally its ground truth) to a directory. Deterministic for a seed and arguments.
 *
 * Example: closedloop simulate --seed 42 --days 90 --visitors-per-day 2000 --out ./demo --end 2026-05-31 --truth ./demo/truth.json
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { adPlatformWriter } from '../../sim/ad-writers/index.js';
import { segmentHttpWriter } from '../../sim/http-writer.js';
import { CRM_PROFILE_NAMES, simulate, type CrmProfile, type SimOptions } from '../../sim/index.js';
import { parseDate } from '../../sim/time.js';
import { UsageError } from '../errors.js';
import { SIM_CRM_CSV, crmCsvSimWriter } from '../sim-crm-csv.js';

export interface SimulateArgs {
  seed?: string;
  days?: string;
  visitorsPerDay?: string;
  out?: string;
  end?: string;
  truth?: string;
  crm?: string;
  json?: boolean;
  mistakes?: boolean;
  adExports?: boolean;
}

export interface ParsedSimulateArgs {
  options: SimOptions;
  outDir: string;
  truthFile: string | undefined;
}

function integerIn(field: string, text: string | undefined, lo: number, hi: number): number {
  if (text === undefined) throw new UsageError('is required', field);
  if (!/^-?\d+$/.test(text.trim()))
    throw new UsageError(`must be an integer, got "${text}"`, field);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < lo || n > hi)
    throw new UsageError(`must be between ${lo} and ${hi}, got ${text}`, field);
  return n;
}

/** Checks every argument before anything is written; `today` supplies the default end date. */
export function parseSimulateArgs(args: SimulateArgs, today: () => string): ParsedSimulateArgs {
  const seed = integerIn('--seed', args.seed, 0, Number.MAX_SAFE_INTEGER);
  const days = integerIn('--days', args.days, 1, 3650);
  const visitorsPerDay = integerIn('--visitors-per-day', args.visitorsPerDay, 1, 1_000_000);
  if (args.out === undefined || args.out.trim() === '')
    throw new UsageError('is required', '--out');
  const outDir = resolve(args.out);
  if (existsSync(outDir) && !statSync(outDir).isDirectory())
    throw new UsageError(`${args.out} exists and is not a directory`, '--out');
  const end = args.end ?? today();
  if (Number.isNaN(parseDate(end)))
    throw new UsageError(`must be a date YYYY-MM-DD, got "${end}"`, '--end');
  let truthFile: string | undefined;
  if (args.truth !== undefined) {
    truthFile = resolve(args.truth);
    const parent = dirname(truthFile);
    if (existsSync(truthFile) && statSync(truthFile).isDirectory())
      throw new UsageError(`${args.truth} is a directory`, '--truth');
    if (parent !== outDir && !existsSync(parent))
      throw new UsageError(`directory ${parent} does not exist`, '--truth');
  }
  if (args.crm !== undefined && !(CRM_PROFILE_NAMES as string[]).includes(args.crm))
    throw new UsageError(
      `"${args.crm}" is not a CRM profile; the known ones are ${CRM_PROFILE_NAMES.join(', ')}`,
      '--crm',
    );
  const crm = args.crm as CrmProfile | undefined;
  return {
    options: {
      seed,
      days,
      visitorsPerDay,
      end,
      ...(crm !== undefined ? { crm } : {}),
      ...(args.mistakes === true ? { mistakes: true } : {}),
    },
    outDir,
    truthFile,
  };
}

/** Where the command prints; tests pass their own. */
export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export function register(
  program: Command,
  io: CommandIo = { stdout: process.stdout, stderr: process.stderr },
): void {
  program
    .command('simulate')
    .description(
      'Write a simulated B2B SaaS world: Segment events, ad costs, a record of the world and its ground truth',
    )
    .option(
      '--seed <n>',
      'random seed (integer); the same seed and arguments give byte-identical output',
      '1',
    )
    .option('--days <n>', 'number of days to simulate (1..3650)', '90')
    .option('--visitors-per-day <n>', 'about how many visitors a day (1..1000000)', '1000')
    .option('--out <dir>', 'directory for events.ndjson, ad_costs.ndjson, crm.csv and record.json')
    .option('--end <date>', 'last simulated day, YYYY-MM-DD (default: today, UTC)')
    .option(
      '--crm <profile>',
      `the CRM funnel's rates: ${CRM_PROFILE_NAMES.join(' or ')} (demo: fast and generous, as the Demo workspace's)`,
    )
    .option(
      '--truth <file>',
      'also write the ground truth (per-channel incremental leads, deals, revenue) as JSON',
    )
    .option(
      '--send <url>',
      'also replay the events through the Segment-compatible API of a Closedloop server (needs --write-key)',
    )
    .option('--write-key <key>', 'the workspace write key for --send')
    .option(
      '--mistakes',
      'seed tagging mistakes (a campaign without UTMs, a rename, auto-tagging off, an id mismatch), recorded in the truth',
    )
    .option(
      '--ad-exports',
      "also write each ad platform's CSV export and API answers to <out>/ads (closedloop import ads takes the CSVs)",
    )
    .option('--json', 'print the summary as JSON')
    .action(async (args: SimulateArgs & { send?: string; writeKey?: string }) => {
      if (args.send !== undefined) {
        if (!/^https?:\/\/[^\s]+$/.test(args.send))
          throw new UsageError(`must be an http(s) URL, got "${args.send}"`, '--send');
        if (!args.writeKey) throw new UsageError('is required with --send', '--write-key');
      }
      const sender =
        args.send !== undefined
          ? segmentHttpWriter({ baseUrl: args.send, writeKey: args.writeKey! })
          : undefined;
      // The only clock read of the simulator, and only when --end is not given.
      const parsed = parseSimulateArgs(args, () => new Date().toISOString().slice(0, 10));
      const showBar = args.json !== true && io.stderr.isTTY === true;
      const bar = showBar
        ? new cliProgress.SingleBar(
            {
              format: 'simulating {bar} {value}/{total} days | {events} events',
              stream: io.stderr,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
      bar?.start(parsed.options.days, 0, { events: 0 });
      const crm = crmCsvSimWriter(join(parsed.outDir, SIM_CRM_CSV));
      const adsDir = join(parsed.outDir, 'ads');
      const ads = args.adExports === true ? adPlatformWriter({ dir: adsDir }) : undefined;
      let summary;
      try {
        summary = await simulate(
          { ...parsed.options, onProgress: (p) => bar?.update(p.day, { events: p.events }) },
          {
            outDir: parsed.outDir,
            ...(parsed.truthFile === undefined ? {} : { truthFile: parsed.truthFile }),
            extraWriters: [crm, ...(ads ? [ads] : []), ...(sender ? [sender] : [])],
          },
        );
        summary.files.push(crm.file.path);
        if (ads) summary.files.push(adsDir);
      } finally {
        bar?.stop();
      }
      if (args.json === true) {
        io.stdout.write(
          `${JSON.stringify({ start: summary.start, end: summary.end, files: summary.files, record: summary.record, truth: summary.truth, ...(summary.mistakes.length > 0 ? { mistakes: summary.mistakes } : {}) }, null, 2)}\n`,
        );
      } else {
        const r = summary.record;
        io.stdout.write(
          `Simulated ${summary.start}..${summary.end}: ${r.persons} people, ${r.sessions.total} sessions, ${r.events.total} events, ` +
            `${r.leads.total} leads, ${r.crm.dealsWon} deals won.\nWrote ${summary.files.join(', ')}\n` +
            (sender
              ? `Sent ${sender.stats.events} events to ${args.send} in ${sender.stats.requests} requests (${sender.stats.rejected} rejected).\n`
              : ''),
        );
      }
    });
}
