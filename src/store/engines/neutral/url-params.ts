// The click-id rule (rules/campaign-params.ts, clickIdsOf) in SQL, written once for every engine: a
// landing URL's query as the WHATWG URL parser finds it, its parameters form-decoded as URLSearchParams
// does (ill-formed UTF-8 as U+FFFD, where a plain decode fails in DuckDB and keeps raw bytes in
// ClickHouse), and the click ids among them. click-ids.test.ts holds it to the reference on arbitrary URLs.
import { TRIMMED_CHARS } from '../../../rules/opaque-id.js';
import { fn, raw, sql, type Piece, type Sql } from './sql.js';

// What the URL parser drops: C0 controls and space at both ends (NUL aside: stored text holds none),
// then ASCII tab and newline anywhere. parseLandingUrl trims (String.prototype.trim) before it.
const C0_AND_SPACE = `${Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('')} `;
const TAB_OR_NEWLINE = '[\t\n\r]';
const ANY_C0 = `[${C0_AND_SPACE.slice(0, 31)}]`;

/**
 * A URL's query (after its first `?`, before its first `#`), as the URL parser reads it; '' when none.
 * What it drops changes the query's parameters only where the URL holds a control character (a tab or
 * newline inside; a control at its end, where a trailing space or the like would otherwise keep it
 * from being stripped); the spaces that end the last value are trimmed with it. So only such a URL is
 * cleaned first.
 */
export function urlQuerySql(url: Piece | string): Sql {
  const cleaned = fn.regexpReplaceAll(
    fn.trimChars(fn.trimChars(url, TRIMMED_CHARS), C0_AND_SPACE),
    TAB_OR_NEWLINE,
    '',
  );
  const parsed = sql`CASE WHEN ${fn.regexpMatches(url, ANY_C0)} THEN ${cleaned} ELSE ${typeof url === 'string' ? raw(url) : url} END`;
  const path = fn.splitPart(parsed, '#', 1);
  const at = fn.position(path, '?');
  return sql`CASE WHEN ${at} > 0 THEN ${fn.substrFrom(path, sql`${at} + 1`)} ELSE '' END`;
}

// Percent-escaped UTF-8 (hex digits in either case): the well-formed sequences, and the ill-formed ones
// the decoder replaces by one U+FFFD each (a maximal prefix of a well-formed sequence, or any other byte
// of 0x80 and above). RE2 patterns without backslashes.
const CONT = '%[89ab][0-9a-f]';
const WELL_FORMED = [
  '%[0-7][0-9a-f]',
  `%(?:c[2-9a-f]|d[0-9a-f])${CONT}`,
  `%e0%[ab][0-9a-f]${CONT}`,
  `%(?:e[1-9a-c]|e[ef])${CONT}${CONT}`,
  `%ed%[89][0-9a-f]${CONT}`,
  `%f0%[9ab][0-9a-f]${CONT}${CONT}`,
  `%f[1-3]${CONT}${CONT}${CONT}`,
  `%f4%8[0-9a-f]${CONT}${CONT}`,
].join('|');
const ILL_FORMED = [
  '%(?:c[2-9a-f]|d[0-9a-f])',
  '%e0(?:%[ab][0-9a-f])?',
  `%(?:e[1-9a-c]|e[ef])(?:${CONT})?`,
  '%ed(?:%[89][0-9a-f])?',
  `%f0(?:%[9ab][0-9a-f](?:${CONT})?)?`,
  `%f[1-3](?:${CONT}(?:${CONT})?)?`,
  `%f4(?:%8[0-9a-f](?:${CONT})?)?`,
  CONT,
  '%c[01]',
  '%f[5-9a-f]',
].join('|');
/** A text cut into well-formed sequences, ill-formed ones, a `%` that escapes nothing, and the rest. */
const TOKEN = `(?i)(${WELL_FORMED}|${ILL_FORMED}|%|[^%]+)`;
const ILL_FORMED_TOKEN = `(?i)^(?:${ILL_FORMED})$`;

/**
 * A form value decoded as URLSearchParams does: `+` is a space, `%XX` a byte, the bytes read as UTF-8
 * with each ill-formed sequence one U+FFFD, a malformed escape kept as written. Only a text with a `%`
 * is cut into pieces.
 */
export function formDecodeSql(e: Piece | string): Sql {
  const pieces = fn.listMap(
    fn.regexpExtractAll(e, TOKEN),
    't',
    sql`CASE WHEN ${fn.regexpMatches('t', ILL_FORMED_TOKEN)} THEN ${fn.lit('\ufffd')} ELSE ${fn.formDecode('t')} END`,
  );
  return sql`CASE WHEN ${fn.contains(e, '%')} THEN ${fn.listJoin(pieces, '')} ELSE ${fn.formDecode(e)} END`;
}

/**
 * The name of a query parameter (`name=value`, or a bare `name`) decoded and trimmed, with the Kelvin
 * sign as `k` (the one character JavaScript lower-cases to ASCII from outside it; the engines differ).
 */
export function paramNameSql(pair: Piece | string): Sql {
  const name = fn.trimChars(formDecodeSql(fn.splitPart(pair, '=', 1)), TRIMMED_CHARS);
  return sql`${fn.regexpReplaceAll(name, '\u212a', 'k')}`;
}

/** A parameter name (paramNameSql) lower-cased as JavaScript does, when it is ASCII; '' when it is not (no click id). */
export function paramKeySql(name: Piece | string): Sql {
  return sql`CASE WHEN ${fn.regexpMatches(name, '^[A-Za-z0-9_]+$')} THEN ${fn.lower(name)} ELSE '' END`;
}

/** Text trimmed of TRIMMED_CHARS; only text that starts or ends with one is trimmed (a trim by set is slow). */
function trimmedSql(e: Piece | string): Sql {
  return sql`CASE WHEN ${fn.regexpMatches(e, `^[${TRIMMED_CHARS}]|[${TRIMMED_CHARS}]$`)} THEN ${fn.trimChars(e, TRIMMED_CHARS)} ELSE ${typeof e === 'string' ? raw(e) : e} END`;
}

/** The raw value of a query parameter (after its first `=`; '' for a bare name). */
export function paramRawValueSql(pair: Piece | string): Sql {
  const at = fn.position(pair, '=');
  return sql`CASE WHEN ${at} > 0 THEN ${fn.substrFrom(pair, sql`${at} + 1`)} ELSE '' END`;
}

/**
 * A landing with its click ids' values blinded (`gclid=~`): every ad click carries a unique click id,
 * so landings are classified by this key (a few thousand instead of one per paid visit) and the real
 * values are read back from each session's own URL (withClickIdsSql). The key must classify as the URL
 * does, so only a value the reader keeps as it is blinded: one of a parameter of the query named exactly
 * (any case) for a click id, that starts with a character no decoding or trim changes (a value that is
 * empty once read stays as written, and so does any other that starts with an escape or a space).
 */
export function landingKeySql(url: string, params: readonly string[]): Sql {
  if (params.length === 0) return sql`${raw(url)}`;
  const path = fn.splitPart(url, '#', 1);
  const at = fn.position(path, '?');
  const blinded = fn.substrFrom(
    fn.regexpReplaceAll(
      sql`'&' || ${fn.substrFrom(path, sql`${at} + 1`)}`,
      `&((?:${params.map(anyCase).join('|')})=)[A-Za-z0-9_.~-][^&]*`,
      '&\\1~',
    ),
    '2',
  );
  return sql`CASE WHEN ${at} > 0
    THEN substring(${path}, 1, ${at}) || ${blinded} || ${fn.substrFrom(raw(url), sql`length(${path}) + 1`)}
    ELSE ${raw(url)} END`;
}

/** Each click id name as an RE2 pattern matching its ASCII spellings in any case (no `(?i)`, which folds more). */
const anyCase = (name: string): string =>
  [...name].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join('');

const C0 = C0_AND_SPACE.slice(0, 31);

/**
 * What one pattern finds in `&` and a URL's raw query: each parameter that names a click id as written
 * (group 1), and an empty match where the query needs reading as the URL parser does (a name holding an
 * escape, a `+` or a space of any kind, or a control character or the Kelvin sign anywhere but in a
 * value's middle). Few queries do; the others' click ids are then these parameters as they are.
 */
const findClickIds = (params: readonly string[]): string =>
  `&((?:${params.map(anyCase).join('|')})=[^&${C0}]*)|&[^=&#]*[%+${TRIMMED_CHARS}]|[${C0}\u212a]`;

/**
 * `staged` (a relation with column `landing_url`) with column `click_ids`: the landing's click ids as a
 * JSON object (clickIdsOf with `params`), in the order they appear. Each step a column of a nested select
 * (the engines' lambdas capture columns, and neither needs a correlated subquery): the raw query; the
 * parameters one pattern finds, and whether the query needs reading one parameter at a time; the
 * parameters and their keys; those of click ids; their values; the non-empty ones; the first of each key.
 */
export function withClickIdsSql(staged: Piece, params: readonly string[]): Sql {
  if (params.length === 0) return sql`(SELECT *, '{}' AS click_ids FROM ${staged})`;
  for (const x of params)
    if (!/^[a-z0-9_]+$/.test(x)) throw new Error(`click id parameter names are [a-z0-9_]: ${x}`);
  const path = fn.splitPart('landing_url', '#', 1);
  const query = sql`(SELECT *, CASE WHEN ${fn.contains('landing_url', '?')}
      THEN ${fn.substrFrom(path, sql`${fn.position(path, '?')} + 1`)} ELSE '' END AS click_query FROM ${staged})`;
  // an empty match's group is NULL in DuckDB and '' in ClickHouse: '' in both
  const found = sql`(SELECT *, ${fn.listMap(
    fn.regexpExtractAll(sql`'&' || click_query`, findClickIds(params)),
    'x',
    "coalesce(x, '')",
  )} AS click_found FROM ${query} q)`;
  const flagged = sql`(SELECT *, ${fn.listHas('click_found', "''")} AS click_odd FROM ${found} f)`;
  // only an odd query goes through the long forms (ClickHouse evaluates both branches of a CASE)
  const oddUrl = sql`CASE WHEN click_odd THEN landing_url ELSE '' END`;
  const pairs = sql`(SELECT *,
      CASE WHEN click_odd THEN ${fn.split(urlQuerySql(oddUrl), '&')} ELSE click_found END AS click_pairs
    FROM ${flagged} g)`;
  const oddPairs = fn.listFilter('click_pairs', 'x', 'click_odd');
  const keys = sql`CASE WHEN click_odd THEN ${fn.listMap(oddPairs, 'x', paramKeySql(paramNameSql('x')))}
    ELSE ${fn.listMap('click_pairs', 'x', fn.lower(fn.splitPart('x', '=', 1)))} END`;
  const keyed = sql`(SELECT *, ${keys} AS click_pair_keys FROM ${pairs} p)`;
  const isClick = (e: string) => fn.inTexts(e, params);
  const clicks = sql`(SELECT *, ${fn.listFilter('click_pair_keys', 'x', isClick('x'))} AS click_all_keys,
      ${fn.listFilterIndexed('click_pairs', 'x', 'i', isClick('click_pair_keys[i]'))} AS click_raw
    FROM ${keyed} k)`;
  // a value decoded, then trimmed: each step a list of its own, so no step is computed twice
  const rawValues = sql`(SELECT *, ${fn.listMap('click_raw', 'x', paramRawValueSql('x'))} AS click_raw_values FROM ${clicks} c)`;
  const decoded = sql`(SELECT *, ${fn.listMap('click_raw_values', 'x', formDecodeSql('x'))} AS click_decoded FROM ${rawValues} r)`;
  const valued = sql`(SELECT *, ${fn.listMap('click_decoded', 'x', trimmedSql('x'))} AS click_all_values FROM ${decoded} d)`;
  const nonEmpty = sql`(SELECT *, ${fn.listFilterIndexed('click_all_keys', 'x', 'i', "click_all_values[i] <> ''")} AS click_keys,
      ${fn.listFilter('click_all_values', 'x', "x <> ''")} AS click_values
    FROM ${valued} v)`;
  const first = (list: string) =>
    fn.listFilterIndexed(
      list,
      'x',
      'i',
      sql`${fn.listPosition('click_keys', 'click_keys[i]')} = i`,
    );
  return sql`(SELECT *, ${fn.jsonObject(first('click_keys'), first('click_values'))} AS click_ids FROM ${nonEmpty} n)`;
}
