// The CRM area's SQL, written once for every engine: the facts read back, their stage keys, and the
// CRM milestones derived from them by matching CRM objects to persons (docs/crm.md, "Matching"). The
// rows they take and give: crm-rows.ts.
import type { CrmMilestoneMapping } from '../../areas/crm.js';
import { fxConversionSql } from './fx-queries.js';
import { fn, join, p, sql, type Sql } from './sql.js';

/** Which of these keys are stored already (in crm_changes, or revenue_records). */
export function storedCrmKeysSql(
  ws: string,
  keys: readonly string[],
  table: 'crm_changes' | 'revenue_records' = 'crm_changes',
): Sql {
  return sql`SELECT key FROM ${fn.table(table)}
    WHERE workspace_id = ${p.text(ws)} AND ${fn.inSet('key', p.texts(keys))}`;
}

export function listRevenueSql(ws: string): Sql {
  return sql`SELECT key, source, account, payment_id, ${fn.epochMs('occurred_at')} AS occurred_ms,
      amount_minor, currency, deal_id, description
    FROM ${fn.table('revenue_records')} WHERE workspace_id = ${p.text(ws)}
    ORDER BY occurred_ms, key`;
}

export function listCrmChangesSql(ws: string): Sql {
  const w = p.text(ws);
  return sql`SELECT c.key AS key, source, account, object_type, object_id, change,
      ${fn.epochMs('occurred_at')} AS occurred_ms, time_source, stage, pipeline, milestone, outcome,
      amount_minor, currency, lost_reason, merged_into, converted_contact_id, converted_company_id,
      converted_deal_id
    FROM ${fn.table('crm_changes')} c WHERE c.workspace_id = ${w}
    ORDER BY occurred_ms, key`;
}

/** Every match key of the workspace's changes, in order (key, kind, position). */
export function listCrmMatchKeysSql(ws: string): Sql {
  return sql`SELECT key, kind, value FROM ${fn.table('crm_match_keys')}
    WHERE workspace_id = ${p.text(ws)} ORDER BY key, kind, position`;
}

export function crmStageKeysSql(ws: string): Sql {
  return sql`SELECT stage_key, source, object_type, change, stage, pipeline, outcome, currency,
      ${fn.argMin('milestone', '(occurred_at, key)')} AS intake_milestone, ${fn.countAll()} AS n
    FROM ${fn.table('crm_changes')} WHERE workspace_id = ${p.text(ws)}
    GROUP BY stage_key, source, object_type, change, stage, pipeline, outcome, currency
    ORDER BY stage_key, currency`;
}

/** Objects that carry a person themselves (their e-mails, phones, the tracker's anonymous id). */
const PERSON_OBJECTS = sql`('contact', 'lead')`;

/**
 * Each CRM object of the workspace and its person (NULL when none matched), as CTEs `objects`,
 * `resolved`. A contact or lead reaches a person by the tracker's anonymous id (the form's hidden
 * field), else its e-mail, else its phone, as the identities table holds them; a deal or activity by
 * its first listed contact that reached one, else by its own e-mails and phones.
 */
export function resolvedCtes(ws: string): Sql {
  const w = p.text(ws);
  return sql`objects AS (
    SELECT DISTINCT source, object_type, object_id FROM ${fn.table('crm_changes')} WHERE workspace_id = ${w}
  ),
  object_keys AS (
    SELECT DISTINCT c.source AS source, c.object_type AS object_type, c.object_id AS object_id,
      k.kind AS kind, k.value AS value, k.position AS position
    FROM ${fn.table('crm_changes')} c
    JOIN ${fn.table('crm_match_keys')} k ON k.workspace_id = c.workspace_id AND k.key = c.key
    WHERE c.workspace_id = ${w}
  ),
  own_person AS (
    SELECT ok.source AS source, ok.object_type AS object_type, ok.object_id AS object_id,
      ${fn.argMin(
        'i.person_id',
        `(CASE ok.kind WHEN 'anonymous_id' THEN 0 WHEN 'email' THEN 1 ELSE 2 END, ok.position, i.person_id)`,
      )} AS person_id
    FROM object_keys ok
    JOIN (SELECT kind, value, person_id FROM ${fn.table('identities')} WHERE workspace_id = ${w}) i
      ON i.kind = ok.kind AND i.value = ok.value
    WHERE ok.kind IN ('anonymous_id', 'email', 'phone')
    GROUP BY ok.source, ok.object_type, ok.object_id
  ),
  contact_person AS (
    SELECT ok.source AS source, ok.object_type AS object_type, ok.object_id AS object_id,
      ${fn.argMin('op.person_id', '(ok.position, op.person_id)')} AS person_id
    FROM object_keys ok
    JOIN own_person op ON op.source = ok.source AND op.object_id = ok.value
      AND op.object_type IN ${PERSON_OBJECTS}
    WHERE ok.kind = 'contact_id' AND ok.object_type NOT IN ${PERSON_OBJECTS}
    GROUP BY ok.source, ok.object_type, ok.object_id
  ),
  resolved AS (
    SELECT o.source AS source, o.object_type AS object_type, o.object_id AS object_id,
      coalesce(cp.person_id, op.person_id) AS person_id
    FROM objects o
    LEFT JOIN contact_person cp ON cp.source = o.source AND cp.object_type = o.object_type
      AND cp.object_id = o.object_id
    LEFT JOIN own_person op ON op.source = o.source AND op.object_type = o.object_type
      AND op.object_id = o.object_id
  )`;
}

/** The stage key's milestone under the mapping (NULL for none), as a CASE over its keys. */
function milestoneCase(mapping: CrmMilestoneMapping): Sql {
  const whens = [...mapping.milestones].map(
    ([key, m]) => sql`WHEN ${p.text(key)} THEN ${p.text(m)}`,
  );
  return sql`CASE c.stage_key ${join(whens, ' ')} ELSE NULL END`;
}

/** An amount in major units, by its currency's decimals (2 unless the mapping says otherwise). */
function majorUnits(mapping: CrmMilestoneMapping): Sql {
  const whens = [...mapping.exponents]
    .filter(([, e]) => e !== 2)
    .map(([c, e]) => sql`WHEN ${p.text(c)} THEN c.amount_minor / ${p.float(10 ** e)}`);
  return whens.length === 0
    ? sql`c.amount_minor / 100.0`
    : sql`CASE c.currency ${join(whens, ' ')} ELSE c.amount_minor / 100.0 END`;
}

/**
 * Each person's first time at each CRM milestone: its source (`crm:<vendor>`), the change's key as
 * message_id, and the key of the first change that carried an amount (NULL when none did).
 */
function firstReachedSql(ws: string, mapping: CrmMilestoneMapping): Sql {
  const w = p.text(ws);
  return sql`WITH ${resolvedCtes(ws)},
  reached AS (
    SELECT r.person_id AS person_id, ${milestoneCase(mapping)} AS milestone, c.occurred_at AS occurred_at,
      c.key AS key, c.source AS source,
      CASE WHEN c.amount_minor IS NULL OR c.currency IS NULL THEN NULL ELSE c.key END AS amount_key
    FROM ${fn.table('crm_changes')} c
    JOIN resolved r ON r.source = c.source AND r.object_type = c.object_type AND r.object_id = c.object_id
    WHERE c.workspace_id = ${w} AND r.person_id IS NOT NULL
  )
  SELECT person_id, milestone, min(occurred_at) AS reached_at,
    concat('crm:', ${fn.argMin('source', '(occurred_at, key)')}) AS source,
    ${fn.argMin('key', '(occurred_at, key)')} AS message_id,
    ${fn.argMin('amount_key', '(occurred_at, key)')} AS amount_key
  FROM reached WHERE milestone IS NOT NULL AND milestone <> 'lead'
  GROUP BY person_id, milestone`;
}

/**
 * The workspace's CRM amounts in major units (by each currency's decimals) with the rate to the
 * workspace's currency in effect on their UTC day (fx-queries.ts; NULL when there is none).
 */
function convertedAmountsSql(ws: string, mapping: CrmMilestoneMapping): Sql {
  // CRM currencies are kept lower-case (as Stripe writes them); rates are in ISO 4217's upper case
  const amounts = sql`SELECT key, upper(currency) AS currency, ${fn.utcDay('occurred_at')} AS on_date
    FROM ${fn.table('crm_changes')}
    WHERE workspace_id = ${p.text(ws)} AND amount_minor IS NOT NULL AND currency IS NOT NULL`;
  return sql`SELECT c.key AS key, upper(c.currency) AS currency, CAST(${fn.utcDay('c.occurred_at')} AS VARCHAR) AS on_day,
      ${majorUnits(mapping)} AS major, x.rate AS rate
    FROM ${fn.table('crm_changes')} c
    JOIN (${fxConversionSql(ws, mapping.currency, amounts)}) x ON x.key = c.key
    WHERE c.workspace_id = ${p.text(ws)}`;
}

/**
 * Each person's CRM milestones: the first time a change of one of their objects reached it, its source
 * (`crm:<vendor>`), the change's key as message_id, and the amount of the first change that carried one,
 * in the workspace's currency at the rate of that change's day. With no rate the value is NULL, never
 * the amount unconverted: crmMissingRatesSql names what is missing. Columns as the milestones table's.
 */
export function crmMilestonesSql(ws: string, mapping: CrmMilestoneMapping): Sql {
  return sql`SELECT ${p.text(ws)} AS workspace_id, f.person_id AS person_id, f.milestone AS milestone,
      f.reached_at AS reached_at, f.source AS source, f.message_id AS message_id,
      a.major * a.rate AS value
    FROM (${firstReachedSql(ws, mapping)}) f
    LEFT JOIN (${convertedAmountsSql(ws, mapping)}) a ON a.key = f.amount_key`;
}

/** The milestones whose amount has no rate to the workspace's currency: milestone, currency, day, count. */
export function crmMissingRatesSql(ws: string, mapping: CrmMilestoneMapping): Sql {
  return sql`SELECT f.milestone AS milestone, a.currency AS currency, a.on_day AS on_day,
      ${fn.countAll()} AS n
    FROM (${firstReachedSql(ws, mapping)}) f
    JOIN (${convertedAmountsSql(ws, mapping)}) a ON a.key = f.amount_key
    WHERE a.rate IS NULL
    GROUP BY f.milestone, a.currency, a.on_day
    ORDER BY milestone, currency, on_day`;
}

export function insertCrmMilestonesSql(target: string, select: Sql): Sql {
  return sql`INSERT INTO ${fn.table(target)}
      (workspace_id, person_id, milestone, reached_at, source, message_id, value)
    SELECT workspace_id, person_id, milestone, reached_at, source, message_id, value FROM (${select}) m`;
}

export function countCrmMilestonesSql(target: string, ws: string): Sql {
  return sql`SELECT ${fn.countAll()} AS n FROM ${fn.table(target)}
    WHERE workspace_id = ${p.text(ws)} AND source LIKE 'crm:%'`;
}

export function crmMatchCountsSql(ws: string): Sql {
  return sql`WITH ${resolvedCtes(ws)}
  SELECT source, object_type, ${fn.countAll()} AS objects, ${fn.countIf('person_id IS NOT NULL')} AS matched
  FROM resolved GROUP BY source, object_type ORDER BY source, object_type`;
}

/** Each deal's latest change (by time, then key) and its person. */
export function crmDealsSql(ws: string): Sql {
  const w = p.text(ws);
  const last = (col: string) => fn.argMax(col, '(c.occurred_at, c.key)');
  return sql`WITH ${resolvedCtes(ws)}
  SELECT c.source AS source, c.object_id AS deal_id, ${last('c.stage')} AS stage,
    ${last('c.pipeline')} AS pipeline, ${last('c.outcome')} AS outcome,
    ${last('c.amount_minor')} AS amount_minor, ${last('c.currency')} AS currency,
    ${last('c.lost_reason')} AS lost_reason, max(${fn.epochMs('c.occurred_at')}) AS updated_ms,
    ${fn.argMax('r.person_id', '(c.occurred_at, c.key)')} AS person_id
  FROM ${fn.table('crm_changes')} c
  LEFT JOIN resolved r ON r.source = c.source AND r.object_type = c.object_type AND r.object_id = c.object_id
  WHERE c.workspace_id = ${w} AND c.object_type = 'deal' AND c.change = 'deal_stage'
  GROUP BY c.source, c.object_id ORDER BY source, deal_id`;
}
