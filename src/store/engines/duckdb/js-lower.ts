// Lower case as JavaScript's String.prototype.toLowerCase has it, in DuckDB SQL. The product rules compare
// text lower-cased (campaign parameters that split sessions, erased e-mails), with JavaScript as their
// reference; DuckDB's lower() has older case tables (56 code points of Unicode 16 stay upper case), maps
// `İ` to `i` (JavaScript: `i` and a combining dot) and knows no word-final sigma (`ΑΣ` is `ας` in
// JavaScript, `ασ` in DuckDB). ClickHouse's lowerUTF8 (ICU's full mapping) already agrees. The tables
// come from the JavaScript engine that runs the reference, so the two cannot drift apart.

const SIGMA = '\u03a3';

/** Code points as an RE2 character class (ranges of \x{...} escapes; DuckDB's strings keep backslashes). */
function classOf(test: (ch: string) => boolean): string {
  const ranges: string[] = [];
  let start = -1;
  const hex = (c: number) => `\\x{${c.toString(16)}}`;
  for (let c = 0; c <= 0x110000; c++) {
    const inside = c < 0x110000 && (c < 0xd800 || c > 0xdfff) && test(String.fromCodePoint(c));
    if (inside && start < 0) start = c;
    if (!inside && start >= 0) {
      ranges.push(start === c - 1 ? hex(start) : `${hex(start)}-${hex(c - 1)}`);
      start = -1;
    }
  }
  return `[${ranges.join('')}]`;
}

interface Tables {
  /** translate()'s two strings: each upper-case code point with a one-code-point lower case (Σ aside). */
  from: string;
  to: string;
  /** The code points whose lower case is longer (İ): replaced one by one. */
  longer: readonly (readonly [string, string])[];
  /** Unicode's Final_Sigma context, as ICU reads it: a case-ignorable character is skipped, else cased counts. */
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
    ignorable: classOf((ch) => ignorable.test(ch)),
    cased: classOf((ch) => cased.test(ch) && !ignorable.test(ch)),
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
 * DuckDB's lower(); other text the tables, bound once to a lambda's parameter (so that `e` is written
 * and computed once); text with a Σ is cut at each Σ, whose lower case depends on what stands around it
 * (final: after a cased letter and not before one, case-ignorable characters skipped; a neighbouring Σ
 * is a cased letter too).
 */
export function jsLowerSql(e: string): string {
  const t = caseTables();
  const I = t.ignorable;
  const C = t.cased;
  const parts = `string_split(x, ${quote(SIGMA)})`;
  const precededByCased = `regexp_matches(p, '${C}${I}*$') OR (i > 1 AND regexp_matches(p, '^${I}*$'))`;
  const next = `${parts}[i + 1]`;
  const followedByCased = `regexp_matches(${next}, '^${I}*${C}') OR (i + 1 < len(${parts}) AND regexp_matches(${next}, '^${I}*$'))`;
  const sigma = `CASE WHEN i = len(${parts}) THEN '' WHEN (${precededByCased}) AND NOT (${followedByCased}) THEN '\u03c2' ELSE '\u03c3' END`;
  const withSigma = `array_to_string(list_transform(${parts}, lambda p, i: ${lowerNoSigma('p')} || ${sigma}), '')`;
  const other = `CASE WHEN contains(x, ${quote(SIGMA)}) THEN ${withSigma} ELSE ${lowerNoSigma('x')} END`;
  return `CASE WHEN ${e} IS NULL OR strlen(${e}) = length(${e}) THEN lower(${e})
    ELSE list_transform([${e}], lambda x: ${other})[1] END`;
}
