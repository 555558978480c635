// Event normalisation, in SQL, shared by every way events arrive (file import, HTTP API, snippet):
// each path produces a relation with the columns of EVENT_FIELDS and runs normaliseSelect over it.
// Segment-spec field names in, snake_case columns out.

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

export const EVENT_TYPES = ['track', 'page', 'screen', 'identify', 'group', 'alias'] as const;

/** `columns={...}` argument for read_ndjson. */
export function readJsonColumnsArg(): string {
  return `{${Object.entries(EVENT_FIELDS)
    .map(([k, t]) => `"${k}": '${t}'`)
    .join(', ')}}`;
}

/** JSON structure argument for json_transform, same shape as readJsonColumnsArg. */
export function jsonTransformSpec(): string {
  return JSON.stringify(EVENT_FIELDS).replaceAll("'", "''");
}

const ts = (col: string) => `try_cast(${col} AS TIMESTAMPTZ)`;
const blank = (col: string) => `coalesce(${col}, '') = ''`;
// Fields are read as text; an object or array arrives as its JSON text, which is never a valid id or name.
const STRING_FIELDS = ['messageId', 'anonymousId', 'userId', 'event', 'name', 'previousId', 'groupId'];
const notScalar = (col: string) => `(left(${col}, 1) IN ('{', '[') AND json_valid(${col}))`;

/**
 * First failing rule as 'field|reason', or NULL when the event is valid.
 * The order is the order a person fixing the input would want to read them.
 */
export const ERROR_EXPR = `CASE
  WHEN ${blank('type')} THEN 'type|is required'
  WHEN lower(type) NOT IN (${EVENT_TYPES.map((t) => `'${t}'`).join(', ')}) THEN 'type|must be one of ${EVENT_TYPES.join(', ')}'
  ${STRING_FIELDS.map((f) => `WHEN ${notScalar(f)} THEN '${f}|must be a string'`).join('\n  ')}
  WHEN ${blank('anonymousId')} AND ${blank('userId')} THEN 'anonymousId|userId or anonymousId is required'
  WHEN lower(type) = 'track' AND ${blank('event')} THEN 'event|is required for track'
  WHEN lower(type) = 'alias' AND ${blank('previousId')} THEN 'previousId|is required for alias'
  WHEN lower(type) = 'group' AND ${blank('groupId')} THEN 'groupId|is required for group'
  WHEN timestamp IS NOT NULL AND ${ts('timestamp')} IS NULL THEN 'timestamp|is not an ISO-8601 date-time'
  WHEN originalTimestamp IS NOT NULL AND ${ts('originalTimestamp')} IS NULL THEN 'originalTimestamp|is not an ISO-8601 date-time'
  WHEN sentAt IS NOT NULL AND ${ts('sentAt')} IS NULL THEN 'sentAt|is not an ISO-8601 date-time'
  WHEN receivedAt IS NOT NULL AND ${ts('receivedAt')} IS NULL THEN 'receivedAt|is not an ISO-8601 date-time'
  WHEN properties IS NOT NULL AND json_type(properties) NOT IN ('OBJECT', 'NULL') THEN 'properties|must be an object'
  WHEN traits IS NOT NULL AND json_type(traits) NOT IN ('OBJECT', 'NULL') THEN 'traits|must be an object'
  WHEN context IS NOT NULL AND json_type(context) NOT IN ('OBJECT', 'NULL') THEN 'context|must be an object'
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

/**
 * Insert statement over a source relation with the EVENT_FIELDS columns; invalid rows are skipped
 * (ERROR_EXPR says why) and rows whose messageId the workspace already has are ignored.
 */
export function insertNormalisedSql(srcRelation: string, m: RowMeta = PARAM_META, returning = ''): string {
  return `INSERT OR IGNORE INTO events
    (workspace_id, message_id, type, event, name, anonymous_id, user_id, previous_id, group_id,
     ts, received_at, properties, traits, context, origin, batch_id)
    SELECT ${m.ws}, ${MESSAGE_ID_EXPR}, lower(type), nullif(event, ''), nullif(name, ''),
      nullif(anonymousId, ''), nullif(userId, ''), nullif(previousId, ''), nullif(groupId, ''),
      ${eventTimeExpr(m)}, coalesce(${ts('receivedAt')}, ${m.received}),
      properties, traits, context, ${m.origin}, ${m.batch}
    FROM ${srcRelation}
    WHERE (${ERROR_EXPR}) IS NULL
    ${returning}`;
}
