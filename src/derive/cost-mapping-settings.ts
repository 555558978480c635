// A workspace's cost mapping rules (rules/cost-mapping.ts), kept as its setting `cost_mapping_rules`.
// Nothing is derived from them: the costs reads apply them when they run, so a change re-applies to
// all history at once, and replacing them never touches a stored row (docs/costs.md, "Mapping rules").
import {
  parseCostMappingRules,
  type CostMappingRule,
  type CostMappingRules,
} from '../rules/cost-mapping.js';
import type { Store } from '../store/store.js';

/** Setting key. */
export const COST_MAPPING_RULES = 'cost_mapping_rules';

/** The workspace's rules, in the order they are tried (none when never set). */
export async function costMappingRulesFor(
  store: Store,
  workspaceId: string,
): Promise<CostMappingRule[]> {
  const stored = await store.getSetting(workspaceId, COST_MAPPING_RULES);
  if (stored === undefined || stored === null) return [];
  // written only through setCostMappingRules, so it reads; a rule file of an older shape would throw here
  return parseCostMappingRules(stored).rules;
}

/** Replaces the workspace's rules with a checked file (a CostRulesError names each bad field). */
export async function setCostMappingRules(
  store: Store,
  workspaceId: string,
  input: unknown,
): Promise<CostMappingRules> {
  const rules = parseCostMappingRules(input);
  await store.setSetting(workspaceId, COST_MAPPING_RULES, rules);
  return rules;
}
