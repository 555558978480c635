// Lower case as JavaScript's String.prototype.toLowerCase has it, in DuckDB SQL. The product rules compare
// text lower-cased (campaign parameters that split sessions, erased e-mails), with JavaScript as their
// reference; DuckDB's lower() has older case tables (56 code points of Unicode 16 stay upper case), maps
// `İ` to `i` (JavaScript: `i` and a combining dot) and knows no word-final sigma (`ΑΣ` is `ας` in
// JavaScript, `ασ` in DuckDB). ClickHouse's lowerUTF8 (ICU's full mapping) already agrees. The tables
// come from the JavaScript engine that runs the reference, so the two cannot drift apart.

const SIGMA = '\u03a3';

/** Every code point that passes `test`, as one text. */
function charsOf(test: (ch: string) => boolean): string {
  let out = '';
  for (let c = 1; c < 0x110000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const ch = String.fromCodePoint(c);
    if (test(ch)) out += ch;
  }
  return out;
}

interface Tables {
  /** translate()'s two strings: each upper-case code point with a one-code-point lower case (Σ aside). */
  from: string;
  to: string;
  /** The code points whose lower case is longer (İ): replaced one by one. */
  longer: readonly (readonly [string, string])[];
  /**
   * Unicode's Final_Sigma context, as ICU reads it: a case-ignorable character is skipped, else a cased
   * one counts. The characters themselves (no pattern: compiling a class of thousands of code points
   * cost ~10 ms a query).
   */
  ignorable: string;
  cased: string;
}

let tables: Tables | undefined;

function caseTables(): Tables {
  if (tables) return tables;
  let from = '';
  let to = '';
  const longer: [string, string][] = [];
  for (let c = 0x80; c < 0x110000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const ch = String.fromCodePoint(c);
    const l = ch.toLowerCase();
    if (l === ch || ch === SIGMA) continue;
    if ([...l].length === 1) {
      from += ch;
      to += l;
    } else longer.push([ch, l]);
  }
  const ignorable = /^\p{Case_Ignorable}$/u;
  const cased = /^\p{Cased}$/u;
  tables = {
    from: `ABCDEFGHIJKLMNOPQRSTUVWXYZ${from}`,
    to: `abcdefghijklmnopqrstuvwxyz${to}`,
    longer,
    ignorable: charsOf((ch) => ignorable.test(ch)),
    cased: charsOf((ch) => cased.test(ch) && !ignorable.test(ch)),
  };
  return tables;
}

const quote = (t: string) => `'${t.replaceAll("'", "''")}'`;

/** Text without Σ lower-cased by the tables. */
function lowerNoSigma(e: string): string {
  const t = caseTables();
  let x = e;
  for (const [up, low] of t.longer) x = `replace(${x}, ${quote(up)}, ${quote(low)})`;
  return `translate(${x}, ${quote(t.from)}, ${quote(t.to)})`;
}

/**
 * `e` lower-cased as JavaScript does. ASCII text (the most, told by its byte and character counts) takes
 * DuckDB's lower(); other text the tables, bound once to a lambda's parameter (so that `e` is written and
 * computed once; names unlike any caller's column or lambda parameter); text with a Σ is cut at each Σ,
 * whose lower case depends on its neighbours once the case-ignorable characters are left out (final:
 * after a cased letter and not before one; a neighbouring Σ is a cased letter too).
 */
export function jsLowerSql(e: string): string {
  const t = caseTables();
  const cased = quote(t.cased);
  // the text without case-ignorable characters (translate drops what has no counterpart), cut alike
  const bare = `string_split(translate(jl_x, ${quote(t.ignorable)}, ''), ${quote(SIGMA)})`;
  const before = `jl_s[jl_i]`;
  const after = `jl_s[jl_i + 1]`;
  const precededByCased = `CASE WHEN ${before} = '' THEN jl_i > 1 ELSE contains(${cased}, right(${before}, 1)) END`;
  const followedByCased = `CASE WHEN ${after} = '' THEN jl_i + 1 < len(jl_s) ELSE contains(${cased}, left(${after}, 1)) END`;
  const sigma = `CASE WHEN jl_i = len(jl_s) THEN '' WHEN (${precededByCased}) AND NOT (${followedByCased}) THEN '\u03c2' ELSE '\u03c3' END`;
  const withSigma = `list_transform([${bare}], lambda jl_s: array_to_string(list_transform(string_split(jl_x, ${quote(SIGMA)}), lambda jl_p, jl_i: ${lowerNoSigma('jl_p')} || ${sigma}), ''))[1]`;
  const other = `CASE WHEN contains(jl_x, ${quote(SIGMA)}) THEN ${withSigma} ELSE ${lowerNoSigma('jl_x')} END`;
  return `CASE WHEN ${e} IS NULL OR strlen(${e}) = length(${e}) THEN lower(${e})
    ELSE list_transform([${e}], lambda jl_x: ${other})[1] END`;
}

/**
 * The temporary macro every connection defines at open (connection.ts). A statement names it instead of
 * carrying the ~24 KB of case tables, which DuckDB would parse again for every statement (a live derive
 * runs several: its sessions step took 3x as long with the tables inlined).
 */
export const JS_LOWER_MACRO = 'cl_js_lower';

/** The statement that defines the macro on a connection. */
export function jsLowerMacroSql(): string {
  return `CREATE OR REPLACE TEMP MACRO ${JS_LOWER_MACRO}(jl_e) AS (${jsLowerSql('jl_e')})`;
}

/** `e` lower-cased as JavaScript does, through the connection's macro. */
export const jsLower = (e: string): string => `${JS_LOWER_MACRO}(${e})`;
