/**
 * Compiling a channel rule set into a fast classifier. Done once per rule set: regexes compiled,
 * lists resolved, every condition turned into a closure. The classifier then reads a touch's fields
 * once (lower-cased into a reused scratch record), walks the rules top-down and returns the first
 * match, allocating nothing but its result, so a rebuild can run it over millions of sessions.
 *
 * Example:
 *   const rules = compileRules(); // the GA4 defaults
 *   rules.classify({ source: 'google', medium: 'cpc' }) // → { channel: 'Paid Search', platform: 'Google', ruleId: 'paid-search' }
 */
import { DEFAULT_RULE_SET, UNASSIGNED } from './default-rules.js';
import {
  parseRuleSet,
  RuleSetError,
  type ChannelRule,
  type Condition,
  type RuleSet,
} from './rule-schema.js';
import {
  BUILTIN_LISTS,
  createSourceIndex,
  defaultSourceIndex,
  type SourceIndex,
} from './source-lists.js';

/** What a rule looks at: a session's derived source/medium (a `SourceMedium` fits) or a stored row. */
export interface ChannelTouch {
  readonly source?: string | null;
  readonly medium?: string | null;
  readonly campaign?: string | null;
  readonly term?: string | null;
  readonly content?: string | null;
  readonly campaignId?: string | null;
  /** When absent, derived from the source with the source lists. */
  readonly platform?: string | null;
  readonly decidedBy?: string | null;
  readonly clickIds?: Readonly<Record<string, string>> | null;
}

export interface ChannelResult {
  readonly channel: string;
  readonly platform: string;
  /** The id of the rule that matched; null when none did (Unassigned). */
  readonly ruleId: string | null;
}

export interface RuleRef {
  readonly id: string;
  readonly channel: string;
  /** 1-based position in the rule set. */
  readonly position: number;
}

export interface RulesExplanation {
  readonly result: ChannelResult;
  readonly matched: RuleRef | null;
  /** Rules evaluated before the match (all of them when nothing matched), in order. */
  readonly tried: readonly RuleRef[];
}

export interface CompiledRules {
  readonly rules: readonly ChannelRule[];
  readonly classify: (touch: ChannelTouch) => ChannelResult;
  readonly explain: (touch: ChannelTouch) => RulesExplanation;
}

export interface CompileOptions {
  readonly sources?: SourceIndex;
}

/** The lower-cased field values of the touch being classified; one per compiled rule set, reused. */
interface Scratch {
  source: string;
  medium: string;
  campaign: string;
  term: string;
  content: string;
  campaign_id: string;
  platform: string;
  decided_by: string;
  clickIds: Readonly<Record<string, string>> | null;
}
type Getter = (s: Scratch) => string;
type Predicate = (s: Scratch) => boolean;

/** Lower case, copying only when something changes (stored values usually are lower case already). */
function lower(v: string | null | undefined): string {
  if (!v) return '';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return v.toLowerCase();
  }
  return v;
}
const PLACEHOLDERS = new Set(['', '(not set)', '(none)']);

function getterFor(field: string): Getter {
  if (field.startsWith('click_id.')) {
    const param = field.slice('click_id.'.length).toLowerCase();
    return (s) => lower(s.clickIds?.[param]);
  }
  switch (field) {
    case 'source':
      return (s) => s.source;
    case 'medium':
      return (s) => s.medium;
    case 'campaign':
      return (s) => s.campaign;
    case 'term':
      return (s) => s.term;
    case 'content':
      return (s) => s.content;
    case 'campaign_id':
      return (s) => s.campaign_id;
    case 'platform':
      return (s) => s.platform;
    case 'decided_by':
      return (s) => s.decided_by;
    default:
      throw new RuleSetError([`unknown field "${field}"`]);
  }
}

type ListMatcher = (value: string) => boolean;

function buildLists(set: RuleSet, sources: SourceIndex): Map<string, ListMatcher> {
  const lists = new Map<string, ListMatcher>();
  for (const name of BUILTIN_LISTS)
    lists.set(name, (v) => v !== '' && sources.lookup(v)?.category === name);
  for (const [name, values] of Object.entries(set.lists ?? {})) {
    const index = createSourceIndex(
      values.map((raw) => {
        const value = raw.trim().toLowerCase();
        return {
          name: value,
          platform: '(other)',
          category: 'other' as const,
          domains: value.includes('.') ? [value] : [],
        };
      }),
    );
    const own: ListMatcher = (v) => v !== '' && index.lookup(v) !== undefined;
    // a user list named like a built-in one extends it
    const builtin = lists.get(name);
    lists.set(name, builtin ? (v) => builtin(v) || own(v) : own);
  }
  return lists;
}

function compileCondition(cond: Condition, lists: Map<string, ListMatcher>): Predicate {
  if ('all' in cond) {
    const parts = cond.all.map((c) => compileCondition(c, lists));
    return (s) => {
      for (const p of parts) if (!p(s)) return false;
      return true;
    };
  }
  if ('any' in cond) {
    const parts = cond.any.map((c) => compileCondition(c, lists));
    return (s) => {
      for (const p of parts) if (p(s)) return true;
      return false;
    };
  }
  if ('not' in cond) {
    const inner = compileCondition(cond.not, lists);
    return (s) => !inner(s);
  }
  const get = getterFor(cond.field);
  switch (cond.op) {
    case 'equals': {
      const want = cond.value.toLowerCase();
      return (s) => get(s) === want;
    }
    case 'in': {
      const set = new Set(cond.value.map((v) => v.toLowerCase()));
      return (s) => set.has(get(s));
    }
    case 'in_list': {
      const list = lists.get(cond.value);
      if (!list) throw new RuleSetError([`unknown list "${cond.value}"`]);
      return (s) => list(get(s));
    }
    case 'matches': {
      const re = new RegExp(cond.value, 'i'); // no g flag: test() stays stateless
      return (s) => re.test(get(s));
    }
    case 'contains': {
      const want = cond.value.toLowerCase();
      return (s) => get(s).includes(want);
    }
    case 'starts_with': {
      const want = cond.value.toLowerCase();
      return (s) => get(s).startsWith(want);
    }
    case 'ends_with': {
      const want = cond.value.toLowerCase();
      return (s) => get(s).endsWith(want);
    }
    case 'exists': {
      const want = cond.value !== false;
      return (s) => !PLACEHOLDERS.has(get(s)) === want;
    }
  }
}

/**
 * Compiles a rule set (default: the GA4 defaults). Validates it first and throws
 * {@link RuleSetError} when it is invalid; pass a set through `parseRuleSet` to get the same errors earlier.
 */
export function compileRules(
  set: RuleSet = DEFAULT_RULE_SET,
  options: CompileOptions = {},
): CompiledRules {
  const valid = parseRuleSet(set);
  const sources = options.sources ?? defaultSourceIndex;
  const lists = buildLists(valid, sources);
  const rules = valid.rules;
  const predicates = rules.map((r) => compileCondition(r.when, lists));
  const refs: RuleRef[] = rules.map((r, i) => ({ id: r.id, channel: r.channel, position: i + 1 }));

  const s: Scratch = {
    source: '',
    medium: '',
    campaign: '',
    term: '',
    content: '',
    campaign_id: '',
    platform: '',
    decided_by: '',
    clickIds: null,
  };
  // Fills the scratch record; returns the platform to report (display case).
  const load = (t: ChannelTouch): string => {
    s.source = lower(t.source);
    s.medium = lower(t.medium);
    s.campaign = lower(t.campaign);
    s.term = lower(t.term);
    s.content = lower(t.content);
    s.campaign_id = lower(t.campaignId);
    s.decided_by = lower(t.decidedBy);
    s.clickIds = t.clickIds ?? null;
    const platform =
      t.platform ||
      (s.source === '(direct)'
        ? '(direct)'
        : s.source === ''
          ? '(other)'
          : (sources.lookup(s.source)?.platform ?? '(other)'));
    s.platform = lower(platform);
    return platform;
  };
  const resultFor = (index: number, platform: string): ChannelResult => {
    if (index < 0) return { channel: UNASSIGNED, platform, ruleId: null };
    const rule = rules[index] as ChannelRule;
    return { channel: rule.channel, platform: rule.platform ?? platform, ruleId: rule.id };
  };

  const classify = (touch: ChannelTouch): ChannelResult => {
    const platform = load(touch);
    for (let i = 0; i < predicates.length; i++) {
      if ((predicates[i] as Predicate)(s)) return resultFor(i, platform);
    }
    return resultFor(-1, platform);
  };

  const explain = (touch: ChannelTouch): RulesExplanation => {
    const platform = load(touch);
    for (let i = 0; i < predicates.length; i++) {
      if ((predicates[i] as Predicate)(s)) {
        return {
          result: resultFor(i, platform),
          matched: refs[i] ?? null,
          tried: refs.slice(0, i),
        };
      }
    }
    return { result: resultFor(-1, platform), matched: null, tried: refs.slice() };
  };

  return { rules, classify, explain };
}

let defaultRules: CompiledRules | null = null;
/** The compiled GA4 defaults, built on first use. */
export function defaultCompiledRules(): CompiledRules {
  defaultRules ??= compileRules();
  return defaultRules;
}
