// A journal segment as lines, for the loader's slow path: when the engine's bulk reader refuses a segment,
// the segment is split here and each line screened for the faults that no engine can load (bytes that are
// not UTF-8, text that is not a JSON object, unpaired surrogates, a line cut short by a crash). What passes
// goes back to the engine, which isolates anything else it refuses. Engine-neutral: no SQL here.
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';

export interface JournalLine {
  /** 1-based line number within the source. */
  lineNo: number;
  /** The line's bytes, without its newline. */
  raw: Buffer;
  /** False for a last line with no newline after it: a write cut short (a crash, a full disk). */
  terminated: boolean;
}

export interface ScreenedLine {
  /** 'field|reason' when the line cannot load, whatever the engine. */
  reason?: string;
  /** The line's workspace (`_ws`), when it can be read safely. */
  workspaceId: string | null;
  /** When the server received it (`_recv`), when readable. */
  receivedAt: string | null;
}

/** Splits a segment's bytes into its non-blank lines. */
export function splitJournalLines(buf: Buffer): JournalLine[] {
  const out: JournalLine[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    const end = nl === -1 ? buf.length : nl;
    lineNo += 1;
    const raw = buf.subarray(start, end);
    if (!isBlank(raw)) out.push({ lineNo, raw, terminated: nl !== -1 });
    start = end + 1;
  }
  return out;
}

function isBlank(raw: Buffer): boolean {
  for (const b of raw) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}

// The metadata the journal appends last to each line (collect/journal-line.ts; `_ts` after it). Anchored at
// the end, so a value inside the event cannot pose as it; a client that sets these keys itself moves
// them earlier in the line, and then nothing matches (the workspace stays unknown).
const META_TAIL =
  /"_ws":"([^"\\]{1,200})","_recv":"([^"\\]{1,64})","_origin":"[^"\\]*","_batch":"[^"\\]*"(?:,"_ts":"[^"\\]*")?\}\s*$/;
// with the `u` flag a well-formed pair is one code point, so this matches unpaired surrogates only
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** The faults any engine refuses, found in JavaScript; lines that pass go to the engine. */
export function screenJournalLine(line: JournalLine): ScreenedLine {
  const r = screen(line.raw);
  return r.reason ? { ...r, reason: reasonFor(line, r.reason) } : r;
}

/** A refused line's reason; a last line without its newline was cut short, whatever else is wrong with it. */
export function reasonFor(line: JournalLine, reason: string): string {
  if (line.terminated) return reason;
  const why = reason.slice(reason.indexOf('|') + 1);
  return `line|torn write (the journal's last line has no newline: the write was cut short); ${why}`;
}

function screen(raw: Buffer): ScreenedLine {
  const tail = META_TAIL.exec(raw.toString('latin1'));
  const fromTail = { workspaceId: tail?.[1] ?? null, receivedAt: tail?.[2] ?? null };
  if (!isUtf8(raw)) return { ...fromTail, reason: 'line|is not valid UTF-8' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    // the parser's message quotes the line; keep only where it stopped
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    return { ...fromTail, reason: `line|is not valid JSON${at ? ` (at character ${at})` : ''}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { ...fromTail, reason: 'line|must be a JSON object' };
  const o = parsed as Record<string, unknown>;
  const meta = {
    workspaceId: typeof o._ws === 'string' && o._ws !== '' ? o._ws : null,
    receivedAt: typeof o._recv === 'string' ? o._recv : null,
  };
  const bad = firstUnpairedSurrogate(o);
  if (bad !== undefined)
    return {
      ...meta,
      reason: `${bad}|has an unpaired UTF-16 surrogate (a \\ud800-\\udfff escape without its pair)`,
    };
  if (meta.workspaceId === null)
    return { ...meta, reason: '_ws|is missing: the line names no workspace' };
  return meta;
}

/** Path of the first key or string value holding an unpaired surrogate (iterative: values may nest deeply). */
function firstUnpairedSurrogate(root: Record<string, unknown>): string | undefined {
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return path || 'line';
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        const p = path ? `${path}.${safeKey(k)}` : safeKey(k);
        if (LONE_SURROGATE.test(k)) return p;
        stack.push([child, p]);
      }
    }
  }
  return undefined;
}

const safeKey = (k: string) =>
  (k.length > 40 ? `${k.slice(0, 40)}…` : k).replace(/[\uD800-\uDFFF]/gu, '?');

/**
 * A dead letter's id: the same line of the same segment always gets the same id, so a replay after a crash
 * (segment loaded, not yet deleted) stores nothing twice, while a later segment that reuses the file name
 * (the journal restarts its numbering once empty) holds other bytes and gets other ids.
 */
export function deadLetterId(source: string, lineNo: number, raw: Buffer): string {
  return `dl_${createHash('sha256').update(`${source}\n${lineNo}\n`).update(raw).digest('hex').slice(0, 24)}`;
}

/** How many characters of a raw line a preview shows: enough to recognise it, too few to carry much. */
export const PREVIEW_CHARS = 120;

/** A readable, truncated preview of a raw line: invalid bytes as U+FFFD, control characters escaped. */
export function previewLine(raw: Uint8Array, max = PREVIEW_CHARS): string {
  const chars = [...Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8')];
  // control characters are what this escapes
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/g;
  const shown = chars
    .slice(0, max)
    .join('')
    .replace(control, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return chars.length > max ? `${shown}…` : shown;
}
