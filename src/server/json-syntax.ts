// Where a JSON text stops being JSON, for error messages: V8's own messages give a position for some
// mistakes only, and quote the text around it for others (which would echo the body back).

export interface JsonSyntaxError {
  /** 0-based index into the text (UTF-16 units), where the text stops being JSON. */
  position: number;
  /** 1-based line and column of that position. */
  line: number;
  column: number;
  reason: string;
}

const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX = /^[0-9a-fA-F]$/;
const LITERALS: Record<string, string> = { t: 'true', f: 'false', n: 'null' };
const IN_OBJECT = 1;
const IN_ARRAY = 2;

function shown(ch: string | undefined): string {
  if (ch === undefined) return 'the end of the body';
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f
    ? `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
    : `'${ch}'`;
}

/**
 * The first syntax error of `text` as JSON (RFC 8259; a leading byte-order mark is skipped, as body
 * parsers do), or undefined when it is valid. Iterative, so deep nesting cannot overflow the stack.
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: number[] = [];
  const fail = (reason: string): JsonSyntaxError => {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < i; k++) {
      if (text.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
    return { position: i, line, column: i - lineStart + 1, reason };
  };
  const skipSpace = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      i++;
    }
  };
  const string = (): string | undefined => {
    i++; // the opening quote
    while (i < n) {
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return undefined;
      }
      if (ch === '\\') {
        const e = text[i + 1];
        i++; // the character after the backslash, where V8 reports a bad escape
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!HEX.test(text[i + k] ?? '')) {
              i += k;
              return `a \\u escape needs four hex digits, found ${shown(text[i])}`;
            }
          }
          i += 5;
        } else if (e !== undefined && ESCAPES.has(e)) i++;
        else return `${shown(e)} cannot follow a backslash`;
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) return `${shown(ch)} must be escaped inside a string`;
      i++;
    }
    return 'a string is not closed';
  };
  const digits = (): boolean => {
    const start = i;
    while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    return i > start;
  };
  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, failing where the first wrong character is
  const number = (): string | undefined => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (!digits()) return `a number needs a digit here, found ${shown(text[i])}`;
    if (text[i] === '.') {
      i++;
      if (!digits()) return `a decimal point needs a digit after it, found ${shown(text[i])}`;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!digits()) return `an exponent needs a digit, found ${shown(text[i])}`;
    }
    return undefined;
  };
  // after '{' or ',' inside an object: a property name, then ':'
  const key = (): string | undefined => {
    skipSpace();
    if (text[i] !== '"')
      return `expected a property name in double quotes, found ${shown(text[i])}`;
    const bad = string();
    if (bad) return bad;
    skipSpace();
    if (text[i] !== ':') return `expected ':' after a property name, found ${shown(text[i])}`;
    i++;
    return undefined;
  };

  for (;;) {
    // a value starts here
    skipSpace();
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      skipSpace();
      if (text[i] === (c === '{' ? '}' : ']')) i++;
      else {
        stack.push(c === '{' ? IN_OBJECT : IN_ARRAY);
        if (c === '{') {
          const bad = key();
          if (bad) return fail(bad);
        }
        continue;
      }
    } else if (c === '"') {
      const bad = string();
      if (bad) return fail(bad);
    } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      const bad = number();
      if (bad) return fail(bad);
    } else if (c !== undefined && c in LITERALS) {
      const word = LITERALS[c]!;
      for (let k = 0; k < word.length; k++, i++) {
        if (text[i] !== word[k]) return fail(`expected ${word}, found ${shown(text[i])}`);
      }
    } else return fail(`expected a value, found ${shown(c)}`);

    // a value ended: close what it ends, or go on to the next one
    for (;;) {
      skipSpace();
      const top = stack[stack.length - 1];
      const d = text[i];
      if (top === undefined)
        return i < n ? fail(`unexpected ${shown(d)} after the end of the JSON value`) : undefined;
      const close = top === IN_OBJECT ? '}' : ']';
      if (d === close) {
        i++;
        stack.pop();
        continue;
      }
      if (d !== ',') return fail(`expected ',' or '${close}', found ${shown(d)}`);
      i++;
      if (top === IN_OBJECT) {
        const bad = key();
        if (bad) return fail(bad);
      }
      break;
    }
  }
}
