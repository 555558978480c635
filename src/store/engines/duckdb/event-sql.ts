// Event normalisation, in SQL, shared by every way events arrive (file import, HTTP API, snippet):
// each path produces a relation with the columns of EVENT_FIELDS and runs normaliseSelect over it.
// Segment-spec field names in, snake_case columns out.
import { EVENT_RULES, ISO_DATE_PATTERN, type Check } from '../../../collect/event-rules.js';
import { NOT_ERASED_SQL } from './erased-identifiers.js';

/** The Segment fields we read, with the DuckDB type each is read as. */
export const EVENT_FIELDS: Readonly<Record<string, string>> = {
  type: 'VARCHAR',
  messageId: 'VARCHAR',
  anonymousId: 'VARCHAR',
  userId: 'VARCHAR',
  timestamp: 'VARCHAR',
  originalTimestamp: 'VARCHAR',
  sentAt: 'VARCHAR',
  receivedAt: 'VARCHAR',
  event: 'VARCHAR',
  name: 'VARCHAR',
  previousId: 'VARCHAR',
  groupId: 'VARCHAR',
  properties: 'JSON',
  traits: 'JSON',
  context: 'JSON',
};

/** `columns={...}` argument for read_ndjson. */
export function readJsonColumnsArg(extra: Record<string, string> = {}): string {
  return `{${Object.entries({ ...EVENT_FIELDS, ...extra })
    .map(([k, t]) => `"${k}": '${t}'`)
    .join(', ')}}`;
}

/** JSON structure argument for json_transform, same shape as readJsonColumnsArg. */
export function jsonTransformSpec(): string {
  return JSON.stringify(EVENT_FIELDS).replaceAll("'", "''");
}

const ts = (col: string) => `try_cast(${col} AS TIMESTAMPTZ)`;
const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
const blank = (col: string) => `coalesce(${col}, '') = ''`;

/** SQL for one check of the shared event rules; columns hold each field as text (JSON fields as JSON). */
function checkSql(c: Check): string {
  switch (c.kind) {
    case 'blank':
      return blank(c.field);
    case 'notOneOf':
      return `(${c.field} IS NULL OR lower(${c.field}) NOT IN (${c.values.map(q).join(', ')}))`;
    case 'notScalar':
      return `(left(${c.field}, 1) IN ('{', '[') AND json_valid(${c.field}))`;
    case 'bothBlank':
      return `(${blank(c.fields[0])} AND ${blank(c.fields[1])})`;
    case 'notIsoDate':
      return `(${c.field} IS NOT NULL AND (NOT regexp_full_match(${c.field}, ${q(ISO_DATE_PATTERN)}) OR ${ts(c.field)} IS NULL))`;
    case 'notObject':
      return `(${c.field} IS NOT NULL AND json_type(${c.field}) NOT IN ('OBJECT', 'NULL'))`;
  }
}

/** First failing rule as 'field|reason', or NULL when the event is valid (the rules: collect/event-rules.ts). */
export const ERROR_EXPR = `CASE
  ${EVENT_RULES.map((r) => `WHEN ${r.forType ? `lower(type) = ${q(r.forType)} AND ` : ''}${checkSql(r.check)} THEN ${q(`${r.field}|${r.reason}`)}`).join('\n  ')}
  ELSE NULL END`;

/** Events without a messageId get a content hash, so importing the same line twice never counts twice. */
export const MESSAGE_ID_EXPR = `coalesce(nullif(messageId, ''), 'h-' || md5(concat_ws('|', lower(type), anonymousId, userId,
  timestamp, originalTimestamp, event, name, previousId, groupId, properties::VARCHAR, traits::VARCHAR, context::VARCHAR)))`;

/** Where the per-row metadata comes from: query parameters (one file) or columns (a group of requests). */
export interface RowMeta {
  ws: string;
  /** TIMESTAMPTZ expression: when the server received the row. */
  received: string;
  /** BOOLEAN expression: correct client clock skew from sentAt (live clients; not archives). */
  correct: string;
  origin: string;
  batch: string;
}

export const PARAM_META: RowMeta = {
  ws: '$ws',
  received: 'CAST($received AS TIMESTAMPTZ)',
  correct: 'CAST($correct AS BOOLEAN)',
  origin: '$origin',
  batch: '$batch',
};

/**
 * Event time. With clock-skew correction (live clients), Segment's rule:
 * timestamp = receivedAt - (sentAt - client time). Imports carry times already corrected.
 */
function eventTimeExpr(m: RowMeta): string {
  const client = `coalesce(${ts('originalTimestamp')}, ${ts('timestamp')})`;
  return `CASE
  WHEN ${m.correct} AND ${ts('sentAt')} IS NOT NULL AND ${client} IS NOT NULL
    THEN coalesce(${ts('receivedAt')}, ${m.received}) - (${ts('sentAt')} - ${client})
  ELSE coalesce(${ts('timestamp')}, ${ts('originalTimestamp')}, ${ts('receivedAt')}, ${m.received}) END`;
}

/** The events table's columns, in the order normalisedColumns produces them. */
export const EVENT_COLUMNS = [
  'workspace_id', 'message_id', 'type', 'event', 'name', 'anonymous_id', 'user_id', 'previous_id', 'group_id',
  'ts', 'received_at', 'properties', 'traits', 'context', 'origin', 'batch_id',
  'page_url', 'page_referrer', 'campaign', 'user_agent', 'country', 'email', 'phone',
] as const;

/**
 * Fields kept as columns too (migration v9), so that derives need not parse the JSON: the context's
 * landing, referrer, campaign, user agent and country, and the email and phone an identify (traits)
 * or a form, chat or call (properties) names its sender by. The JSON is only parsed where a field can be.
 */
const DERIVE_COLUMNS = `context->>'$.page.url' AS page_url, context->>'$.page.referrer' AS page_referrer,
      context->'$.campaign' AS campaign, context->>'$.userAgent' AS user_agent, context->>'$.location.country' AS country,
      CASE WHEN lower(type) = 'identify' THEN coalesce(traits->>'$.email', context->>'$.traits.email')
           WHEN lower(type) = 'track' THEN coalesce(properties->>'$.email', properties->>'$.fields.email') END AS email,
      CASE WHEN lower(type) = 'identify' THEN coalesce(traits->>'$.phone', context->>'$.traits.phone')
           WHEN lower(type) = 'track' THEN coalesce(properties->>'$.phone', properties->>'$.fields.phone') END AS phone`;

/**
 * The normaliser: a SELECT list over a relation with the EVENT_FIELDS columns, yielding the events
 * table's columns and `err` (NULL for a valid event, else 'field|reason').
 */
export function normalisedColumns(m: RowMeta): string {
  return `${m.ws} AS workspace_id, ${MESSAGE_ID_EXPR} AS message_id, lower(type) AS type, nullif(event, '') AS event,
      nullif(name, '') AS name, nullif(anonymousId, '') AS anonymous_id, nullif(userId, '') AS user_id,
      nullif(previousId, '') AS previous_id, nullif(groupId, '') AS group_id,
      ${eventTimeExpr(m)} AS ts, coalesce(${ts('receivedAt')}, ${m.received}) AS received_at,
      properties, traits, context, ${m.origin} AS origin, ${m.batch} AS batch_id,
      ${DERIVE_COLUMNS}, ${ERROR_EXPR} AS err`;
}

/**
 * Insert statement over a source relation with the EVENT_FIELDS columns; invalid rows are skipped
 * (ERROR_EXPR says why), and so are events whose messageId the workspace already has or that repeat
 * one earlier in the same input (one of such repeats is kept: a messageId names one event). De-duplicating with an anti-join, rather than letting the primary key
 * reject rows one by one (INSERT OR IGNORE), is what keeps bulk loads at the engine's reading speed.
 */
export function insertNormalisedSql(srcRelation: string, m: RowMeta = PARAM_META, returning = ''): string {
  return dedupInsertSql(`(SELECT ${normalisedColumns(m)} FROM ${srcRelation})`, returning);
}

/**
 * Inserts the valid rows of `relation` (the events table's columns plus `err`) whose messageId is new.
 * The primary key (workspace_id, message_id) does the de-duplication: a row whose key is stored, or came
 * earlier in the same statement, is skipped. (A window over the input plus an anti-join did the same
 * work twice and cost a third of an import.)
 */
export function dedupInsertSql(relation: string, returning = ''): string {
  const cols = EVENT_COLUMNS.join(', ');
  return `INSERT OR IGNORE INTO events (${cols})
    SELECT ${cols} FROM ${relation} s
    ${NOT_ERASED_SQL /* events from before an erasure that name an erased id (erased-identifiers.ts) */}
    WHERE err IS NULL
    ${returning}`;
}
