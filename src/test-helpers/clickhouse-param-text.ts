// Query parameters reach a ClickHouse server as text (`param_x=...`), which the server parses by the
// type the query declares (`{x:Array(String)}`): a scalar in the escaped (TSV) form, an array, tuple or
// map as a quoted literal. chdb binds parameters from JavaScript values, which it renders back to that
// text. So the test endpoint turns each text into the value chdb renders to the same text: it decodes,
// chdb re-encodes, and the engine parses what a server would have parsed.

/** The `{name:Type}` placeholders of a query: name → declared type. */
export function placeholderTypes(sql: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of sql.matchAll(/\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}/g))
    out.set(m[1]!, m[2]!);
  return out;
}

/** chdb renders an object of this class name as a tuple literal `(a,b)` (as the HTTP client does). */
export class TupleParam {
  constructor(readonly values: unknown[]) {}
}

/**
 * The value chdb renders to `text` for a placeholder of `type` (undefined: not in the query). A text the
 * declared composite type cannot be read from goes on as a plain string, so the engine refuses it with
 * its own parse error, as a server would.
 */
export function paramValue(text: string, type: string | undefined): unknown {
  const inner = unwrap(type ?? '');
  if (text === '\\N' && inner.nullable) return null;
  if (/^(Array|Tuple|Map)\s*\(/i.test(inner.type)) {
    const parsed = readLiteral(text);
    if (parsed.ok) return parsed.value;
  }
  return unescapeText(text);
}

function unwrap(type: string): { type: string; nullable: boolean } {
  let t = type.trim();
  let nullable = false;
  for (;;) {
    const m = /^(Nullable|LowCardinality)\s*\((.*)\)$/is.exec(t);
    if (!m) return { type: t, nullable };
    if (m[1]!.toLowerCase() === 'nullable') nullable = true;
    t = m[2]!.trim();
  }
}

// Backslash escapes as ClickHouse reads them in escaped and quoted text; any other escaped character
// stands for itself.
const ESCAPES: Record<string, string> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  '0': '\0',
  a: '\x07',
  v: '\v',
  e: '\x1b',
};

/** Escaped (TSV) text → the string it stands for. */
export function unescapeText(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const [decoded, used] = readEscape(text, i + 1);
    out += decoded;
    i += used;
  }
  return out;
}

/** The escape after a backslash at `at`: what it stands for and how many characters it took. */
function readEscape(text: string, at: number): [string, number] {
  const c = text[at]!;
  if (c === 'x' && /^[0-9A-Fa-f]{2}$/.test(text.slice(at + 1, at + 3)))
    return [String.fromCharCode(parseInt(text.slice(at + 1, at + 3), 16)), 3];
  return [ESCAPES[c] ?? c, 1];
}

type Read = { ok: true; value: unknown } | { ok: false };

/** A whole quoted literal: `['a','b\'c']`, `(1,'x')`, `{'k':[1,2]}`, nested, NULL, numbers, booleans. */
export function readLiteral(text: string): Read {
  const reader = new LiteralReader(text);
  try {
    const value = reader.value();
    reader.skipSpace();
    return reader.atEnd() ? { ok: true, value } : { ok: false };
  } catch {
    return { ok: false };
  }
}

class LiteralReader {
  private at = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.at >= this.text.length;
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.at]!)) this.at++;
  }

  value(): unknown {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '[') return this.list('[', ']');
    if (c === '(') return new TupleParam(this.list('(', ')'));
    if (c === '{') return this.map();
    if (c === "'") return this.quoted();
    return this.bare();
  }

  private list(open: string, close: string): unknown[] {
    this.expect(open);
    const items: unknown[] = [];
    this.skipSpace();
    if (this.peek() === close) {
      this.at++;
      return items;
    }
    for (;;) {
      items.push(this.value());
      this.skipSpace();
      if (this.peek() === close) {
        this.at++;
        return items;
      }
      this.expect(',');
    }
  }

  private map(): Map<unknown, unknown> {
    this.expect('{');
    const out = new Map<unknown, unknown>();
    this.skipSpace();
    if (this.peek() === '}') {
      this.at++;
      return out;
    }
    for (;;) {
      const key = this.value();
      this.skipSpace();
      this.expect(':');
      out.set(key, this.value());
      this.skipSpace();
      if (this.peek() === '}') {
        this.at++;
        return out;
      }
      this.expect(',');
    }
  }

  private quoted(): string {
    this.expect("'");
    let out = '';
    while (!this.atEnd()) {
      const c = this.text[this.at++]!;
      if (c === "'") return out;
      if (c === '\\' && !this.atEnd()) {
        const [decoded, used] = readEscape(this.text, this.at);
        out += decoded;
        this.at += used;
      } else out += c;
    }
    throw new Error('unterminated string');
  }

  private bare(): unknown {
    const m = /^[A-Za-z0-9_.+-]+/.exec(this.text.slice(this.at));
    if (!m) throw new Error(`unexpected ${this.peek() ?? 'end'}`);
    this.at += m[0].length;
    const word = m[0];
    const lower = word.toLowerCase();
    if (lower === 'null') return null;
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (/^[+-]?\d+$/.test(word)) {
      const n = Number(word);
      return Number.isSafeInteger(n) ? n : BigInt(word);
    }
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(word) && Number.isFinite(Number(word)))
      return Number(word);
    // nan, inf and unquoted words: chdb cannot render them inside a literal
    throw new Error(`cannot pass ${word}`);
  }

  private peek(): string | undefined {
    return this.text[this.at];
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.text[this.at] !== c) throw new Error(`expected ${c}`);
    this.at++;
  }
}
