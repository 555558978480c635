// One walk over an event before anything else reads it: strings the store's JSON reader cannot load are
// repaired, and nesting is bounded (deep enough values overflow the stack of JSON.stringify and friends).

/** At most this many levels of objects and arrays, the event object itself counting as the first. */
export const MAX_DEPTH = 32;

export const REPLACEMENT_CHAR = '\uFFFD';

export type Sanitised =
  { ok: true; event: Record<string, unknown> } | { ok: false; field: string; reason: string };

/** Node 20 has these (ES2024); the project's TypeScript lib predates them. */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}
const wf = (s: string) => s as unknown as WellFormed;

/** Unpaired UTF-16 surrogates and NUL (U+0000) become U+FFFD; every other character is kept. */
export function sanitiseString(s: string): string {
  const wellFormed = wf(s).isWellFormed() ? s : wf(s).toWellFormed();
  return wellFormed.includes('\u0000')
    ? wellFormed.replaceAll('\u0000', REPLACEMENT_CHAR)
    : wellFormed;
}

function needsRepair(s: string): boolean {
  return !wf(s).isWellFormed() || s.includes('\u0000');
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A field path such as `batch[2].properties.items[0]["odd key"]` (built only when one is reported). */
function formatPath(prefix: string, segs: readonly (string | number)[]): string {
  let path = prefix;
  for (const s of segs) {
    if (typeof s === 'number') path += `[${s}]`;
    else if (IDENTIFIER.test(s)) path += `.${s}`;
    else path += `[${JSON.stringify(s.length > 64 ? `${s.slice(0, 64)}…` : s)}]`;
  }
  return path.replace(/^\./, '');
}

/** Returned up the walk when nesting is too deep; each level on the way adds its key to the path. */
const TOO_DEEP = Symbol('too deep');
let tooDeepPath: (string | number)[] = [];

function define(o: Record<string, unknown>, key: string, value: unknown): void {
  // a plain assignment of "__proto__" would set the prototype; a definition keeps it a key
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The value with its strings repaired (the same reference when nothing needed repair), or TOO_DEEP. */
function clean(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return needsRepair(v) ? sanitiseString(v) : v;
  if (v === null || typeof v !== 'object') return v;
  if (depth > MAX_DEPTH) {
    tooDeepPath = [];
    return TOO_DEEP;
  }
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const c = clean(v[i], depth + 1);
      if (c === TOO_DEEP) {
        tooDeepPath.push(i);
        return TOO_DEEP;
      }
      if (c !== v[i]) (out ??= v.slice())[i] = c;
    }
    return out ?? v;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const x = o[k];
    const c = clean(x, depth + 1);
    if (c === TOO_DEEP) {
      tooDeepPath.push(k);
      return TOO_DEEP;
    }
    const key = needsRepair(k) ? sanitiseString(k) : k;
    if (out === undefined && (c !== x || key !== k)) {
      out = {};
      for (let j = 0; j < i; j++) define(out, keys[j]!, o[keys[j]!]);
    }
    if (out !== undefined) define(out, key, c); // a repaired key equal to a later one: the later wins
  }
  return out ?? v;
}

/**
 * Repairs strings (keys and values, at any depth) and refuses nesting deeper than MAX_DEPTH, naming the
 * path of the first container past the limit (`prefix` is prepended, e.g. "batch[3]").
 */
export function sanitiseEvent(e: Record<string, unknown>, prefix = ''): Sanitised {
  const c = clean(e, 1);
  if (c !== TOO_DEEP) return { ok: true, event: c as Record<string, unknown> };
  return {
    ok: false,
    field: formatPath(prefix, tooDeepPath.reverse()),
    reason: `is nested too deeply (at most ${MAX_DEPTH} levels of objects and arrays)`,
  };
}
