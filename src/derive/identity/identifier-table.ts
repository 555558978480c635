// Interns identifiers as dense ints so the graph works on typed arrays: millions of identifiers cost a
// string each plus a few bytes, and no object per link.
import { normaliseKind, normaliseValue, type RejectReason } from './normalise.js';
import type { NormaliseOptions } from './types.js';

/** Returned by `intern` for a value that failed normalisation. */
export const REJECTED = -1;

interface KindEntry {
  name: string;
  index: number;
  ids: Map<string, number>;
}

export class IdentifierTable {
  /** Distinct kinds, in first-appearance order; `kindOf[i]` indexes this. */
  readonly kindNames: string[] = [];
  readonly values: string[] = [];
  kindOf = new Uint16Array(1024);
  /** Earliest time the identifier was seen (standalone or in any link); +Infinity when never given. */
  firstSeen = new Float64Array(1024);
  size = 0;
  readonly rejections = new Map<string, number>();
  rejectedCount = 0;

  // One map per kind avoids building a `kind:value` key string per occurrence.
  private readonly byKind = new Map<string, KindEntry>();
  private readonly normalise: NormaliseOptions;

  constructor(normalise: NormaliseOptions = {}) {
    this.normalise = normalise;
  }

  /** The int for an identifier, adding it if new, or REJECTED. `at` lowers its first-seen time. */
  intern(rawKind: string, rawValue: string, at: number): number {
    const kind = this.kindEntry(rawKind);
    if (kind === undefined) return this.reject(rawKind, 'invalid_kind');
    // Fast path: most raw values are already normalised and seen before.
    let id = kind.ids.get(rawValue);
    if (id === undefined) {
      const r = normaliseValue(kind.name, rawValue, this.normalise);
      if (r.value === undefined) return this.reject(kind.name, r.reason);
      id = kind.ids.get(r.value);
      if (id === undefined) {
        id = this.add(kind.index, r.value);
        kind.ids.set(r.value, id);
      }
    }
    if (at < this.firstSeen[id]!) this.firstSeen[id] = at;
    return id;
  }

  /** Look-up without adding; undefined when unseen or invalid. */
  find(rawKind: string, rawValue: string): number | undefined {
    const entry = this.byKind.get(rawKind) ?? this.byKind.get(normaliseKind(rawKind) ?? '');
    if (entry === undefined) return undefined;
    const direct = entry.ids.get(rawValue);
    if (direct !== undefined) return direct;
    const r = normaliseValue(entry.name, rawValue, this.normalise);
    return r.value === undefined ? undefined : entry.ids.get(r.value);
  }

  kind(id: number): string {
    return this.kindNames[this.kindOf[id]!]!;
  }

  private kindEntry(rawKind: string): KindEntry | undefined {
    const cached = this.byKind.get(rawKind);
    if (cached !== undefined) return cached;
    const name = normaliseKind(rawKind);
    if (name === undefined) return undefined;
    let entry = this.byKind.get(name);
    if (entry === undefined) {
      if (this.kindNames.length >= 0xffff) throw new RangeError('more than 65535 identifier kinds');
      entry = { name, index: this.kindNames.length, ids: new Map() };
      this.kindNames.push(name);
      this.byKind.set(name, entry);
    }
    // Remember the raw spelling too ('EMAIL'), so the next occurrence skips normalising the kind.
    this.byKind.set(rawKind, entry);
    return entry;
  }

  private add(kindIndex: number, value: string): number {
    const id = this.size++;
    if (id === this.kindOf.length) {
      const kinds = new Uint16Array(id * 2);
      kinds.set(this.kindOf);
      this.kindOf = kinds;
      const seen = new Float64Array(id * 2);
      seen.set(this.firstSeen);
      this.firstSeen = seen;
    }
    this.kindOf[id] = kindIndex;
    this.firstSeen[id] = Infinity;
    this.values.push(value);
    return id;
  }

  private reject(kind: string, reason: RejectReason): number {
    const key = `${kind}:${reason}`;
    this.rejections.set(key, (this.rejections.get(key) ?? 0) + 1);
    this.rejectedCount++;
    return REJECTED;
  }
}
