// One walk over an event before anything else reads it: strings the store's JSON reader cannot load are
// repaired, and nesting is bounded (deep enough values overflow the stack of JSON.stringify and friends).

/** At most this many levels of objects and arrays, the event object itself counting as the first. */
export const MAX_DEPTH = 32;

export const REPLACEMENT_CHAR = '\uFFFD';

export type Sanitised = { ok: true; event: Record<string, unknown> } | { ok: false; field: string; reason: string };


/** Node 20 has these (ES2024); the project's TypeScript lib predates them. */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}
const wf = (s: string) => s as unknown as WellFormed;

/** Unpaired UTF-16 surrogates and NUL (U+0000) become U+FFFD; every other character is kept. */
export function sanitiseString(s: string): string {
  const wellFormed = wf(s).isWellFormed() ? s : wf(s).toWellFormed();
  return wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', REPLACEMENT_CHAR) : wellFormed;
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

class TooDeep {
  constructor(readonly segs: readonly (string | number)[]) {}
}

/** The value with its strings repaired (the same reference when nothing needed repair). */
function clean(v: unknown, depth: number, segs: (string | number)[]): unknown {
  if (typeof v === 'string') return needsRepair(v) ? sanitiseString(v) : v;
  if (v === null || typeof v !== 'object') return v;
  if (depth > MAX_DEPTH) throw new TooDeep([...segs]);
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      segs.push(i);
      const c = clean(v[i], depth + 1, segs);
      segs.pop();
      if (c !== v[i]) (out ??= v.slice())[i] = c;
    }
    return out ?? v;
  }
  let changed = false;
  const entries: [string, unknown][] = [];
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    segs.push(k);
    const c = clean(x, depth + 1, segs);
    segs.pop();
    const key = needsRepair(k) ? sanitiseString(k) : k;
    if (c !== x || key !== k) changed = true;
    entries.push([key, c]);
  }
  // fromEntries defines properties (an own "__proto__" key stays a key); later repaired duplicates win
  return changed ? Object.fromEntries(entries) : v;
}

/**
 * Repairs strings (keys and values, at any depth) and refuses nesting deeper than MAX_DEPTH, naming the
 * path of the first container past the limit (`prefix` is prepended, e.g. "batch[3]").
 */
export function sanitiseEvent(e: Record<string, unknown>, prefix = ''): Sanitised {
  try {
    return { ok: true, event: clean(e, 1, []) as Record<string, unknown> };
  } catch (err) {
    if (!(err instanceof TooDeep)) throw err;
    return { ok: false, field: formatPath(prefix, err.segs), reason: `is nested too deeply (at most ${MAX_DEPTH} levels of objects and arrays)` };
  }
}
