// A saved API answer read as it arrives, row by row (issue 12: a file of any size in bounded memory).
// @streamparser/json's tokenizer turns the text into tokens; the levels above the rows (the array of
// answers, an answer's members, its array of rows) are followed here token by token, and each row, and
// each other member of an answer kept, is assembled alone by a TokenParser of its own, then handed on.
// What is held is the row being read and an answer's few members (paging, account), never the
// document; members of no interest are parsed (so bad JSON anywhere is refused) and dropped as they go.
// The platform's shape (./answers.ts) validates and maps each row with the code a whole document's
// read uses. docs/costs.md.
import {
  Tokenizer,
  TokenizerError,
  TokenParser,
  TokenParserError,
  TokenType,
  type ParsedTokenInfo,
} from '@streamparser/json';
import { AdFileError, type AdCostRecord } from './records.js';

/** What one platform's saved answer is: where its rows are and how they and an answer are checked. */
export interface AnswerShape {
  /** The member of an answer that holds its rows (`results`, `data`, `elements`). */
  rowsKey: string;
  /** Whether the document may be one answer (Meta, LinkedIn) rather than only an array of them. */
  single: boolean;
  /** The members of an answer kept (its rows aside) for `answer`: what its schema and accounts read. */
  kept: ReadonlySet<string>;
  /** The error for a document or an answer (the n-th; undefined: the only one) that is not one. */
  refuse(n: number | undefined): Error;
  /** Called as an answer opens, before its rows. */
  open?(n: number | undefined): void;
  /** Checks an answer once it closed: its kept members, its rows (if an array) as []. */
  answer(members: Record<string, unknown>, n: number | undefined): void;
  /** The cost record of the i-th row of an answer, or the platform's error naming where. */
  row(raw: unknown, n: number | undefined, i: number): AdCostRecord;
}

/**
 * The accounts an answer names, as a whole document's read finds them: Meta's `account_id`, Google's
 * `customers/{id}`, in any object reached through arrays and `data`/`results` members (Meta's and
 * Google's rows; LinkedIn's `elements` name none), six levels deep at most.
 */
export function visitAccounts(v: unknown, depth: number, found: Set<string>): void {
  if (depth > 6 || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) return v.forEach((x) => visitAccounts(x, depth + 1, found));
  const o = v as Record<string, unknown>;
  if (typeof o.account_id === 'string') found.add(o.account_id);
  const customer = o.customer as { resourceName?: unknown } | undefined;
  const m =
    typeof customer?.resourceName === 'string' && /^customers\/(\d+)$/.exec(customer.resourceName);
  if (m) found.add(m[1]!);
  for (const k of ['data', 'results']) if (k in o) visitAccounts(o[k], depth + 1, found);
}

const notJson = (reason: string) => new AdFileError(0, 'file', `not JSON: ${reason}`);

// A parser that emits nothing and keeps nothing: with keepStack off, a value is dropped from its parent
// once whole, unless an ancestor is to be emitted; no key of real answers is the one below.
const dropping = () => {
  const p = new TokenParser({ paths: ['$.\u0000closedloop-none'], keepStack: false });
  p.onValue = () => undefined;
  return p;
};
const keeping = (take: (v: unknown) => void) => {
  const p = new TokenParser({ paths: ['$'] });
  p.onValue = ({ value }) => take(value);
  return p;
};

// object frames: 'open' (after `{`), 'key', 'colon', 'value', 'next'; arrays: 'open', 'value', 'next'
type State = 'open' | 'key' | 'colon' | 'value' | 'next';
interface Answers {
  kind: 'answers';
  state: State;
  count: number;
}
interface Answer {
  kind: 'answer';
  state: State;
  n: number | undefined;
  key: string;
  members: Record<string, unknown>;
  /** Whether the rows member seen last was the array streamed (a JSON.parse keeps the last of a key). */
  rowsLast: boolean;
  rowsSeen: boolean;
}
interface Rows {
  kind: 'rows';
  state: State;
  count: number;
  answer: Answer;
}
type Frame = Answers | Answer | Rows;

const PRIMITIVES = new Set([
  TokenType.STRING,
  TokenType.NUMBER,
  TokenType.TRUE,
  TokenType.FALSE,
  TokenType.NULL,
]);
const PIECE = 64 * 1024;

/** One saved answer fed in pieces of text: `write` gives the rows each piece completed, in order. */
export class AnswerReader {
  private readonly tokenizer = new Tokenizer();
  private readonly frames: Frame[] = [];
  private sub: TokenParser | undefined;
  private subDone: ((v: unknown) => void) | undefined;
  private rootDone = false;
  private offset = 0;
  private out: AdCostRecord[] = [];
  private readonly found = new Set<string>();

  constructor(private readonly shape: AnswerShape) {
    this.tokenizer.onToken = (t) => this.token(t);
    this.tokenizer.onError = (e) => {
      throw e instanceof TokenizerError || e instanceof TokenParserError
        ? notJson(`${e.message} (near byte ${this.offset})`)
        : e;
    };
  }

  write(text: string): AdCostRecord[] {
    // a piece at a time, so a file handed over whole (a Buffer) does not make all its rows at once
    for (let i = 0; i < text.length; i += PIECE) this.tokenizer.write(text.slice(i, i + PIECE));
    const rows = this.out;
    this.out = [];
    return rows;
  }

  /** The document is whole: refused if it is not. */
  end(): void {
    this.tokenizer.end();
    if (!this.rootDone) throw notJson('the document ends before it closes (a file cut short?)');
  }

  /** The accounts the answer names (once it was read whole). */
  accounts(): string[] {
    return [...this.found];
  }

  private token(t: ParsedTokenInfo): void {
    this.offset = t.offset;
    if (this.sub) return this.feed(t);
    if (this.rootDone) throw notJson(`more after the document (near byte ${t.offset})`);
    const f = this.frames.at(-1);
    if (!f) return this.value(t, undefined);
    const unexpected = () =>
      notJson(`unexpected ${TokenType[t.token]} (near byte ${t.offset}) in ${f.kind}`);
    if (f.kind === 'answer') {
      if ((f.state === 'open' || f.state === 'key') && t.token === TokenType.STRING) {
        f.key = t.value as string;
        f.state = 'colon';
      } else if (f.state === 'colon' && t.token === TokenType.COLON) f.state = 'value';
      else if (f.state === 'value') this.value(t, f);
      else if (f.state === 'next' && t.token === TokenType.COMMA) f.state = 'key';
      else if ((f.state === 'open' || f.state === 'next') && t.token === TokenType.RIGHT_BRACE)
        this.closeAnswer(f);
      else throw unexpected();
      return;
    }
    if (f.state === 'next' && t.token === TokenType.COMMA) {
      f.state = 'value';
      f.count++;
    } else if ((f.state === 'open' || f.state === 'next') && t.token === TokenType.RIGHT_BRACKET)
      this.close();
    else if (f.state === 'open' || f.state === 'value') this.value(t, f);
    else throw unexpected();
  }

  /** A value begins in frame f (undefined: the document's). */
  private value(t: ParsedTokenInfo, f: Frame | undefined): void {
    const opens = t.token === TokenType.LEFT_BRACE || t.token === TokenType.LEFT_BRACKET;
    if (!opens && !PRIMITIVES.has(t.token))
      throw notJson(`unexpected ${TokenType[t.token]} (near byte ${t.offset})`);
    if (f === undefined) {
      if (t.token === TokenType.LEFT_BRACKET)
        this.frames.push({ kind: 'answers', state: 'open', count: 0 });
      else if (t.token === TokenType.LEFT_BRACE && this.shape.single) this.openAnswer(undefined);
      else throw this.shape.refuse(undefined);
      return;
    }
    f.state = 'next';
    if (f.kind === 'answers') {
      if (t.token !== TokenType.LEFT_BRACE) throw this.shape.refuse(f.count);
      return this.openAnswer(f.count);
    }
    if (f.kind === 'rows') {
      const { answer, count: i } = f;
      return this.start(t, (raw) => {
        // the rows of `data` and `results` are read for accounts as a whole document's are
        if (this.shape.rowsKey !== 'elements')
          visitAccounts(raw, answer.n === undefined ? 2 : 3, this.found);
        this.out.push(this.shape.row(raw, answer.n, i));
      });
    }
    const key = f.key;
    if (key === this.shape.rowsKey && t.token === TokenType.LEFT_BRACKET) {
      // a key twice is the last one's to JSON.parse: rows already taken from the first cannot be
      if (f.rowsSeen)
        throw new AdFileError(
          0,
          'file',
          `an answer has "${key}" twice (near byte ${t.offset}): keep one array of its rows`,
        );
      f.rowsSeen = f.rowsLast = true;
      delete f.members[key];
      this.frames.push({ kind: 'rows', state: 'open', count: 0, answer: f });
      return;
    }
    if (this.shape.kept.has(key))
      return this.start(t, (v) => {
        f.members[key] = v;
        if (key === this.shape.rowsKey) f.rowsLast = false;
      });
    this.start(t, undefined);
  }

  private openAnswer(n: number | undefined): void {
    this.shape.open?.(n);
    this.frames.push({
      kind: 'answer',
      state: 'open',
      n,
      key: '',
      members: {},
      rowsLast: false,
      rowsSeen: false,
    });
  }

  private closeAnswer(f: Answer): void {
    const members = f.rowsLast ? { ...f.members, [this.shape.rowsKey]: [] } : f.members;
    this.shape.answer(members, f.n);
    visitAccounts(f.members, f.n === undefined ? 0 : 1, this.found);
    this.close();
  }

  private close(): void {
    this.frames.pop();
    if (this.frames.length === 0) this.rootDone = true;
  }

  /** A value assembled (take) or dropped (no take) by a parser of its own, from its first token. */
  private start(t: ParsedTokenInfo, take: ((v: unknown) => void) | undefined): void {
    let value: unknown;
    this.sub = take ? keeping((v) => (value = v)) : dropping();
    this.subDone = take ? () => take(value) : undefined;
    this.feed(t);
  }

  private feed(t: ParsedTokenInfo): void {
    const sub = this.sub!;
    sub.write(t);
    if (!sub.isEnded) return;
    const done = this.subDone;
    this.sub = this.subDone = undefined;
    done?.(undefined);
  }
}
