/**
 * Explaining one landing: the derived source / medium and tags, the step that decided them, the
 * channel and platform, the rule that decided the channel (with its position) and the rules tried
 * before it. Backs `closedloop channels explain` so users can debug their tagging.
 *
 * Example:
 *   explainLanding({ url: 'https://example.com/?utm_source=LinkedIn&utm_medium=Paid_Social' })
 *   // → { source: 'linkedin', medium: 'paid_social', channel: 'Paid Social', platform: 'LinkedIn',
 *   //     rule: { id: 'paid-social', position: 5, ... }, tried: [direct, cross-network, ...], ... }
 */
import type { ChannelRule, RuleSet } from './rule-schema.js';
import { compileRules, defaultCompiledRules, type CompiledRules, type RuleRef } from './rules.js';
import {
  createSourceMediumDeriver,
  type SourceMedium,
  type SourceMediumOptions,
} from './source-medium.js';

export interface ExplainInput extends SourceMediumOptions {
  readonly url: string;
  readonly referrer?: string | null;
  /** A rule set, or one already compiled; default: the GA4 defaults. */
  readonly rules?: RuleSet | CompiledRules;
}

export interface LandingExplanation extends SourceMedium {
  readonly url: string;
  readonly referrer: string | null;
  readonly channel: string;
  /** The rule that decided the channel, null when none matched (Unassigned). */
  readonly rule: (RuleRef & { readonly description?: string }) | null;
  /** The rules evaluated before it, in order (all rules when Unassigned). */
  readonly tried: readonly RuleRef[];
}

function isCompiled(rules: RuleSet | CompiledRules): rules is CompiledRules {
  return typeof (rules as CompiledRules).classify === 'function';
}

export function explainLanding(input: ExplainInput): LandingExplanation {
  const derived = createSourceMediumDeriver(input)({
    url: input.url,
    referrer: input.referrer ?? null,
  });
  const compiled =
    input.rules === undefined
      ? defaultCompiledRules()
      : isCompiled(input.rules)
        ? input.rules
        : compileRules(input.rules);
  const { result, matched, tried } = compiled.explain(derived);
  const rule: ChannelRule | undefined = matched ? compiled.rules[matched.position - 1] : undefined;
  return {
    url: input.url,
    referrer: input.referrer ?? null,
    ...derived,
    platform: result.platform,
    channel: result.channel,
    rule: matched
      ? { ...matched, ...(rule?.description ? { description: rule.description } : {}) }
      : null,
    tried,
  };
}
