// Event normalisation, in SQL, shared by every way events arrive (file import, HTTP API, snippet):
// each path produces a relation with the columns of EVENT_FIELDS and runs normaliseSelect over it.
// Segment-spec field names in, snake_case columns out.
import { EVENT_RULES, ISO_DATE_TIME_PATTERN, type Check } from '../../../rules/event-rules.js';
import {
  FUTURE_SLACK_MICROS,
  MIN_EVENT_MICROS,
  ORIGINAL_TIMESTAMP_KEY,
  TOO_EARLY_REASON,
} from '../../../rules/event-time.js';
import { NOT_ERASED_SQL } from './erased-identifiers.js';
import { LINK_FIELD_PATHS } from '../../../rules/identity-links.js';
import { CONTENT_HASH_FIELDS } from '../../../rules/content-hash.js';

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

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
const blank = (col: string) => `coalesce(${col}, '') = ''`;

/** Text of the date-time grammar (rules/iso-time.ts): the pattern, and a real calendar day. */
const isoDateTime = (col: string) =>
  `(regexp_full_match(${col}, ${q(ISO_DATE_TIME_PATTERN)}) AND try_cast(left(${col}, 10) AS DATE) IS NOT NULL)`;
/**
 * Microseconds since the epoch of a grammar-valid text (NULL when absent). The grammar has been checked
 * (invalid rows are rejected), so the engine's own parser reads it; a text without a zone is UTC, whatever
 * the session's time zone.
 */
const micros = (col: string) =>
  `epoch_us(try_cast(${col} || CASE WHEN regexp_matches(substr(${col}, 20), '[Z+-]') THEN '' ELSE 'Z' END AS TIMESTAMPTZ))`;

/** The four times of the time rule, in microseconds, as parsedSource computes them once per row. */
const PARSED_TIMES = ['_n_t', '_n_o', '_n_s', '_n_r'] as const;

/** SQL for one check of the shared event rules; columns hold each field as text (JSON fields as JSON). */
function checkSql(c: Check): string {
  switch (c.kind) {
    case 'blank':
      return blank(c.field);
    case 'notOneOf':
      return `(${c.field} IS NULL OR lower(${c.field}) NOT IN (${c.values.map(q).join(', ')}))`;
    case 'notScalar':
      return `((left(${c.field}, 1) = '{' AND right(${c.field}, 1) = '}') OR (left(${c.field}, 1) = '[' AND right(${c.field}, 1) = ']'))`;
    case 'bothBlank':
      return `(${blank(c.fields[0])} AND ${blank(c.fields[1])})`;
    case 'notIsoDate':
      return `(${c.field} IS NOT NULL AND NOT ${isoDateTime(c.field)})`;
    case 'notObject':
      // the column holds valid JSON (the reader or json_transform made it), so its first character names
      // its type: cheaper than json_type, which parses the whole document
      return `(${c.field} IS NOT NULL AND left(ltrim(${c.field}::VARCHAR), 1) <> '{' AND ltrim(${c.field}::VARCHAR) <> 'null')`;
  }
}

/** Events without a messageId get a content hash, so importing the same line twice never counts twice. */
export const MESSAGE_ID_EXPR = `coalesce(nullif(messageId, ''), 'h-' || md5(concat_ws('|', ${CONTENT_HASH_FIELDS.map(
  (f) => (f === 'type' ? 'lower(type)' : EVENT_FIELDS[f] === 'JSON' ? `${f}::VARCHAR` : f),
).join(', ')})))`;

/** Where the per-row metadata comes from: query parameters (one file) or columns (a group of requests). */
export interface RowMeta {
  ws: string;
  /** TIMESTAMPTZ expression: when the server received the row. */
  received: string;
  /** BOOLEAN expression: correct client clock skew from sentAt (live clients; not archives). */
  correct: string;
  origin: string;
  batch: string;
  /**
   * VARCHAR expression: the event time the API computed (event-time.ts) in canonical UTC text, used as is;
   * NULL (or absent) to apply the time rule here.
   */
  ts?: string;
}

export const PARAM_META: RowMeta = {
  ws: '$ws',
  received: 'CAST($received AS TIMESTAMPTZ)',
  correct: 'CAST($correct AS BOOLEAN)',
  origin: '$origin',
  batch: '$batch',
};

/** Rows of an import file: times are already corrected; the verdicts do not depend on the clock. */
export const IMPORT_META: RowMeta = {
  ws: '$ws',
  received: 'now()',
  correct: 'false',
  origin: "'import'",
  batch: '$batch',
};

const DAY = String(FUTURE_SLACK_MICROS);
const MIN = String(MIN_EVENT_MICROS);

/**
 * The time rule of collect/event-time.ts in SQL, over microseconds (BIGINT), so both sides compute the
 * same instant. Each part is an expression; the engine evaluates shared sub-expressions once.
 */
function timeRule(m: RowMeta) {
  const [T, O, S, R] = PARSED_TIMES;
  const now = `epoch_us(${m.received})`;
  const r = `(CASE WHEN ${R} <= ${now} + ${DAY} THEN ${R} ELSE ${now} END)`;
  const t0 = `(CASE WHEN ${m.correct} THEN coalesce(${O}, ${T}, ${R}) ELSE coalesce(${T}, ${O}, ${R}) END)`;
  const f0 = `(CASE WHEN ${m.correct} THEN (CASE WHEN ${O} IS NOT NULL THEN 'originalTimestamp' WHEN ${T} IS NOT NULL THEN 'timestamp' ELSE 'receivedAt' END)
    ELSE (CASE WHEN ${T} IS NOT NULL THEN 'timestamp' WHEN ${O} IS NOT NULL THEN 'originalTimestamp' ELSE 'receivedAt' END) END)`;
  const corrected = `(${r} - (${S} - coalesce(${O}, ${T})))`;
  const useCorrection = `coalesce(${m.correct} AND ${corrected} BETWEEN ${MIN} AND ${r} + ${DAY}, false)`;
  const stated = `coalesce(${t0}, ${r})`;
  const replaced = `(NOT ${useCorrection} AND ${t0} > ${r} + ${DAY})`;
  const given = m.ts ? `${m.ts} IS NOT NULL` : 'false';
  const eventTime = `make_timestamptz(CASE WHEN ${useCorrection} THEN ${corrected} WHEN ${replaced} THEN ${r} ELSE ${stated} END)`;
  const original = `(CASE ${f0} WHEN 'timestamp' THEN timestamp WHEN 'originalTimestamp' THEN originalTimestamp ELSE receivedAt END)`;
  return {
    ts: m.ts ? `coalesce(try_cast(${m.ts} AS TIMESTAMPTZ), ${eventTime})` : eventTime,
    receivedAt: `make_timestamptz(${r})`,
    context: `CASE WHEN NOT ${given} AND ${replaced}
      THEN json_merge_patch(coalesce(context, '{}'::JSON), json_object(${q(ORIGINAL_TIMESTAMP_KEY)}, ${original})) ELSE context END`,
    /** 'field|reason' when the time is out of range, else NULL */
    error: `CASE WHEN ${given} THEN NULL
      WHEN ${R} < ${MIN} THEN ${q(`receivedAt|${TOO_EARLY_REASON}`)}
      WHEN NOT ${useCorrection} AND ${t0} < ${MIN} THEN ${f0} || ${q(`|${TOO_EARLY_REASON}`)} END`,
  };
}

/** First failing rule as 'field|reason', or NULL when the event is valid (the rules: collect/event-rules.ts, then the time rule). */
export function errorExpr(m: RowMeta): string {
  return `CASE
  ${EVENT_RULES.map((r) => `WHEN ${r.forType ? `lower(type) = ${q(r.forType)} AND ` : ''}${checkSql(r.check)} THEN ${q(`${r.field}|${r.reason}`)}`).join('\n  ')}
  ELSE ${timeRule(m).error} END`;
}

/** errorExpr for import files (line-numbered diagnostics), over parsedSource. */
export const ERROR_EXPR = errorExpr(IMPORT_META);

/** The events table's columns, in the order normalisedColumns produces them. */
export const EVENT_COLUMNS = [
  'workspace_id',
  'message_id',
  'type',
  'event',
  'name',
  'anonymous_id',
  'user_id',
  'previous_id',
  'group_id',
  'ts',
  'received_at',
  'properties',
  'traits',
  'context',
  'origin',
  'batch_id',
  'page_url',
  'page_referrer',
  'campaign',
  'user_agent',
  'country',
  'email',
  'phone',
] as const;

// The context's paths the derive columns read; the link paths rooted in the context follow them.
const CONTEXT_PATHS = ['$.page.url', '$.page.referrer', '$.userAgent', '$.location.country'];

const jsonPath = (keys: readonly string[]): string => {
  for (const k of keys)
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
      throw new Error(`a link path key is a plain name: ${k}`);
  return `$.${keys.join('.')}`;
};

/**
 * The link fields' paths (rules/identity-links.ts, LINK_FIELD_PATHS) as DuckDB reads them: those in the
 * context join the context's list (one parse of it); the others, per document, a list per event type,
 * so that each document is parsed once. `ref` is where a path's value lands.
 */
function linkPathPlan() {
  const types = Object.keys(LINK_FIELD_PATHS);
  const fields = ['email', 'phone'] as const;
  const all = types.flatMap((t) => fields.flatMap((f) => LINK_FIELD_PATHS[t]![f]));
  const cx = [...new Set(all.filter((p) => p[0] === 'context').map((p) => jsonPath(p.slice(1))))];
  const docs = [...new Set(all.map((p) => p[0]!).filter((d) => d !== 'context'))];
  for (const d of docs)
    if (!(EVENT_FIELDS as Record<string, string>)[d])
      throw new Error(`not an event document: ${d}`);
  const docPaths = (t: string, d: string) => [
    ...new Set(
      fields.flatMap((f) =>
        LINK_FIELD_PATHS[t]![f].filter((p) => p[0] === d).map((p) => jsonPath(p.slice(1))),
      ),
    ),
  ];
  const ref = (t: string, p: readonly string[]) =>
    p[0] === 'context'
      ? `_n_cx[${CONTEXT_PATHS.length + cx.indexOf(jsonPath(p.slice(1))) + 1}]`
      : `_n_${p[0]}[${docPaths(t, p[0]!).indexOf(jsonPath(p.slice(1))) + 1}]`;
  const docColumns = docs.map((d) => {
    const cases = types
      .filter((t) => docPaths(t, d).length > 0)
      .map(
        (t) =>
          `WHEN lower(type) = '${t}' THEN json_extract_string(${d}, [${docPaths(t, d)
            .map((x) => `'${x}'`)
            .join(', ')}])`,
      );
    return `CASE ${cases.join(' ')} END AS _n_${d}`;
  });
  const column = (f: (typeof fields)[number]) =>
    `CASE ${types.map((t) => `WHEN lower(type) = '${t}' THEN coalesce(${LINK_FIELD_PATHS[t]![f].map((p) => ref(t, p)).join(', ')})`).join(' ')} END AS ${f}`;
  return { cxPaths: cx, docColumns, columns: fields.map(column) };
}
const LINK_PATHS = linkPathPlan();

/**
 * Fields kept as columns too (migration v9), so that derives need not parse the JSON: the context's
 * landing, referrer, campaign, user agent and country, and the e-mail and phone an event names its sender
 * by (LINK_FIELD_PATHS). Read from the lists parsedSource extracts.
 */
const DERIVE_COLUMNS = `_n_cx[1] AS page_url, _n_cx[2] AS page_referrer,
      context->'$.campaign' AS campaign, _n_cx[3] AS user_agent, _n_cx[4] AS country,
      ${LINK_PATHS.columns.join(',\n      ')}`;

/**
 * A relation with the EVENT_FIELDS columns, plus what the normaliser reads more than once: each JSON
 * document is parsed once for all the paths read from it (one `->>` per path parsed it again, the
 * largest cost of a bulk load), and each time is parsed once (the time rule reads each several times).
 * Every relation that normalisedColumns or errorExpr reads must come through here.
 */
export function parsedSource(srcRelation: string): string {
  const times = ['timestamp', 'originalTimestamp', 'sentAt', 'receivedAt'].map(
    (f, i) => `${micros(f)} AS ${PARSED_TIMES[i]}`,
  );
  return `(SELECT *, ${times.join(', ')},
      json_extract_string(context, [${[...CONTEXT_PATHS, ...LINK_PATHS.cxPaths].map((x) => `'${x}'`).join(', ')}]) AS _n_cx,
      ${LINK_PATHS.docColumns.join(',\n      ')}
    FROM ${srcRelation})`;
}

/**
 * The normaliser: a SELECT list over parsedSource(a relation with the EVENT_FIELDS columns), yielding the events
 * table's columns and `err` (NULL for a valid event, else 'field|reason').
 */
export function normalisedColumns(m: RowMeta): string {
  const time = timeRule(m);
  return `${m.ws} AS workspace_id, ${MESSAGE_ID_EXPR} AS message_id, lower(type) AS type, nullif(event, '') AS event,
      nullif(name, '') AS name, nullif(anonymousId, '') AS anonymous_id, nullif(userId, '') AS user_id,
      nullif(previousId, '') AS previous_id, nullif(groupId, '') AS group_id,
      ${time.ts} AS ts, ${time.receivedAt} AS received_at,
      properties, traits, ${time.context} AS context, ${m.origin} AS origin, ${m.batch} AS batch_id,
      ${DERIVE_COLUMNS}, ${errorExpr(m)} AS err`;
}

/**
 * Insert statement over a source relation with the EVENT_FIELDS columns; invalid rows are skipped
 * (ERROR_EXPR says why), and so are events whose messageId the workspace already has or that repeat
 * one earlier in the same input (one of such repeats is kept: a messageId names one event). De-duplicating with an anti-join, rather than letting the primary key
 * reject rows one by one (INSERT OR IGNORE), is what keeps bulk loads at the engine's reading speed.
 */
export function insertNormalisedSql(
  srcRelation: string,
  m: RowMeta = PARAM_META,
  returning = '',
): string {
  return dedupInsertSql(
    `(SELECT ${normalisedColumns(m)} FROM ${parsedSource(srcRelation)})`,
    returning,
  );
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
