// Stable person ids. A person's id is derived from its anchor, the identifier seen first (earliest
// first-seen time, ties broken by kind then value), so it depends only on the facts: a rebuild gives the
// same ids, and a merge keeps the id of the older person because the older anchor stays the earliest.
import { personIdFor } from '../../rules/person-id.js';

export type PersonIdHash = (kind: string, value: string, salt: number) => string;

/**
 * The rule of rules/person-id.ts: `p_` + the first 16 hex digits (64 bits) of SHA-256 over
 * `kind:value`, rendered into the engines' SQL too. A salt is appended (`#1`, `#2`, ...) only to step
 * around a hash collision between two anchors, which at 64 bits is a one-in-millions event per workspace.
 */
export { personIdFor };

export interface AnchorInput {
  size: number;
  kindOf: Uint16Array;
  kindNames: readonly string[];
  values: readonly string[];
  firstSeen: Float64Array;
  /** Root of each identifier's component. */
  roots: Int32Array;
  /** 1 for an identifier that is no person's (a shared device): personOf -1, never an anchor. */
  skip?: Uint8Array;
}

export interface PersonTable {
  /** Dense person index of each identifier (-1 for a skipped one). */
  personOf: Int32Array;
  /** Person id per person index. */
  ids: string[];
  /** Anchor identifier int per person index. */
  anchors: Int32Array;
}

export function assignPersonIds(
  input: AnchorInput,
  hashFn: PersonIdHash = personIdFor,
): PersonTable {
  const { size, kindOf, kindNames, values, firstSeen, roots, skip } = input;
  const skipped = (i: number): boolean => skip !== undefined && skip[i] === 1;
  // Kinds compared by name (code-unit order), not by first appearance, so input order cannot matter.
  const sortedKinds = [...kindNames].sort(compareStrings);
  const kindRank = new Int32Array(kindNames.length);
  kindNames.forEach((k, i) => (kindRank[i] = sortedKinds.indexOf(k)));
  const before = (x: number, y: number): boolean => {
    const tx = firstSeen[x]!;
    const ty = firstSeen[y]!;
    if (tx !== ty) return tx < ty;
    const kx = kindRank[kindOf[x]!]!;
    const ky = kindRank[kindOf[y]!]!;
    if (kx !== ky) return kx < ky;
    return values[x]! < values[y]!;
  };

  const anchorOfRoot = new Int32Array(size).fill(-1);
  for (let i = 0; i < size; i++) {
    if (skipped(i)) continue;
    const r = roots[i]!;
    const cur = anchorOfRoot[r]!;
    if (cur === -1 || before(i, cur)) anchorOfRoot[r] = i;
  }
  const personOfRoot = new Int32Array(size).fill(-1);
  const anchorList: number[] = [];
  for (let i = 0; i < size; i++) {
    if (roots[i] === i && !skipped(i)) {
      personOfRoot[i] = anchorList.length;
      anchorList.push(anchorOfRoot[i]!);
    }
  }
  const personOf = new Int32Array(size);
  for (let i = 0; i < size; i++) personOf[i] = skipped(i) ? -1 : personOfRoot[roots[i]!]!;
  const anchors = Int32Array.from(anchorList);
  const ids = anchorList.map((a) => hashFn(kindNames[kindOf[a]!]!, values[a]!, 0));
  resolveCollisions(ids, anchors, input, hashFn);
  return { personOf, ids, anchors };
}

/**
 * Two anchors with the same id would silently merge two people downstream. Detect it cheaply (sort the
 * first 32 bits, compare full ids only where those repeat) and give every anchor after the first (by kind,
 * then value) a salted id.
 */
function resolveCollisions(
  ids: string[],
  anchors: Int32Array,
  input: AnchorInput,
  hashFn: PersonIdHash,
): void {
  const head = (id: string): number => Number.parseInt(id.slice(2, 10), 16) >>> 0;
  const heads = new Uint32Array(ids.length);
  for (let p = 0; p < ids.length; p++) heads[p] = head(ids[p]!);
  const sorted = heads.slice().sort();
  const repeated = new Set<number>();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i]!);
  if (repeated.size === 0) return;

  const groups = new Map<string, number[]>();
  for (let p = 0; p < ids.length; p++) {
    if (!repeated.has(heads[p]!)) continue;
    const list = groups.get(ids[p]!);
    if (list === undefined) groups.set(ids[p]!, [p]);
    else list.push(p);
  }
  let taken: Set<string> | undefined;
  const name = (p: number): [string, string] => [
    input.kindNames[input.kindOf[anchors[p]!]!]!,
    input.values[anchors[p]!]!,
  ];
  for (const [id, persons] of [...groups].sort((x, y) => compareStrings(x[0], y[0]))) {
    if (persons.length < 2) continue;
    taken ??= new Set(ids);
    persons.sort((x, y) => {
      const [kx, vx] = name(x);
      const [ky, vy] = name(y);
      return compareStrings(kx, ky) || compareStrings(vx, vy);
    });
    for (const p of persons.slice(1)) {
      const [kind, value] = name(p);
      let salted = id;
      for (let salt = 1; taken.has(salted); salt++) salted = hashFn(kind, value, salt);
      taken.add(salted);
      ids[p] = salted;
    }
  }
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
