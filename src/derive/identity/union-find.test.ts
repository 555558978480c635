import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { UnionFind } from './union-find.js';

test('union-find agrees with a naive connected-components labelling', () => {
  fc.assert(
    fc.property(
      fc
        .integer({ min: 1, max: 40 })
        .chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 60 }),
          ),
        ),
      ([n, edges]) => {
        const uf = new UnionFind(n);
        for (const [a, b] of edges) uf.union(a, b);
        // Naive: repeat relabelling to the minimum label until stable.
        const label = Array.from({ length: n }, (_, i) => i);
        for (let changed = true; changed;) {
          changed = false;
          for (const [a, b] of edges) {
            const m = Math.min(label[a]!, label[b]!);
            if (label[a] !== m || label[b] !== m) {
              label[a] = label[b] = m;
              changed = true;
            }
          }
        }
        const roots = uf.roots();
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) assert.equal(roots[i] === roots[j], label[i] === label[j]);
      },
    ),
  );
});

test('union reports whether it joined two sets; paths are compressed to the root', () => {
  const uf = new UnionFind(5);
  assert.equal(uf.union(0, 1), true);
  assert.equal(uf.union(1, 0), false);
  uf.union(2, 3);
  uf.union(3, 1);
  const root = uf.find(2);
  for (const i of [0, 1, 2, 3]) assert.equal(uf.find(i), root);
  for (const i of [0, 1, 2, 3])
    assert.equal(uf.parent[i], root, 'every node points at the root after a find');
  assert.notEqual(uf.find(4), root);
});
