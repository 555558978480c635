/**
 * `closedloop attribute paths FILE`: attribution of a path-summary file the user brings
 * (ChannelAttribution or Fractribution layout, or any columns named with --columns).
 */
import type { Command } from 'commander';
import {
  attributePaths,
  PATH_MODEL_NAMES,
  type PathAttribution,
  type PathModelName,
} from '../../attribution/path-summary.js';
import {
  PathSummaryFileError,
  readPathSummaryFile,
  type Delimiter,
  type PathColumn,
  type PathSummaryFileOptions,
} from '../../attribution/path-summary-file.js';
import { parseTransform, type PathTransform } from '../../attribution/transforms.js';
import { MAX_MARKOV_ORDER } from '../../attribution/models/markov.js';
import { UsageError } from '../errors.js';
import { registerSettings } from './attribute-settings.js';

export interface AttributePathsFlags {
  models?: string;
  sep?: string;
  delimiter?: string;
  columns?: string;
  order?: string;
  exclude?: string;
  transform?: string;
  stepLimit?: string;
  shapleyValue?: string;
  format?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const attribute = program
    .command('attribute')
    .description('Attribute conversions to channels with every standard model.');
  attribute
    .command('paths')
    .description(
      'Attribute a path-summary file (path, conversions, value, nulls) and print credit per channel and model.',
    )
    .argument('<file>', 'CSV, TSV or ;-separated file ("-" reads stdin)')
    .option('--models <list>', `"all" or a comma list of: ${PATH_MODEL_NAMES.join(', ')}`, 'all')
    .option('--sep <text>', 'separator between channels inside a path', '>')
    .option('--delimiter <d>', 'column delimiter: auto, ",", ";" or tab', 'auto')
    .option(
      '--columns <map>',
      'column names, e.g. path=PATH,conversions=CONV,value=REV,nulls=NULLS',
    )
    .option('--order <k>', `Markov order, 1 to ${MAX_MARKOV_ORDER}`, '1')
    .option('--exclude <channels>', 'comma list of channels dropped from every path (e.g. Direct)')
    .option(
      '--transform <list>',
      'comma list of path transforms: unique, exposure, first, frequency, remove_if_not_all(X), remove_if_last_and_not_all(X)',
    )
    .option('--step-limit <n>', 'keep only the last N touches of each path')
    .option(
      '--shapley-value <v>',
      'Shapley coalition worth: conversions or rate (conversion rate, needs nulls)',
      'conversions',
    )
    .option('--format <f>', 'output format: json or csv', 'json')
    .option('--json', 'same as --format json')
    .action((file: string, flags: AttributePathsFlags) => {
      process.stdout.write(runAttributePaths(file, flags));
    });
  registerSettings(attribute);
}

/** Everything the command does except writing: returns the text it prints. */
export function runAttributePaths(file: string, flags: AttributePathsFlags): string {
  const format = flags.json === true ? 'json' : (flags.format ?? 'json');
  if (format !== 'json' && format !== 'csv')
    throw new UsageError(`must be json or csv, got "${format}"`, '--format');
  const fileOptions: PathSummaryFileOptions = {
    delimiter: parseDelimiter(flags.delimiter ?? 'auto'),
    channelSeparator: flags.sep ?? '>',
    columns: parseColumns(flags.columns),
  };
  const models = parseModels(flags.models ?? 'all');
  const order = parseInteger(flags.order ?? '1', '--order', 1, MAX_MARKOV_ORDER);
  const stepLimit =
    flags.stepLimit === undefined
      ? undefined
      : parseInteger(flags.stepLimit, '--step-limit', 1, Number.MAX_SAFE_INTEGER);
  const shapleyValue = flags.shapleyValue ?? 'conversions';
  if (shapleyValue !== 'rate' && shapleyValue !== 'conversions') {
    throw new UsageError(`must be conversions or rate, got "${shapleyValue}"`, '--shapley-value');
  }
  let rows;
  try {
    rows = readPathSummaryFile(file, fileOptions);
  } catch (err) {
    // the file's own problems are the user's to fix: exit 2 with where and why
    if (err instanceof PathSummaryFileError) throw new UsageError(err.message, err.field);
    throw err;
  }
  const result = attributePaths(rows, {
    models,
    order,
    shapleyValue,
    excludeChannels: splitList(flags.exclude),
    transforms: parseTransforms(flags.transform),
    ...(stepLimit === undefined ? {} : { stepLimit }),
  });
  return format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : toCsv(result);
}

function splitList(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

function parseModels(text: string): PathModelName[] {
  if (text.trim() === 'all') return [...PATH_MODEL_NAMES];
  const names = splitList(text);
  if (names.length === 0) throw new UsageError('no model named', '--models');
  for (const n of names) {
    if (!(PATH_MODEL_NAMES as readonly string[]).includes(n)) {
      throw new UsageError(
        `unknown model "${n}" (path-summary models: ${PATH_MODEL_NAMES.join(', ')})`,
        '--models',
      );
    }
  }
  return [...new Set(names)] as PathModelName[];
}

function parseDelimiter(text: string): Delimiter | 'auto' {
  if (text === 'auto' || text === ',' || text === ';') return text;
  if (text === 'tab' || text === '\t' || text === '\\t') return '\t';
  throw new UsageError(`must be auto, ",", ";" or tab, got "${text}"`, '--delimiter');
}

function parseColumns(text: string | undefined): Partial<Record<PathColumn, string>> {
  const out: Partial<Record<PathColumn, string>> = {};
  for (const part of splitList(text)) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq).trim();
    const name = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (key !== 'path' && key !== 'conversions' && key !== 'value' && key !== 'nulls') {
      throw new UsageError(
        `unknown column role "${key}" (expected path, conversions, value or nulls)`,
        '--columns',
      );
    }
    if (name === '') throw new UsageError(`${key}= needs a column name`, '--columns');
    out[key] = name;
  }
  return out;
}

function parseInteger(text: string, field: string, min: number, max: number): number {
  const x = Number(text);
  if (!Number.isInteger(x) || x < min || x > max)
    throw new UsageError(`must be an integer from ${min} to ${max}, got "${text}"`, field);
  return x;
}

/** Splits at commas outside parentheses, so remove_if_not_all(A,B) stays one item. */
function parseTransforms(text: string | undefined): PathTransform[] {
  if (text === undefined) return [];
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      items.push(current);
      current = '';
    } else current += ch;
  }
  items.push(current);
  return items
    .filter((x) => x.trim() !== '')
    .map((x) => {
      try {
        return parseTransform(x);
      } catch (err) {
        throw new UsageError((err as Error).message, '--transform');
      }
    });
}

function csvField(x: string | number): string {
  const s = String(x);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(result: PathAttribution): string {
  const re = new Map(result.removal_effects.map((r) => [r.channel, r.removal_effect]));
  const lines = ['model,channel,conversions,value,removal_effect'];
  for (const [model, rows] of Object.entries(result.models)) {
    for (const r of rows ?? []) {
      const effect = model === 'markov' ? (re.get(r.channel) ?? '') : '';
      lines.push([model, r.channel, r.conversions, r.value, effect].map(csvField).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
