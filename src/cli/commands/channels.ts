// `closedloop channels`: debug tagging and channel rules without a server.
//   closedloop channels explain --url URL [--referrer REF] [--rules FILE] [--own-host HOST]... [--json]
//   closedloop channels rules [--rules FILE] [--json]
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { changeChannelRules } from '../../derive/channel-rules-change.js';
import { printRows, withData } from '../context.js';
import { UsageError } from '../errors.js';
import {
  compileRules,
  defaultCompiledRules,
  type CompiledRules,
} from '../../derive/channels/rules.js';
import { explainLanding, type LandingExplanation } from '../../derive/channels/explain.js';
import { loadRulesFile } from '../../derive/channels/rules-config.js';
import { RuleSetError, type Condition } from '../../derive/channels/rule-schema.js';
import { parseLandingUrl } from '../../derive/channels/landing-params.js';

interface ExplainOptions {
  url?: string;
  referrer?: string;
  rules?: string;
  ownHost?: string[];
  json?: boolean;
}

async function rulesFrom(file: string | undefined): Promise<CompiledRules> {
  if (file === undefined) return defaultCompiledRules();
  try {
    return compileRules(await loadRulesFile(file));
  } catch (err) {
    if (err instanceof RuleSetError) throw new UsageError(err.message, '--rules');
    throw err;
  }
}

const STEP: Record<LandingExplanation['decidedBy'], string> = {
  utm: 'UTM parameters',
  click_id: 'click id',
  referrer: 'referrer',
  direct: 'direct (nothing else applied)',
};

/** The readable form of an explanation, one `label  value` line each. */
export function formatExplanation(x: LandingExplanation): string {
  const pairs = (r: Readonly<Record<string, string | undefined>>): string =>
    Object.entries(r)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || '-';
  const rows: Array<[string, string]> = [
    ['Landing', x.url],
    ['Referrer', x.referrer ?? '-'],
    ['Source / medium', `${x.display.source} / ${x.display.medium}`],
    ['Decided by', `${STEP[x.decidedBy]}: ${x.reason}`],
    ['Campaign', x.campaign ?? '-'],
    ['Campaign id', x.campaignId ?? '-'],
    ['Term', x.term ?? '-'],
    ['Content', x.content ?? '-'],
    ['Click ids', pairs(x.clickIds)],
    ['Ad ids', pairs(x.adIds)],
    ['Channel', x.channel],
    ['Platform', x.platform],
    [
      'Rule',
      x.rule
        ? `#${x.rule.position} ${x.rule.id}${x.rule.description ? ` (${x.rule.description})` : ''}`
        : 'none matched (Unassigned)',
    ],
    [
      'Tried before',
      x.tried.length ? x.tried.map((r) => `#${r.position} ${r.id}`).join(', ') : '-',
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${k.padEnd(width)}${v}`).join('\n') + '\n';
}

export async function runExplain(opts: ExplainOptions): Promise<string> {
  if (!opts.url || opts.url.trim() === '')
    throw new UsageError('a landing URL is required', '--url');
  if (parseLandingUrl(opts.url) === null)
    throw new UsageError(`not a URL: ${JSON.stringify(opts.url)}`, '--url');
  const rules = await rulesFrom(opts.rules);
  const explanation = explainLanding({
    url: opts.url,
    referrer: opts.referrer ?? null,
    ownHosts: opts.ownHost ?? [],
    rules,
  });
  return opts.json ? `${JSON.stringify(explanation, null, 2)}\n` : formatExplanation(explanation);
}

function conditionText(c: Condition): string {
  if ('all' in c) return `(${c.all.map(conditionText).join(' and ')})`;
  if ('any' in c) return `(${c.any.map(conditionText).join(' or ')})`;
  if ('not' in c) return `not ${conditionText(c.not)}`;
  if (c.op === 'exists') return `${c.field} ${c.value === false ? 'is empty' : 'exists'}`;
  const value = Array.isArray(c.value)
    ? `[${c.value.map((v) => JSON.stringify(v)).join(', ')}]`
    : JSON.stringify(c.value);
  return `${c.field} ${c.op} ${value}`;
}

export async function runRules(opts: { rules?: string; json?: boolean }): Promise<string> {
  const compiled = await rulesFrom(opts.rules);
  if (opts.json) return `${JSON.stringify({ rules: compiled.rules }, null, 2)}\n`;
  return (
    compiled.rules
      .map((r, i) => `#${i + 1} ${r.id} → ${r.channel}\n    when ${conditionText(r.when)}`)
      .join('\n') + '\n'
  );
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function register(program: Command): void {
  const channels = program
    .command('channels')
    .description('Inspect channel rules and how a landing is classified');
  channels
    .command('explain')
    .description(
      'Show the source, medium, campaign, channel and platform derived for a landing, and the rule that decided it',
    )
    .option('--url <url>', 'the landing URL, with its query string')
    .option('--referrer <ref>', 'the referrer (a URL, a host, or android-app://<id>)')
    .option(
      '--rules <file>',
      'a workspace channel rules JSON file (default: the GA4 default channel group)',
    )
    .option(
      '--own-host <host>',
      "one of the site's own hostnames (repeatable); the landing host always counts",
      collect,
    )
    .option('--json', 'print JSON')
    .action(async (opts: ExplainOptions) => {
      process.stdout.write(await runExplain(opts));
    });
  channels
    .command('rules')
    .description('List the effective channel rules in evaluation order')
    .option(
      '--rules <file>',
      'a workspace channel rules JSON file (default: the GA4 default channel group)',
    )
    .option('--json', 'print JSON')
    .action(async (opts: { rules?: string; json?: boolean }) => {
      process.stdout.write(await runRules(opts));
    });
  channels
    .command('set-rules [file]')
    .description(
      "Set a workspace's channel rules from a JSON file (or --reset to the GA4 defaults), re-derive its history and show what moved",
    )
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--reset', 'go back to the GA4 default channel group')
    .option('--data-dir <dir>', 'data directory')
    .option('--json', 'print JSON')
    .action(
      async (
        file: string | undefined,
        opts: { workspace: string; reset?: boolean; dataDir?: string; json?: boolean },
      ) => {
        if (!file && !opts.reset) throw new UsageError('give a rules file, or --reset', 'file');
        let config: unknown = null;
        if (file) {
          try {
            config = JSON.parse(await readFile(file, 'utf8')) as unknown;
          } catch (err) {
            throw new UsageError(`cannot read ${file} as JSON: ${(err as Error).message}`, 'file');
          }
        }
        const change = await withData(opts.dataDir, {
          local: async (store) => {
            if (!(await store.getWorkspace(opts.workspace)))
              throw new UsageError(`no workspace with id "${opts.workspace}"`, '--workspace');
            try {
              return await changeChannelRules(store, opts.workspace, config);
            } catch (err) {
              if (err instanceof RuleSetError) throw new UsageError(err.message, 'file');
              throw err;
            }
          },
          remote: (server) =>
            server.call<Awaited<ReturnType<typeof changeChannelRules>>>(
              'PUT',
              '/api/channels/rules',
              { workspace: opts.workspace, json: config },
            ),
          flags: { 'x-closedloop-workspace': '--workspace', '*': 'file' },
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(change, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `Re-derived ${change.sessions} sessions; ${change.moved} changed channel.\n\n`,
        );
        printRows(
          change.channels.map((c) => ({
            channel: c.channel,
            before: c.before,
            after: c.after,
            change: c.change > 0 ? `+${c.change}` : String(c.change),
          })),
          false,
        );
        if (change.matrix.length > 0) {
          process.stdout.write('\nmoved:\n');
          printRows(
            change.matrix.map((m) => ({ from: m.from, to: m.to, sessions: m.sessions })),
            false,
          );
        }
      },
    );
}
