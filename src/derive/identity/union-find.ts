// Disjoint sets over dense ints: union by rank plus full path compression, so a find is near O(1)
// amortised and millions of identifiers fit in two typed arrays.

export class UnionFind {
  readonly parent: Int32Array;
  private readonly rank: Uint8Array;

  constructor(size: number) {
    this.parent = new Int32Array(size);
    for (let i = 0; i < size; i++) this.parent[i] = i;
    this.rank = new Uint8Array(size);
  }

  find(x: number): number {
    const parent = this.parent;
    let root = x;
    while (parent[root] !== root) root = parent[root]!;
    // Second pass: point every node on the path straight at the root.
    while (parent[x] !== root) {
      const next = parent[x]!;
      parent[x] = root;
      x = next;
    }
    return root;
  }

  /** Joins the sets of a and b; returns false when they were already one. */
  union(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    const rank = this.rank;
    if (rank[ra]! < rank[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    if (rank[ra] === rank[rb]) rank[ra]!++;
    return true;
  }

  /** Root of every element, after compressing every path (one array, cheap to scan). */
  roots(): Int32Array {
    const out = new Int32Array(this.parent.length);
    for (let i = 0; i < out.length; i++) out[i] = this.find(i);
    return out;
  }
}
