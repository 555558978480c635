// The SQL of a file import on ClickHouse: the engine reads the lines, applies the event rules and the
// time rule, and de-duplicates, as DuckDB's import does in its own SQL (../duckdb/event-sql.ts). Both
// are rendered from the same declarative rules (rules/event-rules.ts, rules/event-time.ts,
// rules/content-hash.ts); the cross-engine tests hold the two to the same rows and verdicts.
//
// The steps (import.ts runs them):
//   1. every non-blank line into a stage table: its number, its verdict ('field|reason' or NULL) and the
//      event's columns. One JSON parse of the line (a typed extraction), one of its context.
//   2. the lines the fast parser refused (simdjson: invalid JSON, but also nesting past 1024 levels and
//      integers past 64 bits, which DuckDB's reader takes) read again with the lenient one (RapidJSON),
//      after checks that keep it safe (UTF-8, a nesting limit: it recurses).
//   3. the valid rows whose messageId the workspace does not have, one per messageId (the first line),
//      naming no erased identifier, into events; in buckets of messageIds when there are many, so memory
//      stays bounded for any file and any store.
import { ERASED_ID_SPECS, type ErasedIdSpec } from '../../../rules/erased-ids.js';
import { CONTENT_HASH_FIELDS } from '../../../rules/content-hash.js';
import { LINK_FIELD_PATHS } from '../../../rules/identity-links.js';
import {
  EVENT_RULES,
  ISO_DATE_TIME_PATTERN,
  RULE_FIELDS,
  type Check,
} from '../../../rules/event-rules.js';
import {
  FUTURE_SLACK_MICROS,
  MIN_EVENT_MICROS,
  ORIGINAL_TIMESTAMP_KEY,
  TOO_EARLY_REASON,
} from '../../../rules/event-time.js';

/** A ClickHouse string literal of trusted text (backslash escapes). */
const q = (t: string) => `'${t.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** Lines nested deeper are refused before the lenient parser sees them (it recurses, and would crash). */
export const MAX_NESTING = 10_000;

export const NOT_JSON = 'line|is not valid JSON';
export const NOT_OBJECT = 'line|must be a JSON object';
export const NOT_UTF8 = 'line|is not valid UTF-8';
export const TOO_DEEP = `line|is nested more than ${MAX_NESTING} levels deep`;

/** The stage's columns beside the events' own. */
const STAGE_COLUMNS = [
  'line_no UInt64',
  // 1: refused by the fast parser, kept raw for step 2 (which adds the line again as 2)
  'pass UInt8',
  'raw String',
  'err Nullable(String)',
  'message_id String',
  'type Nullable(String)',
  'event Nullable(String)',
  'name Nullable(String)',
  'anonymous_id Nullable(String)',
  'user_id Nullable(String)',
  'previous_id Nullable(String)',
  'group_id Nullable(String)',
  "ts Nullable(DateTime64(3, 'UTC'))",
  "received_at Nullable(DateTime64(3, 'UTC'))",
  'properties Nullable(String)',
  'traits Nullable(String)',
  'context Nullable(String)',
  'page_url Nullable(String)',
  'page_referrer Nullable(String)',
  'campaign Nullable(String)',
  'user_agent Nullable(String)',
  'country Nullable(String)',
  'email Nullable(String)',
  'phone Nullable(String)',
] as const;

const STAGE_NAMES = STAGE_COLUMNS.map((c) => c.split(' ')[0]!);

/** The stage table of one import (dropped after it). */
export function createStageSql(table: string): string {
  return `CREATE TABLE ${table} (${STAGE_COLUMNS.join(', ')}) ENGINE = MergeTree ORDER BY line_no`;
}

/** Each rule field of a line, read as DuckDB reads it into VARCHAR: strings unescaped, other values as JSON text. */
const LINE_TUPLE = `Nullable(Tuple(${RULE_FIELDS.map((f) => `${f} Nullable(String)`).join(', ')}))`;
const MAP = 'Map(String, Nullable(String))';
/** What the derived columns read from the context (maps, not tuples: a tuple reads an array by position). */
const CONTEXT_TUPLE = `Tuple(page ${MAP}, userAgent Nullable(String), location ${MAP}, traits ${MAP}, campaign Nullable(String))`;
const CONTEXT_MAPS = ['page', 'location', 'traits'];

/**
 * The link fields' paths (rules/identity-links.ts, LINK_FIELD_PATHS) as ClickHouse reads them: those in
 * the context from its tuple's maps; the others from one document per event type, read into one tuple
 * (a key a text, a key with a key inside a map), so each document is parsed once.
 */
function linkPathPlan() {
  const types = Object.keys(LINK_FIELD_PATHS);
  const fields = ['email', 'phone'] as const;
  const plain = (k: string) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
      throw new Error(`a link path key is a plain name: ${k}`);
    return k;
  };
  const docOf = new Map<string, string>();
  const members = new Map<string, 'text' | 'map'>();
  for (const t of types)
    for (const f of fields)
      for (const path of LINK_FIELD_PATHS[t]![f]) {
        const [doc, ...rest] = path.map(plain);
        if (doc === 'context') {
          if (rest.length !== 2 || !CONTEXT_MAPS.includes(rest[0]!))
            throw new Error(`a context link path is one of ${CONTEXT_MAPS.join(', ')} and a key`);
          continue;
        }
        if (doc !== 'traits' && doc !== 'properties')
          throw new Error(`not an event document: ${doc}`);
        if ((docOf.get(t) ?? doc) !== doc) throw new Error(`one document per type: ${t}`);
        docOf.set(t, doc!);
        const kind = rest.length === 1 ? 'text' : 'map';
        if (rest.length < 1 || rest.length > 2 || (members.get(rest[0]!) ?? kind) !== kind)
          throw new Error(`a link path is a key, or a key and a key inside it: ${path.join('.')}`);
        members.set(rest[0]!, kind);
      }
  const entries = [...members];
  const tuple = `Tuple(${entries.map(([k, kind]) => `${k} ${kind === 'text' ? 'Nullable(String)' : MAP}`).join(', ')})`;
  const empty = `CAST(tuple(${entries.map(([, kind]) => (kind === 'text' ? 'NULL' : 'map()')).join(', ')}) AS ${tuple})`;
  const ids = `multiIf(${[...docOf]
    .map(
      ([t, d]) =>
        `lowerUTF8(${col('type')}) = ${q(t)}, JSONExtract(ifNull(${col(d)}, ''), ${q(tuple)})`,
    )
    .join(',\n              ')},\n              ${empty})`;
  const ref = ([doc, a, b]: readonly string[]) =>
    doc === 'context' ? `_cx.${a}[${q(b!)}]` : b === undefined ? `_ids.${a}` : `_ids.${a}[${q(b)}]`;
  const column = (f: (typeof fields)[number]) =>
    `multiIf(${types.map((t) => `type = ${q(t)}, coalesce(${LINK_FIELD_PATHS[t]![f].map(ref).join(', ')})`).join(',\n            ')}, NULL) AS ${f}`;
  return { ids, columns: fields.map(column) };
}

/** A field of the line as a column of the parsed relation. */
const col = (f: string) => `_f_${f}`;

const blank = (c: string) => `(ifNull(${c}, '') = '')`;

const LINK_PATHS = linkPathPlan();

/**
 * Exact microseconds since the epoch of a text of the date-time grammar (rules/iso-time.ts), NULL when
 * absent or not of the grammar: the same arithmetic as parseIsoParts (days from the civil date), so the
 * two read every text to the same instant, for any year 0000-9999. SELECT items, the last named `out`
 * and each part named after it: written inline, the repeated parts made a tree the engine took most of a
 * second to analyse. The conversions never throw (OrZero): a branch not taken may still be computed.
 */
export function isoMicros(c: string, out: string): string[] {
  const a = (n: string) => `${out}_${n}`;
  const int = (from: number, len: number) => `toInt64OrZero(substring(${c}, ${from}, ${len}))`;
  const [y, m, d, yy, era, yoe, rest, zone] = [
    'y',
    'm',
    'd',
    'yy',
    'era',
    'yoe',
    'rest',
    'zone',
  ].map(a);
  const days = `${era} * 146097 + ${yoe} * 365 + intDiv(${yoe}, 4) - intDiv(${yoe}, 100) + intDiv(153 * (${m} + if(${m} > 2, -3, 9)) + 2, 5) + ${d} - 1 - 719468`;
  const offset = `if(${zone} IN ('', 'Z'), 0, if(startsWith(${zone}, '-'), -1, 1) * (toInt64OrZero(substring(${zone}, 2, 2)) * 60 + if(length(${zone}) > 3, toInt64OrZero(right(${zone}, 2)), 0)))`;
  const frac = `if(startsWith(${rest}, '.'), toInt64OrZero(rightPad(substring(extract(${rest}, '^[.]([0-9]+)'), 1, 6), 6, '0')), 0)`;
  const seconds = `(${days}) * 86400 + ${int(12, 2)} * 3600 + ${int(15, 2)} * 60 + ${int(18, 2)} - ${offset} * 60`;
  // a real calendar day (the grammar has checked the digits)
  const realDay = `${d} <= multiIf(${m} = 2, if((${y} % 4 = 0 AND ${y} % 100 != 0) OR ${y} % 400 = 0, 29, 28), ${m} IN (4, 6, 9, 11), 30, 31)`;
  return [
    `${int(1, 4)} AS ${y}`,
    `${int(6, 2)} AS ${m}`,
    `${int(9, 2)} AS ${d}`,
    `${y} - if(${m} <= 2, 1, 0) AS ${yy}`,
    `intDiv(${yy} - if(${yy} < 0, 399, 0), 400) AS ${era}`,
    `${yy} - ${era} * 400 AS ${yoe}`,
    `substring(${c}, 20) AS ${rest}`,
    `replaceRegexpOne(${rest}, '^[.][0-9]*', '') AS ${zone}`,
    `if(${c} IS NOT NULL AND match(${c}, ${q(ISO_DATE_TIME_PATTERN)}) AND ${realDay}, (${seconds}) * 1000000 + ${frac}, NULL) AS ${out}`,
  ];
}

/** The four times of the time rule, in microseconds, one alias each (computed once per row). */
const TIMES = {
  timestamp: '_n_t',
  originalTimestamp: '_n_o',
  sentAt: '_n_s',
  receivedAt: '_n_r',
} as const;

/** SQL for one check of the shared event rules, over the parsed fields (as event-sql.ts's checkSql). */
function checkSql(c: Check): string {
  switch (c.kind) {
    case 'blank':
      return blank(col(c.field));
    case 'notOneOf':
      return `(${col(c.field)} IS NULL OR lowerUTF8(${col(c.field)}) NOT IN (${c.values.map(q).join(', ')}))`;
    case 'notScalar': {
      const f = col(c.field);
      return `((startsWith(${f}, '{') AND endsWith(${f}, '}')) OR (startsWith(${f}, '[') AND endsWith(${f}, ']')))`;
    }
    case 'bothBlank':
      return `(${blank(col(c.fields[0]))} AND ${blank(col(c.fields[1]))})`;
    case 'notIsoDate': {
      const alias = TIMES[c.field as keyof typeof TIMES];
      if (!alias) throw new Error(`no parsed time for ${c.field}`);
      return `(${col(c.field)} IS NOT NULL AND ${alias} IS NULL)`;
    }
    case 'notObject':
      // the extraction wrote the value as minified JSON text, and JSON null as NULL
      return `(${col(c.field)} IS NOT NULL AND NOT startsWith(${col(c.field)}, '{'))`;
  }
}

const DAY = String(FUTURE_SLACK_MICROS);
const MIN = String(MIN_EVENT_MICROS);

/**
 * The time rule of rules/event-time.ts for an import (no clock-skew correction; the receive time is
 * `now`, microseconds), over the parsed times: as event-sql.ts's timeRule with `correct` false.
 */
function timeRule(now: string) {
  const { timestamp: T, originalTimestamp: O, receivedAt: R } = TIMES;
  const r = `if(${R} IS NOT NULL AND ${R} <= ${now} + ${DAY}, ${R}, ${now})`;
  const t0 = `coalesce(${T}, ${O}, ${R})`;
  const f0 = `multiIf(${T} IS NOT NULL, 'timestamp', ${O} IS NOT NULL, 'originalTimestamp', 'receivedAt')`;
  const replaced = `ifNull(${t0} > _r + ${DAY}, 0)`;
  const original = `multiIf(${f0} = 'timestamp', ${col('timestamp')}, ${f0} = 'originalTimestamp', ${col('originalTimestamp')}, ${col('receivedAt')})`;
  return {
    r,
    tsMicros: `if(${replaced}, _r, coalesce(${t0}, _r))`,
    context: `if(${replaced}, JSONMergePatch(ifNull(${col('context')}, '{}'), toJSONString(map(${q(ORIGINAL_TIMESTAMP_KEY)}, ${original}))), ${col('context')})`,
    error: `multiIf(${R} < ${MIN}, ${q(`receivedAt|${TOO_EARLY_REASON}`)}, ${t0} < ${MIN}, concat(${f0}, ${q(`|${TOO_EARLY_REASON}`)}), NULL)`,
  };
}

/** The first failing rule as 'field|reason', or NULL: the line's shape, the event rules, then the time rule. */
function errorSql(timeError: string): string {
  const rules = EVENT_RULES.map((r) => {
    const cond = r.forType
      ? `(lowerUTF8(${col('type')}) = ${q(r.forType)} AND ${checkSql(r.check)})`
      : checkSql(r.check);
    return `${cond}, ${q(`${r.field}|${r.reason}`)}`;
  });
  return `multiIf(_pre IS NOT NULL, _pre, _kind = 'bad', ${q(NOT_JSON)}, _kind = 'other', ${q(NOT_OBJECT)},
    ${rules.join(',\n    ')},
    ${timeError})`;
}

/** Events without a messageId get a content hash (as event-sql.ts's MESSAGE_ID_EXPR, and the API's). */
const MESSAGE_ID = `if(${blank(col('messageId'))}, concat('h-', lower(hex(MD5(arrayStringConcat(arrayFilter(x -> x IS NOT NULL, [${CONTENT_HASH_FIELDS.map(
  (f) => (f === 'type' ? `lowerUTF8(${col('type')})` : col(f)),
).join(', ')}]), '|'))))), assumeNotNull(${col('messageId')}))`;

/** The JSON white space before a value. */
const LEADING_SPACE = `'^[ \\t\\r\\n]*'`;
/** A line that starts with a byte-order mark is not JSON to DuckDB's reader; simdjson would skip it. */
const BOM = `'\\xEF\\xBB\\xBF'`;

/** Whether a line holds only white space (not counted, as countNonBlankLines does not count it). */
export const BLANK_LINE = `match(line, '^[ \\t\\r]*$')`;

/**
 * Nesting depth of a JSON text, by its brackets outside strings (for lines the fast parser refused: it
 * stops at 1024 levels). Strings, escapes included, are removed first.
 */
const nesting = (c: string) =>
  `arrayMax(arrayCumSum(arrayMap(x -> if(x IN ('{', '['), 1, -1), splitByString('', replaceRegexpAll(replaceRegexpAll(${c}, '"([^"\\\\\\\\]|\\\\\\\\.)*"', ''), '[^\\\\[\\\\]{}]', '')))))`;

/** A trailing comma before a closing bracket, outside strings (DuckDB's reader allows one). */
const withoutTrailingCommas = (c: string) =>
  `replaceRegexpAll(${c}, '("(?:[^"\\\\\\\\]|\\\\\\\\.)*")|,([ \\t\\r\\n]*[}\\\\]])', '\\\\1\\\\2')`;

export interface StageInsert {
  /** A relation with `line_no` and `line` (every line of the file, blank ones included). */
  source: string;
  /** The import's receive time, microseconds since the epoch (a parameter placeholder or a literal). */
  now: string;
  /** Step 2: the lines refused by the fast parser, read again by the lenient one. */
  lenient: boolean;
}

/** Step 1 (or 2): the lines of `source`, each with its verdict and event columns, into the stage. */
export function stageInsertSql(stage: string, s: StageInsert): string {
  return `INSERT INTO ${stage} (${STAGE_NAMES.join(', ')})\n  ${parsedLinesSql(s)}`;
}

/** The lines of `source`, each with its verdict and event columns (the stage's columns). */
export function parsedLinesSql(s: StageInsert): string {
  const time = timeRule(s.now);
  const line = s.lenient ? '_line' : 'line';
  const fields = RULE_FIELDS.map((f) => `tupleElement(_e, ${q(f)}) AS ${col(f)}`).join(', ');
  // step 2: lines that are not UTF-8 or too deep are refused before the lenient parser reads them
  const pre = s.lenient
    ? `multiIf(NOT isValidUTF8(line), ${q(NOT_UTF8)}, ${nesting('line')} > ${MAX_NESTING}, ${q(TOO_DEEP)}, NULL)`
    : 'CAST(NULL AS Nullable(String))';
  return `SELECT line_no, if(_kind = 'bad' AND ${s.lenient ? '0' : '1'}, 1, ${s.lenient ? '2' : '0'}) AS pass,
    if(pass = 1, line, '') AS raw, ${errorSql(time.error)} AS err,
    ${MESSAGE_ID} AS message_id, lowerUTF8(${col('type')}) AS type, nullIf(${col('event')}, '') AS event,
    nullIf(${col('name')}, '') AS name, nullIf(${col('anonymousId')}, '') AS anonymous_id,
    nullIf(${col('userId')}, '') AS user_id, nullIf(${col('previousId')}, '') AS previous_id,
    nullIf(${col('groupId')}, '') AS group_id,
    fromUnixTimestamp64Micro(greatest(${time.tsMicros}, 0), 'UTC') AS ts,
    fromUnixTimestamp64Micro(greatest(_r, 0), 'UTC') AS received_at,
    ${col('properties')} AS properties, ${col('traits')} AS traits, ${time.context} AS context,
    _cx.page['url'] AS page_url, _cx.page['referrer'] AS page_referrer,
    if(_cx.campaign IS NULL AND position(${col('context')}, '"campaign"') > 0,
       nullIf(JSONExtractRaw(${col('context')}, 'campaign'), ''), _cx.campaign) AS campaign,
    _cx.userAgent AS user_agent, _cx.location['country'] AS country,
    ${LINK_PATHS.columns.join(',\n    ')}
  FROM (
    SELECT line_no, line, ${pre} AS _pre, ${line} AS _in,
      if(_pre IS NULL, JSONExtract(_in, ${q(LINE_TUPLE)}), NULL) AS _j,
      multiIf(_pre IS NOT NULL, 'pre',
              _j IS NOT NULL AND startsWith(_in, '{'), 'object',
              startsWith(_in, ${BOM}), 'bad',
              NOT isValidJSON(_in), 'bad',
              startsWith(replaceRegexpOne(_in, ${LEADING_SPACE}, ''), '{'), 'object',
              'other') AS _kind,
      assumeNotNull(if(_kind = 'object', _j, NULL)) AS _e,
      ${fields},
      ${RULE_FIELDS.filter((f) => f in TIMES)
        .flatMap((f) => isoMicros(col(f), TIMES[f as keyof typeof TIMES]))
        .join(',\n      ')},
      ${time.r} AS _r,
      JSONExtract(ifNull(${col('context')}, ''), ${q(CONTEXT_TUPLE)}) AS _cx,
      ${LINK_PATHS.ids} AS _ids
    FROM (SELECT line_no, line${s.lenient ? `, ${withoutTrailingCommas('line')} AS _line` : ''} FROM ${s.source} WHERE NOT ${BLANK_LINE})
  )${s.lenient ? '\n  SETTINGS allow_simdjson = 0' : ''}`;
}

/** Step 2's source: the lines step 1 kept raw. */
export function refusedLinesSource(stage: string): string {
  return `(SELECT line_no, raw AS line FROM ${stage} WHERE pass = 1)`;
}

/** The rows that count (step 1's refused lines are replaced by step 2's verdicts). */
const COUNTED = 'pass != 1';

/** How many lines the stage holds, valid and not, and how many refused by the fast parser. */
export function stageSummarySql(stage: string): string {
  return `SELECT countIf(${COUNTED}) AS lines, countIf(${COUNTED} AND err IS NULL) AS valid,
    countIf(pass = 1) AS refused FROM ${stage}`;
}

/** The first `limit` rejected lines, in file order. */
export function rejectionsSql(stage: string, limit: number): string {
  return `SELECT line_no, err FROM ${stage} WHERE ${COUNTED} AND err IS NOT NULL ORDER BY line_no LIMIT ${limit}`;
}

/**
 * What opaque ids are trimmed of, by code point: String.prototype.trim's set (derive/identity's
 * TRIMMED_CHARS, as DuckDB's check trims), which is the space separators and these (a test holds the two
 * equal).
 */
const TRIM_CLASS = '[\\\\t\\\\n\\\\v\\\\f\\\\r\\\\p{Zs}\\\\x{2028}\\\\x{2029}\\\\x{feff}]';
export const trimmed = (e: string) =>
  `replaceRegexpAll(${e}, '^${TRIM_CLASS}+|${TRIM_CLASS}+$', '')`;

/** How an event's column is spelled before it is compared (rules/erased-ids.ts, erasedIdValue), in SQL. */
export function erasedIdValueSql(spec: ErasedIdSpec, col: string): string {
  let v = trimmed(col);
  // lowerUTF8 is ICU's full mapping, as JavaScript's (a test holds the two equal)
  if (spec.lowerCase) v = `lowerUTF8(${v})`;
  if (spec.dropPrefix !== null) {
    if (!/^[a-z:]+$/.test(spec.dropPrefix))
      throw new Error(`an erased-id prefix is [a-z:]: ${spec.dropPrefix}`);
    v = trimmed(`replaceRegexpOne(${v}, '^${spec.dropPrefix}', '')`);
  }
  return v;
}

/** The kinds a load checks against tombstones, with their normalisation (rules/erased-ids.ts). */
const TOMBSTONED = ERASED_ID_SPECS.map((spec) => ({
  kind: spec.kind,
  column: spec.column,
  value: (c: string) => erasedIdValueSql(spec, c),
}));

export interface EventsInsert {
  database: string;
  /** The stage table; or, for the direct insert, the parsed lines (parsedLinesSql) as a relation. */
  stage: string;
  /** The direct insert: no de-duplication within the file (the caller checks there was none to do). */
  direct?: boolean;
  /** Buckets of messageIds (cityHash64 modulo), one insert each; bucket `k` of `n`. */
  buckets: number;
  /** Whether the workspace has tombstones (else the check is left out). */
  tombstones: boolean;
}

/**
 * Step 3 for bucket {k} of {n}: the valid rows whose messageId the workspace does not have, naming no
 * erased identifier (an identifier erased after the event's time, within the tombstone's stretch), the
 * first line of each messageId. Parameters: ws, batch, k and n (buckets), key (the privacy key, with
 * tombstones: the server holds it already, privacy-key.ts).
 */
export function eventsInsertSql(x: EventsInsert): string {
  const { database: db, stage } = x;
  const bucket = (c: string) =>
    x.buckets > 1 ? ` AND cityHash64(${c}) % {n:UInt64} = {k:UInt64}` : '';
  const tombstones = `${db}.erased_identifiers`;
  const erased = x.tombstones
    ? `AND NOT (${TOMBSTONED.map(
        ({ kind, column, value }) => `(${column} IS NOT NULL
          AND (lower(hex(SHA256(concat({key:String}, ${q(`${kind}:`)}, ${value(column)})))) AS _h_${column}) IN
            (SELECT key_hash FROM ${tombstones} WHERE workspace_id = {ws:String} AND kind = ${q(kind)})
          AND arrayExists(t -> t.1 = _h_${column} AND t.2 > ts AND (t.3 IS NULL OR ts >= t.3) AND (t.4 IS NULL OR ts < t.4), _tombs))`,
      ).join(' OR ')})`
    : '';
  const cols = [
    '{ws:String} AS workspace_id',
    'message_id',
    'assumeNotNull(type) AS type',
    'event',
    'name',
    'anonymous_id',
    'user_id',
    'previous_id',
    'group_id',
    'assumeNotNull(ts) AS ts',
    'assumeNotNull(received_at) AS received_at',
    'properties',
    'traits',
    'context',
    "'import' AS origin",
    '{batch:String} AS batch_id',
    'page_url',
    'page_referrer',
    'campaign',
    'user_agent',
    'country',
    'email',
    'phone',
  ];
  return `INSERT INTO ${db}.events (${cols.map((c) => c.split(' AS ').pop()).join(', ')})
  ${x.tombstones ? `WITH (SELECT groupArray((key_hash, erased_at, from_at, until_at)) FROM ${tombstones} WHERE workspace_id = {ws:String}) AS _tombs` : ''}
  SELECT ${cols.join(', ')}
  FROM ${stage}
  WHERE ${x.direct ? '' : `${COUNTED} AND `}err IS NULL${bucket('message_id')}
    AND message_id NOT IN (SELECT message_id FROM ${db}.events WHERE workspace_id = {ws:String}${bucket('message_id')})
    ${erased}
  ${x.direct ? '' : 'ORDER BY line_no\n  LIMIT 1 BY message_id'}`;
}

/** How many events an import stored (its batch), and how many distinct messageIds. Parameters: ws, batch. */
export function insertedCountSql(db: string): string {
  return `SELECT count() AS n, uniqExact(message_id) AS ids FROM ${db}.events WHERE workspace_id = {ws:String} AND batch_id = {batch:String}`;
}

/** Takes a direct insert back (it stored fewer lines than the file has, or a messageId twice). */
export function deleteBatchSql(db: string): string {
  return `DELETE FROM ${db}.events WHERE workspace_id = {ws:String} AND batch_id = {batch:String}`;
}
