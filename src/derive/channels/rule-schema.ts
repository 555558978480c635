/**
 * Channel rules as data: the JSON shape, its zod schema and readable validation errors.
 *
 * A rule set is an ordered list of rules, evaluated top-down, first match wins:
 *   { "lists": { "partners": ["acme.com"] },
 *     "rules": [ { "id": "linkedin-ads", "channel": "LinkedIn Ads",
 *                  "when": { "all": [ { "field": "medium", "op": "equals", "value": "paid_social" },
 *                                     { "field": "source", "op": "equals", "value": "linkedin" } ] } } ] }
 * Comparisons are case-insensitive. Errors name the path: `rules[3].when.all[0].op: unknown operator "eq"`.
 */
import { z } from 'zod';
import { BUILTIN_LISTS } from './source-lists.js';

export const FIELDS = [
  'source',
  'medium',
  'campaign',
  'term',
  'content',
  'campaign_id',
  'platform',
  'decided_by',
] as const;
export type BaseField = (typeof FIELDS)[number];
/** A base field, or `click_id.<param>` (the value of that click id, e.g. `click_id.gclid`). */
export type Field = BaseField | `click_id.${string}`;

export const OPERATORS = [
  'equals',
  'in',
  'in_list',
  'matches',
  'contains',
  'starts_with',
  'ends_with',
  'exists',
] as const;
export type Operator = (typeof OPERATORS)[number];

export type Leaf =
  | {
      readonly field: Field;
      readonly op: 'equals' | 'contains' | 'starts_with' | 'ends_with';
      readonly value: string;
    }
  | { readonly field: Field; readonly op: 'in'; readonly value: readonly string[] }
  /** `value` names a list: a built-in one (search, social, video, shopping, email, ai) or one in `lists`. */
  | { readonly field: Field; readonly op: 'in_list'; readonly value: string }
  /** `value` is a regular expression (JavaScript syntax), matched case-insensitively. */
  | { readonly field: Field; readonly op: 'matches'; readonly value: string }
  /** Present and not empty, `(not set)` or `(none)`; `value: false` inverts it. */
  | { readonly field: Field; readonly op: 'exists'; readonly value?: boolean };

export type Condition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  | Leaf;

export interface ChannelRule {
  readonly id: string;
  readonly channel: string;
  /** Overrides the platform derived from the source (e.g. a partner rule naming its network). */
  readonly platform?: string;
  readonly description?: string;
  readonly when: Condition;
}

export interface RuleSet {
  /** Named lists of source values (names or hosts; a host matches its subdomains too). */
  readonly lists?: Readonly<Record<string, readonly string[]>>;
  readonly rules: readonly ChannelRule[];
}

const fieldSchema = z
  .string()
  .refine((f) => (FIELDS as readonly string[]).includes(f) || /^click_id\.[a-z0-9_]+$/i.test(f), {
    error: (iss) =>
      `unknown field ${JSON.stringify(iss.input)} (expected one of ${FIELDS.join(', ')}, or click_id.<param>)`,
  });

const opSchema = z.enum(OPERATORS, {
  error: (iss) =>
    typeof iss.input === 'string'
      ? `unknown operator ${JSON.stringify(iss.input)} (expected one of ${OPERATORS.join(', ')})`
      : `an operator is required (one of ${OPERATORS.join(', ')})`,
});

const text = z.string({ error: 'must be a string' });
const nonEmpty = text.min(1, { error: 'must not be empty' });

const leafSchema = z
  .strictObject({ field: fieldSchema, op: opSchema, value: z.unknown().optional() })
  .superRefine((leaf, ctx) => {
    const bad = (message: string): void =>
      ctx.addIssue({ code: 'custom', message, path: ['value'] });
    const v = leaf.value;
    switch (leaf.op) {
      case 'exists':
        if (v !== undefined && typeof v !== 'boolean') bad('must be true or false for "exists"');
        return;
      case 'in':
        if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string'))
          bad('must be a non-empty array of strings for "in"');
        return;
      case 'matches':
        if (typeof v !== 'string' || v === '')
          return bad('must be a regular expression string for "matches"');
        try {
          new RegExp(v, 'i');
        } catch (err) {
          bad(`invalid regular expression: ${(err as Error).message}`);
        }
        return;
      default:
        if (typeof v !== 'string' || v === '') bad(`must be a non-empty string for "${leaf.op}"`);
    }
  });

const KEYS = ['all', 'any', 'not', 'field/op'];

/** Picks the branch by its key, so an error points into the branch the author meant. */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.unknown().transform((input, ctx): Condition => {
    let branch: z.ZodType | null = null;
    if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
      if ('all' in input)
        branch = z.strictObject({
          all: z.array(conditionSchema).min(1, { error: 'must list at least one condition' }),
        });
      else if ('any' in input)
        branch = z.strictObject({
          any: z.array(conditionSchema).min(1, { error: 'must list at least one condition' }),
        });
      else if ('not' in input) branch = z.strictObject({ not: conditionSchema });
      else if ('field' in input || 'op' in input) branch = leafSchema;
    }
    if (branch === null) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a condition: an object with one of ${KEYS.join(', ')}`,
      });
      return z.NEVER;
    }
    const parsed = branch.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({
          code: 'custom',
          message: issue.message,
          path: issue.path as PropertyKey[] as (string | number)[],
        });
      }
      return z.NEVER;
    }
    return parsed.data as Condition;
  }),
);

export const ruleSchema = z.strictObject({
  id: nonEmpty.regex(/^[A-Za-z0-9_.:-]+$/, { error: 'must use only letters, digits and _ . : -' }),
  channel: nonEmpty,
  platform: nonEmpty.optional(),
  description: text.optional(),
  when: conditionSchema,
});

const listsSchema = z.record(
  nonEmpty.regex(/^[a-z0-9_-]+$/i, { error: 'list names use letters, digits, _ and -' }),
  z.array(nonEmpty),
);

export const ruleSetSchema = z.strictObject({
  lists: listsSchema.optional(),
  rules: z.array(ruleSchema),
});

/** A rule set read from a file or an API body that failed validation; `issues` are `path: reason` lines. */
export class RuleSetError extends Error {
  constructor(
    readonly issues: readonly string[],
    context = 'invalid channel rules',
  ) {
    super(`${context}:\n  ${issues.join('\n  ')}`);
    this.name = 'RuleSetError';
  }
}

/** `['rules', 3, 'when', 'all', 0, 'op']` → `rules[3].when.all[0].op`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

/** Walks every leaf of a condition with its path (for checks that need the whole rule set). */
export function forEachLeaf(
  cond: Condition,
  path: PropertyKey[],
  visit: (leaf: Leaf, path: PropertyKey[]) => void,
): void {
  if ('all' in cond) cond.all.forEach((c, i) => forEachLeaf(c, [...path, 'all', i], visit));
  else if ('any' in cond) cond.any.forEach((c, i) => forEachLeaf(c, [...path, 'any', i], visit));
  else if ('not' in cond) forEachLeaf(cond.not, [...path, 'not'], visit);
  else visit(cond, path);
}

/** Checks what the schema cannot see alone: unique ids and `in_list` names that exist. */
export function checkRuleSet(set: RuleSet, pathPrefix: PropertyKey[] = []): string[] {
  const issues: string[] = [];
  const known = new Set<string>([...BUILTIN_LISTS, ...Object.keys(set.lists ?? {})]);
  const seen = new Map<string, number>();
  set.rules.forEach((rule, i) => {
    const first = seen.get(rule.id);
    if (first !== undefined)
      issues.push(
        `${formatPath([...pathPrefix, 'rules', i, 'id'])}: duplicate rule id "${rule.id}" (also rules[${first}])`,
      );
    else seen.set(rule.id, i);
    forEachLeaf(rule.when, [...pathPrefix, 'rules', i, 'when'], (leaf, path) => {
      if (leaf.op === 'in_list' && !known.has(leaf.value)) {
        issues.push(
          `${formatPath([...path, 'value'])}: unknown list "${leaf.value}" (known: ${[...known].join(', ')})`,
        );
      }
    });
  });
  return issues;
}

/** Validates a complete rule set; throws {@link RuleSetError} listing every problem. */
export function parseRuleSet(input: unknown): RuleSet {
  const parsed = ruleSetSchema.safeParse(input);
  if (!parsed.success) throw new RuleSetError(formatIssues(parsed.error));
  const set = parsed.data as RuleSet;
  const issues = checkRuleSet(set);
  if (issues.length > 0) throw new RuleSetError(issues);
  return set;
}
