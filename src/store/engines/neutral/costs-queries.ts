// Ad spend matched to the sessions it bought, written once for every engine (docs/costs.md, "Spend
// matched to sessions"). A paid session of an ad platform is matched to one of that platform's campaigns
// with spend in the range: by the campaign id its URL carried (utm_id, or a ValueTrack-style campaign id
// parameter), else by its utm_campaign compared as rules/campaign-name-key.ts spells names (any name the
// campaign had in the range, so a renamed campaign still matches). The conversions credited to the
// sessions come from the stored credits of one model and milestone. The tagging checks read from the
// same matching: tagging-queries.ts.
import type { AdPlatform } from '../../areas/ad-costs.js';
import {
  RESOLVED_CLICK_PARAM,
  type CostGroup,
  type CostMatchRule,
  type CostMatchStep,
  type CostsQuery,
  type CostsRow,
  type MatchQuery,
} from '../../areas/costs.js';
import { ENCODED_SPACE, SEPARATORS } from '../../../rules/campaign-name-key.js';
import { effectiveAdCostsSql, rateKey, ratesSql } from './ad-costs-queries.js';
import { REPORT_SESSIONS_TABLE } from './report-sessions-queries.js';
import { perRuleCountsSql, ruleNumberSql, ruleTargetSql, ruleValueSql } from './cost-rules-sql.js';
import { fn, join, p, raw, sql, type Piece, type Sql } from './sql.js';
import { ALL_FOUND, day, type Found, type MatchShape } from './cost-match-found.js';
import { convertsValues, valueRateJoin, valueRatesSql } from './value-fx.js';

/** A campaign name as its key (rules/campaign-name-key.ts): lower case, separators one space, no end spaces. */
export function campaignNameKeySql(e: Piece | string): Sql {
  const spaced = fn.regexpReplaceAll(
    fn.regexpReplaceAll(fn.lower(e), ENCODED_SPACE, ' '),
    SEPARATORS,
    ' ',
  );
  return sql`${fn.regexpReplaceAll(spaced, '^ | $', '')}`;
}

const nextDay = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString();

/** The ad platform of a session, from the platform the channel rules gave it (NULL: none). */
function adPlatformSql(q: MatchQuery): Sql {
  const whens = (Object.entries(q.platforms) as [AdPlatform, readonly string[]][]).flatMap(
    ([ad, names]) => names.map((n) => sql`WHEN ${p.text(n)} THEN ${p.text(ad)}`),
  );
  return sql`CASE s.platform ${join(whens, ' ')} ELSE NULL END`;
}

const GROUP = {
  platform: 'platform',
  campaign: 'campaign',
  adGroup: 'ad_group',
  ad: 'ad',
  keyword: 'keyword',
  date: 'day',
} as const satisfies Record<CostGroup, string>;

/** A keyword's key: compared as campaign names are (case, separators, `+` of broad match modifiers). */
const keywordKeySql = (e: string) => campaignNameKeySql(sql`coalesce(${raw(e)}, '')`);

/**
 * The spend in effect of the range (costs), the rates to the query's currency (rates) and the spend with
 * its ad group, ad and keyword, converted (spend): what a read of spend alone starts from.
 */
export function spendCtes(ws: string, q: MatchQuery, fx = true): Sql {
  // all spend in the query's currency (Found): the rate of every row is 1, no rate to read
  const cost = fx
    ? sql`c.cost_micros * x.rate / 1000000.0 AS cost, CASE WHEN x.rate IS NULL THEN 1 ELSE 0 END AS unrated`
    : sql`CAST(c.cost_micros AS DOUBLE) / 1000000.0 AS cost, 0 AS unrated`;
  return sql`  costs AS (${effectiveAdCostsSql(ws, q.from, q.to)}),${
    fx
      ? sql`
  rates AS (${ratesSql(ws, q.from, q.to, q.currency)}),`
      : sql``
  }
  spend AS (
    SELECT c.platform AS platform, c.campaign_id AS campaign, CAST(c.cost_date AS VARCHAR) AS day,
      coalesce(c.ad_group_id, '') AS ad_group, coalesce(c.ad_id, '') AS ad,
      ${keywordKeySql('c.keyword')} AS keyword,
      c.campaign_name AS campaign_name, c.ad_group_name AS ad_group_name, c.ad_name AS ad_name,
      c.keyword AS keyword_text, c.impressions AS impressions, c.clicks AS clicks,
      ${cost}
    FROM costs c${fx ? sql` LEFT JOIN rates x ON x.key = ${rateKey('c')}` : sql``})`;
}

/** A NULL of text type on both engines. */
const NO_TEXT = sql`nullif('', '')`;

/**
 * The spend in effect (costs, rates, spend with its ad group, ad and keyword), the paid sessions of the
 * range (sess: a paid channel, a campaign id, or a mapping rule's match), each matched session's
 * platform, campaign and rule (matched), and its ad group, ad and keyword where the spend has them
 * (placed): the CTEs every spend-and-sessions read starts from.
 */
export function matchCtes(ws: string, q: MatchQuery, shape: Partial<MatchShape> = {}): Sql {
  const { place = true, clicks = true, fx = true } = shape;
  const w = p.text(ws);
  const rules = q.rules ?? [];
  return sql`${spendCtes(ws, q, fx)},
  ids AS (SELECT DISTINCT platform, campaign_id AS campaign FROM costs),
  names AS (SELECT DISTINCT platform, campaign_id AS campaign, ${campaignNameKeySql('campaign_name')} AS name_key
    FROM costs),
  groups AS (SELECT DISTINCT platform, campaign_id AS campaign, ad_group_id AS ad_group
    FROM costs WHERE ad_group_id IS NOT NULL),
  ads AS (SELECT DISTINCT platform, campaign_id AS campaign, ad_id AS ad FROM costs WHERE ad_id IS NOT NULL),
  kws AS (SELECT DISTINCT platform, campaign_id AS campaign, ${keywordKeySql('keyword')} AS keyword
    FROM costs WHERE keyword IS NOT NULL),
  sess AS (
    SELECT *, ${clicks ? resolvedClickSql() : NO_TEXT} AS resolved_click,
      -- paid traffic (what the tagging checks read), beside what only a mapping rule brings in
      CASE WHEN ${fn.inTexts('channel', q.paidChannels)} OR campaign_id IS NOT NULL THEN 1 ELSE 0 END AS paid
    FROM (
      SELECT s.session_id AS session_id, CAST(${fn.utcDay('s.started_at')} AS VARCHAR) AS day,
        ${adPlatformSql(q)} AS platform, s.channel AS channel, s.campaign_id AS campaign_id,
        s.campaign AS raw_campaign, s.click_ids AS click_ids, s.landing_url AS landing_url,
        s.source AS source, s.medium AS medium, s.decided_by AS decided_by,
        -- the URL's parsed parameters as the derive step stored them (report-sessions-queries.ts)
        s.name_key AS name_key, s.ad_group_id AS ad_group_id, s.ad_id AS ad_id,
        s.vt_campaign AS vt_campaign, s.keyword_key AS keyword_key,
        ${ruleNumberSql(rules)} AS rule_no
      FROM ${fn.table(REPORT_SESSIONS_TABLE)} s
      WHERE s.workspace_id = ${w} AND s.started_at >= ${p.time(`${q.from}T00:00:00.000Z`)}
        AND s.started_at < ${p.time(nextDay(q.to))}
        -- paid, or a rule's (rule_no): read by the scan, once (most sessions are not paid)
        AND (${fn.inTexts('s.channel', q.paidChannels)} OR s.campaign_id IS NOT NULL
          OR ${ruleNumberSql(rules)} IS NOT NULL)) r),
  resolved AS (
    SELECT c.platform AS platform, c.click_id AS click_id, c.campaign_id AS campaign,
      c.ad_group_id AS ad_group, c.ad_id AS ad, ${keywordKeySql('c.keyword')} AS keyword
    FROM ${fn.table('ad_clicks')} c
    JOIN (SELECT platform, click_id, max(recorded_at) AS at FROM ${fn.table('ad_clicks')}
      WHERE workspace_id = ${w} AND click_date >= ${day(q.from, -1)} AND click_date <= ${day(q.to, 1)}
      GROUP BY platform, click_id) l
      ON l.platform = c.platform AND l.click_id = c.click_id AND l.at = c.recorded_at
    WHERE c.workspace_id = ${w}),
  looked AS (
    -- what each step (in the order they are tried: click id, campaign id, ad group id, campaign name,
    -- mapping rule) finds for a paid session, side by side, and the first step's answer (m_*), one row
    -- per session from one read of them: ClickHouse repeats a CTE per use, and a GROUP BY of the
    -- sessions or a join back to them cost more than the match itself
    SELECT s.session_id AS session_id, s.day AS day, s.platform AS platform,
      s.resolved_click AS resolved_click, s.campaign_id AS campaign_id, s.ad_group_id AS ad_group_id,
      s.raw_campaign AS raw_campaign, s.rule_no AS rule_no, ${
        clicks
          ? sql`c.campaign AS c_campaign, c.ad_group AS c_ad_group, c.ad AS c_ad, c.keyword AS c_keyword`
          : sql`${NO_TEXT} AS c_campaign, ${NO_TEXT} AS c_ad_group, ${NO_TEXT} AS c_ad,
        ${NO_TEXT} AS c_keyword`
      }, i.campaign AS i_campaign,
      g.campaign AS g_campaign, n.campaign AS n_campaign,
      ${ruleValueSql(rules, 's.rule_no', 's.raw_campaign')} AS r_value,
      ${ruleTargetSql(rules, 's.rule_no', (r) => r.platform)} AS r_platform,
      ${ruleTargetSql(rules, 's.rule_no', (r) => r.campaign)} AS r_campaign,
      ${ruleTargetSql(rules, 's.rule_no', (r) => r.adGroup)} AS r_ad_group, ${carried}
    FROM sess s${
      clicks
        ? sql`
      LEFT JOIN (SELECT platform, click_id, min(campaign) AS campaign, min(ad_group) AS ad_group,
          min(ad) AS ad, min(keyword) AS keyword
        FROM resolved GROUP BY platform, click_id) c
        ON c.platform = s.platform AND c.click_id = s.resolved_click`
        : sql``
    }
      LEFT JOIN ids i ON i.platform = s.platform AND i.campaign = s.campaign_id
      LEFT JOIN (SELECT platform, ad_group, min(campaign) AS campaign FROM groups
        GROUP BY platform, ad_group) g ON g.platform = s.platform AND g.ad_group = s.ad_group_id
      -- no name has the empty key, so a session without a utm_campaign matches none
      LEFT JOIN (SELECT platform, name_key, min(campaign) AS campaign FROM names WHERE name_key <> ''
        GROUP BY platform, name_key) n ON n.platform = s.platform AND n.name_key = s.name_key),
  firsts AS (
    SELECT *, ${join(
      MATCHED.map(([c, pick]) => sql`${pick} AS ${raw(`m_${c}`)}`),
      ', ',
    )}
    FROM looked),
  hits AS (SELECT * FROM firsts WHERE m_rule IS NOT NULL),
  cands AS (
    -- every step's match of a session (at most one each), numbered in the order the steps are tried
    SELECT session_id, 1 AS step, 'click_id' AS rule, resolved_click AS value, platform,
      c_campaign AS campaign, coalesce(c_ad_group, '') AS ad_group, 0 AS rule_no
    FROM hits WHERE c_campaign IS NOT NULL
    UNION ALL
    SELECT session_id, 2, 'campaign_id', campaign_id, platform, i_campaign, '', 0
    FROM hits WHERE i_campaign IS NOT NULL
    UNION ALL
    SELECT session_id, 3, 'ad_group_id', ad_group_id, platform, g_campaign, '', 0
    FROM hits WHERE g_campaign IS NOT NULL
    UNION ALL
    SELECT session_id, 4, 'campaign_name', raw_campaign, platform, n_campaign, '', 0
    FROM hits WHERE n_campaign IS NOT NULL
    UNION ALL
    SELECT session_id, 5, 'rule', r_value, r_platform, r_campaign, coalesce(r_ad_group, ''), rule_no
    FROM hits WHERE rule_no IS NOT NULL),
  matched AS (
    -- the matched sessions, each with the first step that matched it
    SELECT session_id, day, ${join(
      MATCHED.map(([c]) => sql`${raw(`m_${c}`)} AS ${raw(c)}`),
      ', ',
    )}
    FROM hits),
  placed AS (
    -- every paid session (platform and the rest NULL: matched to none) with its match, placed in its
    -- ad group, ad and keyword where its campaign's spend has them (only when asked: \`place\`)
    SELECT m.session_id AS session_id, m.day AS day, m.platform AS s_platform,
      m.m_platform AS platform, m.m_campaign AS campaign, m.m_rule AS rule, m.m_rule_no AS rule_no,
      ${
        place
          ? sql`coalesce(nullif(m.m_ad_group, ''), g.ad_group) AS ad_group,
      coalesce(nullif(m.m_ad, ''), a.ad) AS ad, coalesce(nullif(m.m_keyword, ''), k.keyword) AS keyword
    FROM firsts m
      LEFT JOIN groups g ON g.platform = m.m_platform AND g.campaign = m.m_campaign
        AND g.ad_group = m.s_ad_group
      LEFT JOIN ads a ON a.platform = m.m_platform AND a.campaign = m.m_campaign AND a.ad = m.s_ad
      LEFT JOIN kws k ON k.platform = m.m_platform AND k.campaign = m.m_campaign
        AND k.keyword = m.s_keyword AND m.s_keyword <> ''`
          : sql`nullif(m.m_ad_group, '') AS ad_group, nullif(m.m_ad, '') AS ad,
      nullif(m.m_keyword, '') AS keyword
    FROM firsts m`
      })`;
}

/** What each match carries of its session for the finer levels: its ad group, ad and keyword. */
const carried = sql`coalesce(s.ad_group_id, '') AS s_ad_group, coalesce(s.ad_id, '') AS s_ad,
      s.keyword_key AS s_keyword`;

/** A session's first step's answer (steps as looked reads them: 1 click id ... 5 mapping rule); NULL: none. */
const firstStep = (arms: readonly [string, string, string, string, string]): Sql =>
  sql`${raw(`CASE WHEN c_campaign IS NOT NULL THEN ${arms[0]} WHEN i_campaign IS NOT NULL THEN ${arms[1]}
    WHEN g_campaign IS NOT NULL THEN ${arms[2]} WHEN n_campaign IS NOT NULL THEN ${arms[3]}
    WHEN rule_no IS NOT NULL THEN ${arms[4]} ELSE NULL END`)}`;

/** Each column of a session's match, from the first step that matched it. */
const MATCHED: [string, Sql][] = [
  [
    'rule',
    firstStep(["'click_id'", "'campaign_id'", "'ad_group_id'", "'campaign_name'", "'rule'"]),
  ],
  ['platform', firstStep(['platform', 'platform', 'platform', 'platform', 'r_platform'])],
  ['campaign', firstStep(['c_campaign', 'i_campaign', 'g_campaign', 'n_campaign', 'r_campaign'])],
  [
    'ad_group',
    firstStep(["coalesce(c_ad_group, '')", "''", "''", "''", "coalesce(r_ad_group, '')"]),
  ],
  ['ad', firstStep(["coalesce(c_ad, '')", "''", "''", "''", "''"])],
  ['keyword', firstStep(["coalesce(c_keyword, '')", "''", "''", "''", "''"])],
  ['rule_no', firstStep(['0', '0', '0', '0', 'rule_no'])],
  ['s_ad_group', sql`s_ad_group`],
  ['s_ad', sql`s_ad`],
  ['s_keyword', sql`s_keyword`],
];

/** The click id of the session's platform that the platform resolves (RESOLVED_CLICK_PARAM), if any. */
function resolvedClickSql(): Sql {
  const arms = (Object.entries(RESOLVED_CLICK_PARAM) as [AdPlatform, string][]).map(
    ([ad, param]) => sql`WHEN ${p.text(ad)} THEN ${fn.jsonText('click_ids', param)}`,
  );
  return sql`CASE platform ${join(arms, ' ')} ELSE NULL END`;
}

/** Per group value, the name shown beside it: the latest in the range. */
const NAMES: Partial<Record<CostGroup, [string, string]>> = {
  campaign: ['campaign_name', 'campaign_name'],
  adGroup: ['ad_group_name', 'ad_group_name'],
  ad: ['ad_name', 'ad_name'],
  keyword: ['keyword_text', 'keyword_text'],
};

export function costsReportSql(ws: string, q: CostsQuery, found: Found = ALL_FOUND): Sql {
  const w = p.text(ws);
  const rules = q.rules ?? [];
  const groups = (side: string) =>
    q.groupBy.map((g) => sql`${raw(`${side}.${GROUP[g]}`)} AS ${raw(`g_${g}`)}`);
  const by = q.groupBy.map((g) => sql`${raw(GROUP[g])}`);
  const groupBy = by.length ? sql`GROUP BY ${join(by, ', ')}` : sql``;
  const select = (side: string) => (by.length ? sql`${join(groups(side), ', ')}, ` : sql``);
  const on = q.groupBy.map((g) => sql`${raw(`a.g_${g}`)} = ${raw(`b.g_${g}`)}`);
  const joined = on.length ? sql`FULL OUTER JOIN b ON ${join(on, ' AND ')}` : sql`CROSS JOIN b`;
  const out = q.groupBy.map(
    (g) => sql`coalesce(${raw(`a.g_${g}`)}, ${raw(`b.g_${g}`)}) AS ${raw(`g_${g}`)}`,
  );
  const named = q.groupBy.flatMap((g) => {
    const n = NAMES[g];
    return n ? [n] : [];
  });
  const names = named.map(([col, as]) => sql`, ${fn.argMax(col, 'day')} AS ${raw(as)}`);
  const namesOut = named.map(([, as]) => sql`${raw(`a.${as}`)} AS ${raw(as)}, `);
  const ruleCounts = rules.map(
    (_, i) => sql`, coalesce(${raw(`b.r_${i + 1}`)}, 0) AS ${raw(`r_${i + 1}`)}`,
  );
  const milestone = p.text(q.milestone);
  const wanted = sql`(${milestone}, 'lead', 'opportunity', 'customer')`;
  // credit values kept in the workspace's currency, converted at read time when another is asked
  // (value-fx.ts): one with no rate adds nothing (the report names its day)
  const converts = convertsValues(q);
  const vrates = converts
    ? sql`,
  vrates AS (${valueRatesSql(ws, q, 'attribution_credits', 'converted_at', sql`v.model = ${p.text(q.model)} AND v.milestone IN ${wanted} AND v.touch_id IS NOT NULL`)})`
    : sql``;
  const value = converts ? sql`coalesce(c.value * vr.rate, 0)` : sql`c.value`;
  // placed in ad groups, ads and keywords only when the rows are
  const place = q.groupBy.some((g) => g === 'adGroup' || g === 'ad' || g === 'keyword');
  return sql`WITH ${matchCtes(ws, q, { ...found, place })}${vrates},
  credited AS (
    -- the sums named apart from the columns they read (ClickHouse would read an alias of a column's name)
    SELECT c.touch_id AS touch_id,
      sum(CASE WHEN c.milestone = ${milestone} THEN c.conversions ELSE 0 END) AS k_conversions,
      sum(CASE WHEN c.milestone = ${milestone} THEN ${value} ELSE 0 END) AS k_value,
      sum(CASE WHEN c.milestone = 'lead' THEN c.conversions ELSE 0 END) AS k_leads,
      sum(CASE WHEN c.milestone = 'opportunity' THEN ${value} ELSE 0 END) AS k_pipeline,
      sum(CASE WHEN c.milestone = 'customer' THEN ${value} ELSE 0 END) AS k_revenue
    FROM ${fn.table('attribution_credits')} c${converts ? valueRateJoin('vrates', 'vr', 'c.converted_at') : sql``}
    WHERE c.workspace_id = ${w} AND c.model = ${p.text(q.model)}
      AND c.milestone IN ${wanted} AND c.touch_id IS NOT NULL
    GROUP BY c.touch_id),
  traffic AS (
    SELECT coalesce(m.platform, m.s_platform) AS platform, coalesce(m.campaign, '') AS campaign,
      coalesce(m.ad_group, '') AS ad_group, coalesce(m.ad, '') AS ad, coalesce(m.keyword, '') AS keyword,
      m.day AS day, coalesce(m.rule, '') AS rule, coalesce(m.rule_no, 0) AS rule_no,
      coalesce(k.k_conversions, 0) AS conversions, coalesce(k.k_value, 0) AS value,
      coalesce(k.k_leads, 0) AS leads, coalesce(k.k_pipeline, 0) AS pipeline,
      coalesce(k.k_revenue, 0) AS revenue
    FROM placed m LEFT JOIN credited k ON k.touch_id = m.session_id
    WHERE coalesce(m.platform, m.s_platform) IS NOT NULL),
  a AS (
    SELECT ${select('spend')}sum(impressions) AS impressions, sum(clicks) AS clicks, sum(cost) AS cost,
      sum(unrated) AS unrated${join(names, '')}
    FROM spend ${groupBy}),
  b AS (
    SELECT ${select('traffic')}${fn.countAll()} AS sessions,
      ${fn.countIf("rule = 'click_id'")} AS by_click, ${fn.countIf("rule = 'campaign_id'")} AS by_id, ${fn.countIf("rule = 'ad_group_id'")} AS by_group,
      ${fn.countIf("rule = 'campaign_name'")} AS by_name, ${fn.countIf("rule = 'rule'")} AS by_rule,
      sum(conversions) AS conversions, sum(value) AS value,
      sum(leads) AS leads, sum(pipeline) AS pipeline, sum(revenue) AS revenue${perRuleCountsSql(rules)}
    FROM traffic ${groupBy})
  SELECT ${out.length ? sql`${join(out, ', ')}, ` : sql``}
    coalesce(a.impressions, 0) AS impressions, coalesce(a.clicks, 0) AS clicks,
    CASE WHEN coalesce(a.unrated, 0) > 0 THEN NULL ELSE coalesce(a.cost, 0) END AS cost,
    ${join(namesOut, '')}
    coalesce(b.sessions, 0) AS sessions, coalesce(b.by_click, 0) AS by_click, coalesce(b.by_id, 0) AS by_id, coalesce(b.by_group, 0) AS by_group,
    coalesce(b.by_name, 0) AS by_name, coalesce(b.by_rule, 0) AS by_rule,
    coalesce(b.conversions, 0) AS conversions, coalesce(b.value, 0) AS value,
    coalesce(b.leads, 0) AS leads, coalesce(b.pipeline, 0) AS pipeline,
    coalesce(b.revenue, 0) AS revenue${join(ruleCounts, '')}
  FROM a ${joined}
  ${
    out.length
      ? sql`ORDER BY ${join(
          q.groupBy.map((g) => sql`${raw(`g_${g}`)}`),
          ', ',
        )}`
      : sql``
  }`;
}

export const textOrNull = (v: unknown): string | null =>
  v === null || v === undefined || v === '' ? null : String(v);

export const toCostsRow =
  (q: Pick<CostsQuery, 'groupBy' | 'rules'>) =>
  (r: Record<string, unknown>): CostsRow => {
    const g = q.groupBy;
    const rules: Record<string, number> = {};
    (q.rules ?? []).forEach((rule, i) => {
      const n = Number(r[`r_${i + 1}`]);
      if (n > 0) rules[rule.id] = n;
    });
    return {
      ...(g.includes('platform') ? { platform: String(r.g_platform) as AdPlatform } : {}),
      ...(g.includes('campaign')
        ? { campaign: textOrNull(r.g_campaign), campaignName: textOrNull(r.campaign_name) }
        : {}),
      ...(g.includes('adGroup')
        ? { adGroup: textOrNull(r.g_adGroup), adGroupName: textOrNull(r.ad_group_name) }
        : {}),
      ...(g.includes('ad') ? { ad: textOrNull(r.g_ad), adName: textOrNull(r.ad_name) } : {}),
      ...(g.includes('keyword')
        ? { keyword: textOrNull(r.g_keyword), keywordText: textOrNull(r.keyword_text) }
        : {}),
      ...(g.includes('date') ? { date: String(r.g_date) } : {}),
      impressions: Number(r.impressions),
      clicks: Number(r.clicks),
      cost: r.cost === null || r.cost === undefined ? null : Number(r.cost),
      sessions: Number(r.sessions),
      matchedBy: {
        click_id: Number(r.by_click),
        campaign_id: Number(r.by_id),
        ad_group_id: Number(r.by_group),
        campaign_name: Number(r.by_name),
        rule: Number(r.by_rule),
      },
      rules,
      conversions: Number(r.conversions),
      value: Number(r.value),
      leads: Number(r.leads),
      pipeline: Number(r.pipeline),
      revenue: Number(r.revenue),
    };
  };

/** The milestones with stored credits under a model. */
export function creditedMilestonesSql(ws: string, model: string): Sql {
  return sql`SELECT DISTINCT milestone FROM ${fn.table('attribution_credits')}
  WHERE workspace_id = ${p.text(ws)} AND model = ${p.text(model)} ORDER BY milestone`;
}

/** Every step that matches one session, in the order they are tried (the first decides), with the value it read. */
export function explainMatchSql(ws: string, q: MatchQuery, sessionId: string): Sql {
  return sql`WITH ${matchCtes(ws, q, { place: false })}
  SELECT step, rule, value, platform, campaign, ad_group, rule_no FROM cands
  WHERE session_id = ${p.text(sessionId)} ORDER BY step`;
}

export const toMatchStep =
  (rules: readonly { id: string }[]) =>
  (r: Record<string, unknown>): CostMatchStep => ({
    rule: String(r.rule) as CostMatchRule,
    value: textOrNull(r.value),
    platform: String(r.platform) as AdPlatform,
    campaign: String(r.campaign),
    adGroup: textOrNull(r.ad_group),
    ...(String(r.rule) === 'rule' ? { ruleId: rules[Number(r.rule_no) - 1]?.id ?? null } : {}),
  });
