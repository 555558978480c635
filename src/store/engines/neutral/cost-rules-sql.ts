// A workspace's cost mapping rules (rules/cost-mapping.ts) in SQL, written once for every engine: which
// rule, first in order, a session satisfies, and the platform, campaign and ad group it names. Each
// rule's value is bound as a parameter (its pattern is the marketer's text, never SQL).
import {
  rulePattern,
  type CostMappingRule,
  type CostRuleField,
} from '../../../rules/cost-mapping.js';
import { fn, join, p, raw, sql, type Sql } from './sql.js';

/** The path of a landing URL (no scheme, host, query or fragment); '/' when it has none. */
function landingPathSql(url: string): Sql {
  const noQuery = fn.splitPart(fn.splitPart(sql`coalesce(${raw(url)}, '')`, '#', 1), '?', 1);
  const path = fn.regexpReplaceAll(noQuery, '^[A-Za-z][A-Za-z0-9+.-]*://[^/]*', '');
  return sql`CASE WHEN ${path} = '' THEN '/' ELSE ${path} END`;
}

/** What each field reads of a session (alias `s`); utm_source / utm_medium only when a UTM decided them. */
const FIELD: Record<CostRuleField, (campaign: string) => Sql> = {
  utm_campaign: (campaign) => sql`${raw(campaign)}`,
  utm_source: () => sql`CASE WHEN s.decided_by = 'utm' THEN s.source ELSE NULL END`,
  utm_medium: () => sql`CASE WHEN s.decided_by = 'utm' THEN s.medium ELSE NULL END`,
  landing_path: () => landingPathSql('s.landing_url'),
  campaign_id: () => sql`s.campaign_id`,
};

/**
 * The value the rule numbered `no` read (for the explanation of a match), over a relation `s` that
 * has the sessions' columns, utm_campaign as `campaign`.
 */
export function ruleValueSql(rules: readonly CostMappingRule[], no: string, campaign: string): Sql {
  const arms = rules.map((r, i) => sql`WHEN ${p.int(i + 1)} THEN ${FIELD[r.field](campaign)}`);
  return sql`CASE ${raw(no)} WHEN 0 THEN '' ${join(arms, ' ')} ELSE NULL END`;
}

/** The number (1-based) of the first rule a session (alias `s`) satisfies; NULL for none. */
export function ruleNumberSql(rules: readonly CostMappingRule[]): Sql {
  // the `WHEN false` arm gives the CASE a type when there are no rules
  const arms = rules.map(
    (r, i) =>
      sql`WHEN coalesce(${fn.regexpMatchesBound(FIELD[r.field]('s.campaign'), rulePattern(r))}, false) THEN ${p.int(i + 1)}`,
  );
  return sql`CASE WHEN false THEN 0 ${join(arms, ' ')} ELSE NULL END`;
}

/** One of a rule's targets by the rule's number (`no`); NULL when it names none. */
export function ruleTargetSql(
  rules: readonly CostMappingRule[],
  no: string,
  target: (r: CostMappingRule) => string | undefined,
): Sql {
  const arms = rules.flatMap((r, i) => {
    const v = target(r);
    return v === undefined ? [] : [sql`WHEN ${p.int(i + 1)} THEN ${p.text(v)}`];
  });
  return sql`CASE ${raw(no)} WHEN 0 THEN '' ${join(arms, ' ')} ELSE NULL END`;
}

/** Per rule, how many of the rows matched by it (`rule_no`): columns r_1, r_2, ... */
export function perRuleCountsSql(rules: readonly CostMappingRule[]): Sql {
  if (rules.length === 0) return sql``;
  return sql`, ${join(
    rules.map((_, i) => sql`${fn.countIf(sql`rule_no = ${p.int(i + 1)}`)} AS ${raw(`r_${i + 1}`)}`),
    ', ',
  )}`;
}
