/**
 * A workspace's channel rules configuration (a JSON file or an API body) and its resolution into
 * one ordered rule set. Either replace the rules whole, or keep the GA4 defaults and adjust them:
 *   { "before": [ { "id": "linkedin-ads", "channel": "LinkedIn Ads", "when": { ... } } ],
 *     "after":  [ ... ],
 *     "remove": [ "cross-network" ],
 *     "move":   [ { "rule": "email", "before": "referral" } ],
 *     "lists":  { "partners": ["acme.com", "partner.io"] } }
 * Resolution: before + (rules, or the defaults) + after, then `remove`, then each `move` in turn.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DEFAULT_RULES } from './default-rules.js';
import {
  formatIssues,
  formatPath,
  forEachLeaf,
  ruleSchema,
  RuleSetError,
  ruleSetSchema,
  type ChannelRule,
  type RuleSet,
} from './rule-schema.js';
import { BUILTIN_LISTS } from './source-lists.js';

const ruleId = z
  .string({ error: 'must be a rule id (string)' })
  .min(1, { error: 'must not be empty' });

const moveSchema = z
  .strictObject({ rule: ruleId, before: ruleId.optional(), after: ruleId.optional() })
  .refine((m) => (m.before === undefined) !== (m.after === undefined), {
    error: 'give exactly one of "before" or "after"',
  });

export const rulesConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  extends: z.enum(['ga4-default', 'none'], { error: 'must be "ga4-default" or "none"' }).optional(),
  lists: ruleSetSchema.shape.lists,
  rules: z.array(ruleSchema).optional(),
  before: z.array(ruleSchema).optional(),
  after: z.array(ruleSchema).optional(),
  remove: z.array(ruleId).optional(),
  move: z.array(moveSchema).optional(),
});
export type RulesConfig = z.infer<typeof rulesConfigSchema>;

/** Validates a configuration and resolves it into the ordered rule set; throws {@link RuleSetError}. */
export function resolveRulesConfig(input: unknown, context?: string): RuleSet {
  const parsed = rulesConfigSchema.safeParse(input);
  if (!parsed.success) throw new RuleSetError(formatIssues(parsed.error), context);
  const config = parsed.data as RulesConfig & {
    rules?: ChannelRule[];
    before?: ChannelRule[];
    after?: ChannelRule[];
  };
  const issues: string[] = [];
  if (config.rules !== undefined && config.extends === 'ga4-default') {
    issues.push(
      'extends: "ga4-default" cannot be combined with "rules" (which replaces the defaults); use "before"/"after"',
    );
  }

  // Every rule with where it came from, for errors that point into the file.
  type Placed = readonly [ChannelRule, readonly PropertyKey[]];
  const from = (key: string, rules: readonly ChannelRule[] | undefined): Placed[] =>
    (rules ?? []).map((r, i) => [r, [key, i]]);
  const base: Placed[] =
    config.rules !== undefined
      ? from('rules', config.rules)
      : config.extends === 'none'
        ? []
        : DEFAULT_RULES.map((r) => [r, [`(default rule "${r.id}")`]]);
  let ordered: Placed[] = [
    ...from('before', config.before),
    ...base,
    ...from('after', config.after),
  ];

  const known = new Set<string>([...BUILTIN_LISTS, ...Object.keys(config.lists ?? {})]);
  const firstSeen = new Map<string, readonly PropertyKey[]>();
  for (const [rule, path] of ordered) {
    const first = firstSeen.get(rule.id);
    if (first)
      issues.push(
        `${formatPath([...path, 'id'])}: duplicate rule id "${rule.id}" (also ${formatPath(first)})`,
      );
    else firstSeen.set(rule.id, path);
    forEachLeaf(rule.when, [...path, 'when'], (leaf, p) => {
      if (leaf.op === 'in_list' && !known.has(leaf.value)) {
        issues.push(
          `${formatPath([...p, 'value'])}: unknown list "${leaf.value}" (known: ${[...known].join(', ')})`,
        );
      }
    });
  }

  const has = (id: string): boolean => ordered.some(([r]) => r.id === id);
  (config.remove ?? []).forEach((id, i) => {
    if (!has(id)) issues.push(`remove[${i}]: unknown rule id "${id}"`);
    ordered = ordered.filter(([r]) => r.id !== id);
  });
  (config.move ?? []).forEach((move, i) => {
    const target = (move.before ?? move.after) as string;
    const key = move.before !== undefined ? 'before' : 'after';
    const at0 = ordered.findIndex(([r]) => r.id === move.rule);
    if (at0 < 0) return issues.push(`move[${i}].rule: unknown rule id "${move.rule}"`);
    if (!has(target)) return issues.push(`move[${i}].${key}: unknown rule id "${target}"`);
    if (target === move.rule)
      return issues.push(`move[${i}]: a rule cannot move relative to itself`);
    const [entry] = ordered.splice(at0, 1);
    const at = ordered.findIndex(([r]) => r.id === target);
    ordered.splice(key === 'before' ? at : at + 1, 0, entry as Placed);
    return undefined;
  });

  if (issues.length > 0) throw new RuleSetError(issues, context);
  return config.lists
    ? { lists: config.lists, rules: ordered.map(([r]) => r) }
    : { rules: ordered.map(([r]) => r) };
}

/** Reads and resolves a workspace rules file; errors name the file and every problem in it. */
export async function loadRulesFile(path: string): Promise<RuleSet> {
  const context = `invalid channel rules in ${path}`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new RuleSetError(
      [`cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`],
      context,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RuleSetError([`not valid JSON: ${(err as Error).message}`], context);
  }
  return resolveRulesConfig(json, context);
}
