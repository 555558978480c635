// Neighbour lists over links between identifier ints, in compressed sparse row form: two typed arrays
// instead of an array per identifier, so millions of identifiers cost a few bytes each.

export interface Adjacency {
  /** Identifier x's neighbours are neighbours[start[x] .. start[x + 1]). */
  start: Int32Array;
  neighbours: Int32Array;
}

/**
 * Each link (a, b) is looked at in both directions; `keep(from, to)` says whether `to` goes into
 * `from`'s list.
 */
export function adjacency(
  size: number,
  linkA: ArrayLike<number>,
  linkB: ArrayLike<number>,
  linkCount: number,
  keep: (from: number, to: number) => boolean,
): Adjacency {
  const start = new Int32Array(size + 1);
  for (let i = 0; i < linkCount; i++) {
    const a = linkA[i]!;
    const b = linkB[i]!;
    if (keep(a, b)) start[a + 1]!++;
    if (keep(b, a)) start[b + 1]!++;
  }
  for (let i = 0; i < size; i++) start[i + 1]! += start[i]!;
  const neighbours = new Int32Array(start[size]!);
  const fill = start.slice(0, size);
  for (let i = 0; i < linkCount; i++) {
    const a = linkA[i]!;
    const b = linkB[i]!;
    if (keep(a, b)) neighbours[fill[a]!++] = b;
    if (keep(b, a)) neighbours[fill[b]!++] = a;
  }
  return { start, neighbours };
}
