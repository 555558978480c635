/**
 * Path settings applied before any model: channel exclusion, a step limit, and the path transforms.
 * Order (as the reference tools do): drop excluded channels, keep the last N steps, then apply the
 * transforms left to right. Everything works on interned channel ids and index lists, so a journey's
 * timestamps and touch ids stay attached to the touches that survive.
 */

export type PathTransform =
  | { kind: 'unique' }
  | { kind: 'exposure' }
  | { kind: 'first' }
  | { kind: 'frequency' }
  | { kind: 'remove_if_not_all'; channel: string }
  | { kind: 'remove_if_last_and_not_all'; channel: string };

export interface PathSettings {
  /** Channels dropped from every path before anything else (e.g. Direct). */
  excludeChannels?: readonly string[];
  /** Keep only the last N touches (after exclusion). */
  stepLimit?: number;
  transforms?: readonly PathTransform[];
}

type Op = { code: 0 | 1 | 2; channel: -1 } | { code: 3 | 4; channel: number };
const EXPOSURE = 1;
const FIRST = 2;
const REMOVE_IF_NOT_ALL = 3;
const REMOVE_IF_LAST_AND_NOT_ALL = 4;

/**
 * Settings resolved once against a channel dictionary. `select` writes the surviving indices of a
 * range into `out` and returns how many; it allocates nothing.
 */
export class PathSelector {
  private readonly excluded: Uint8Array;
  private readonly ops: Op[];
  private readonly stepLimit: number;
  private seen: Int32Array;
  private stamp = 0;
  /** True when select() would return the range unchanged, so callers may skip it. */
  readonly identity: boolean;

  constructor(channels: readonly string[], settings: PathSettings = {}) {
    const ids = new Map(channels.map((c, i) => [c, i]));
    this.excluded = new Uint8Array(channels.length);
    for (const c of settings.excludeChannels ?? []) {
      const id = ids.get(c);
      if (id !== undefined) this.excluded[id] = 1;
    }
    const limit = settings.stepLimit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      throw new RangeError(`stepLimit must be a positive integer, got ${limit}`);
    }
    this.stepLimit = limit ?? 0;
    this.ops = [];
    for (const t of settings.transforms ?? []) {
      switch (t.kind) {
        case 'unique':
          break;
        case 'exposure':
          this.ops.push({ code: EXPOSURE, channel: -1 });
          break;
        case 'first':
        case 'frequency': // counts are stripped before grouping, so it groups exactly like `first`
          this.ops.push({ code: FIRST, channel: -1 });
          break;
        case 'remove_if_not_all':
          this.ops.push({ code: REMOVE_IF_NOT_ALL, channel: ids.get(t.channel) ?? -1 });
          break;
        case 'remove_if_last_and_not_all':
          this.ops.push({ code: REMOVE_IF_LAST_AND_NOT_ALL, channel: ids.get(t.channel) ?? -1 });
          break;
      }
    }
    this.seen = new Int32Array(channels.length);
    this.identity = this.ops.length === 0 && this.stepLimit === 0 && !this.excluded.includes(1);
  }

  select(ch: ArrayLike<number>, start: number, end: number, out: Int32Array): number {
    let n = 0;
    for (let i = start; i < end; i++) if (this.excluded[ch[i]!] === 0) out[n++] = i;
    if (this.stepLimit > 0 && n > this.stepLimit) {
      out.copyWithin(0, n - this.stepLimit, n);
      n = this.stepLimit;
    }
    for (const op of this.ops) {
      if (n === 0) break;
      switch (op.code) {
        case EXPOSURE: {
          let m = 1;
          for (let k = 1; k < n; k++) if (ch[out[k]!] !== ch[out[m - 1]!]) out[m++] = out[k]!;
          n = m;
          break;
        }
        case FIRST: {
          if (++this.stamp === 0x7fffffff) {
            this.seen.fill(0);
            this.stamp = 1;
          }
          let m = 0;
          for (let k = 0; k < n; k++) {
            const c = ch[out[k]!]!;
            if (this.seen[c] !== this.stamp) {
              this.seen[c] = this.stamp;
              out[m++] = out[k]!;
            }
          }
          n = m;
          break;
        }
        case REMOVE_IF_NOT_ALL: {
          let m = 0;
          for (let k = 0; k < n; k++) if (ch[out[k]!] !== op.channel) out[m++] = out[k]!;
          if (m > 0) n = m; // all X: the path stays as it was (out is untouched when m === 0)
          break;
        }
        case REMOVE_IF_LAST_AND_NOT_ALL: {
          let m = n;
          while (m > 0 && ch[out[m - 1]!] === op.channel) m--;
          if (m > 0) n = m;
          break;
        }
        default:
          break;
      }
    }
    return n;
  }
}

/** Convenience for plain string paths (tests, small inputs): applies the settings to one path. */
export function transformPath(path: readonly string[], settings: PathSettings): string[] {
  const channels = [...new Set(path)];
  const ids = new Map(channels.map((c, i) => [c, i]));
  const ch = Int32Array.from(path, (c) => ids.get(c)!);
  const out = new Int32Array(path.length);
  const n = new PathSelector(channels, settings).select(ch, 0, ch.length, out);
  return Array.from(out.subarray(0, n), (i) => path[i]!);
}

/**
 * Parses a transform as written on the command line or in a query: `unique`, `exposure`, `first`,
 * `frequency`, `remove_if_not_all(Direct)`, `remove_if_last_and_not_all(Direct)`.
 */
export function parseTransform(text: string): PathTransform {
  const t = text.trim();
  if (t === 'unique' || t === 'exposure' || t === 'first' || t === 'frequency') return { kind: t };
  const m = /^(remove_if_not_all|remove_if_last_and_not_all)\((.+)\)$/.exec(t);
  if (m !== null && m[2]!.trim() !== '') {
    return {
      kind: m[1] as 'remove_if_not_all' | 'remove_if_last_and_not_all',
      channel: m[2]!.trim(),
    };
  }
  throw new RangeError(
    `unknown path transform "${t}" (expected unique, exposure, first, frequency, remove_if_not_all(CHANNEL) or remove_if_last_and_not_all(CHANNEL))`,
  );
}
