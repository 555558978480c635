// A workspace's cost mapping rules (issue 16, "user-defined mapping rules"): when neither a campaign id
// nor a campaign name ties a session to spend, a marketer says which campaign bought it: "sessions whose
// utm_campaign starts with `spring-fb` belong to Meta campaign 12345". The rules are data, kept as a
// workspace setting and applied when costs are read, so a change re-applies to all history
// (docs/costs.md, "Mapping rules"). The engines render them in store/engines/neutral/cost-rules-sql.ts.
import { z } from 'zod';

/** The ad platforms a rule may name (the store's AdPlatform; the store checks the two agree). */
export const COST_RULE_PLATFORMS = ['google', 'meta', 'linkedin', 'microsoft'] as const;

/** What of a session a rule looks at. */
export const COST_RULE_FIELDS = [
  /** utm_campaign as tagged. */
  'utm_campaign',
  /** utm_source / utm_medium as tagged (nothing when no UTM decided the session's source). */
  'utm_source',
  'utm_medium',
  /** The landing URL's path, without host, query or fragment (`/pricing`; `/` for none). */
  'landing_path',
  /** The campaign id the URL carried (utm_id, or a ValueTrack-style campaign id parameter). */
  'campaign_id',
] as const;
export type CostRuleField = (typeof COST_RULE_FIELDS)[number];

export const COST_RULE_OPS = ['equals', 'starts_with', 'contains', 'matches'] as const;
export type CostRuleOp = (typeof COST_RULE_OPS)[number];

// Constructs JavaScript accepts and RE2 (both engines' regular expressions) refuses or reads otherwise:
// look-arounds, back references, named groups in JavaScript's spelling.
const NOT_RE2 = /\(\?<?[=!]|\\[1-9]|\(\?<[A-Za-z]|\\k</;

const Id = z
  .string({ error: 'must be a text' })
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits, _ . : -');
const Value = z.string({ error: 'must be a text' }).min(1, 'must not be empty').max(500);

export const CostMappingRuleSchema = z
  .object({
    id: Id,
    field: z.enum(COST_RULE_FIELDS, {
      error: `must be one of ${COST_RULE_FIELDS.join(', ')}`,
    }),
    op: z.enum(COST_RULE_OPS, { error: `must be one of ${COST_RULE_OPS.join(', ')}` }),
    value: Value,
    platform: z.enum(COST_RULE_PLATFORMS, {
      error: `must be one of ${COST_RULE_PLATFORMS.join(', ')}`,
    }),
    /** The campaign's id as the platform reports it (the costs report's `campaign`). */
    campaign: Value,
    /** Optionally the ad group (ad set) the sessions belong to, by id. */
    adGroup: Value.optional(),
    description: z.string().max(500).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.op !== 'matches') return;
    if (NOT_RE2.test(r.value)) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'look-arounds, back references and named groups are not supported',
      });
      return;
    }
    try {
      new RegExp(r.value, 'i');
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: (err as Error).message });
    }
  });
export type CostMappingRule = z.infer<typeof CostMappingRuleSchema>;

export const MAX_COST_RULES = 200;

export const CostMappingRulesSchema = z
  .object({
    rules: z.array(CostMappingRuleSchema).max(MAX_COST_RULES, `at most ${MAX_COST_RULES} rules`),
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.rules.forEach((r, i) => {
      if (seen.has(r.id))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `"${r.id}" twice` });
      seen.add(r.id);
    });
  });
export type CostMappingRules = z.infer<typeof CostMappingRulesSchema>;

/** A rule file that does not read: every problem, each as `path: reason`. */
export class CostRulesError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid cost mapping rules:\n  ${issues.join('\n  ')}`);
  }
}

/** The rules of a file or request body, or a CostRulesError naming each bad field. */
export function parseCostMappingRules(input: unknown): CostMappingRules {
  const r = CostMappingRulesSchema.safeParse(input);
  if (r.success) return r.data;
  throw new CostRulesError(
    r.error.issues.map((i) => `${pathText(i.path) || '(file)'}: ${i.message}`),
  );
}

const pathText = (path: readonly PropertyKey[]): string =>
  path.map((x, i) => (typeof x === 'number' ? `[${x}]` : `${i ? '.' : ''}${String(x)}`)).join('');

/** A text as an RE2 pattern matching it literally. */
export const literalPattern = (s: string): string => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/** The case-insensitive RE2 pattern a rule's value is compared by. */
export function rulePattern(r: Pick<CostMappingRule, 'op' | 'value'>): string {
  switch (r.op) {
    case 'equals':
      return `(?i)^(?:${literalPattern(r.value)})$`;
    case 'starts_with':
      return `(?i)^(?:${literalPattern(r.value)})`;
    case 'contains':
      return `(?i)${literalPattern(r.value)}`;
    case 'matches':
      return `(?i)${r.value}`;
  }
}

/** The reference of `landing_path`: the URL without scheme and host, query or fragment; '/' for none. */
export function landingPath(url: string | null): string {
  const path = (url ?? '')
    .split('#')[0]!
    .split('?')[0]!
    .replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/, '');
  return path === '' ? '/' : path;
}

/** The session values a rule reads, as the reference below takes them. */
export type CostRuleSession = Readonly<Record<CostRuleField, string | null>>;

/** The reference: the first rule the session's values satisfy (the engines' SQL is held to it). */
export function firstCostRule(
  rules: readonly CostMappingRule[],
  s: CostRuleSession,
): CostMappingRule | null {
  for (const r of rules) {
    const v = s[r.field];
    if (v === null) continue;
    // JavaScript spells RE2's (?i) as a flag
    if (new RegExp(rulePattern(r).slice(4), 'i').test(v)) return r;
  }
  return null;
}
