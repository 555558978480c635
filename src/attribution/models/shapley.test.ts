import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodePaths } from '../encoded-paths.js';
import type { PathSummaryRow } from '../types.js';
import { shapley, type ShapleyValueFunction } from './shapley.js';

/**
 * Brute force from the definition: v(S) = Σ over observed channel sets T ⊆ S of r(T), then
 * φ_k = average over every ordering of the channels of k's marginal contribution.
 */
function bruteForce(
  rows: readonly PathSummaryRow[],
  channels: readonly string[],
  mode: ShapleyValueFunction,
): number[] {
  const n = channels.length;
  const bit = new Map(channels.map((c, i) => [c, 1 << i]));
  const worth = new Map<number, [number, number]>();
  for (const r of rows) {
    if (r.path.length === 0) continue;
    const mask = r.path.reduce((m, c) => m | bit.get(c)!, 0);
    const [conv, seen] = worth.get(mask) ?? [0, 0];
    worth.set(mask, [conv + r.conversions, seen + r.conversions + r.nulls]);
  }
  const v = new Float64Array(1 << n);
  for (let s = 0; s < 1 << n; s++) {
    for (const [t, [conv, seen]] of worth) {
      if ((t & s) !== t) continue;
      v[s] = v[s]! + (mode === 'rate' ? (seen > 0 ? conv / seen : 0) : conv);
    }
  }
  const phi = new Array<number>(n).fill(0);
  const perm = channels.map((_, i) => i);
  let count = 0;
  const visit = (): void => {
    count++;
    let s = 0;
    for (const k of perm) {
      phi[k]! += v[s | (1 << k)]! - v[s]!;
      s |= 1 << k;
    }
  };
  // Heap's algorithm: every permutation once.
  const c = new Array<number>(n).fill(0);
  visit();
  let i = 0;
  while (i < n) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      [perm[j], perm[i]] = [perm[i]!, perm[j]!];
      visit();
      c[i]!++;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
  return phi.map((x) => x / count);
}

function randomRows(channelCount: number) {
  const names = Array.from({ length: channelCount }, (_, i) => `C${i}`);
  return fc.array(
    fc.record({
      path: fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 6 }),
      conversions: fc.integer({ min: 0, max: 9 }),
      nulls: fc.integer({ min: 0, max: 9 }),
      value: fc.constant(0),
    }),
    { minLength: 1, maxLength: 12 },
  );
}

describe('exact Shapley over channel sets', () => {
  for (const mode of ['rate', 'conversions'] as const) {
    it(`matches brute-force enumeration of orderings (${mode}, up to 7 channels)`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 7 }).chain(randomRows), (rows) => {
          const paths = encodePaths(rows);
          const r = shapley(paths, mode);
          const expected = bruteForce(rows, paths.channels, mode);
          expected.forEach((e, k) =>
            assert.ok(Math.abs(r.phi[k]! - e) < 1e-9, `${paths.channels[k]}: ${r.phi[k]} vs ${e}`),
          );
        }),
        { numRuns: 40, seed: 3 },
      );
    });
  }

  it('matches brute force with 10 channels (3.6M orderings)', () => {
    const [rows] = fc.sample(randomRows(10), { numRuns: 1, seed: 11 });
    const wide = [
      ...rows!,
      {
        path: ['C0', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9'],
        conversions: 3,
        nulls: 4,
        value: 0,
      },
    ];
    const paths = encodePaths(wide);
    assert.equal(paths.channels.length, 10);
    const r = shapley(paths, 'rate');
    const expected = bruteForce(wide, paths.channels, 'rate');
    expected.forEach((e, k) => assert.ok(Math.abs(r.phi[k]! - e) < 1e-9));
  });

  it('rate and conversions worth on a hand-computed example', () => {
    const withNulls = encodePaths([
      { path: ['A'], conversions: 1, nulls: 9, value: 5 },
      { path: ['A', 'B'], conversions: 5, nulls: 5, value: 50 },
    ]);
    const r = shapley(withNulls, 'rate');
    assert.equal(r.valueFunction, 'rate');
    // φ_A = 0.1 + 0.25, φ_B = 0.25 → conversions 6 × 0.35/0.6 and 6 × 0.25/0.6
    assert.ok(
      Math.abs(r.conversions[0]! - 3.5) < 1e-12 && Math.abs(r.conversions[1]! - 2.5) < 1e-12,
    );
    const noNulls = encodePaths([
      { path: ['A'], conversions: 1, nulls: 0, value: 5 },
      { path: ['A', 'B'], conversions: 5, nulls: 0, value: 50 },
    ]);
    const q = shapley(noNulls);
    assert.equal(q.valueFunction, 'conversions');
    assert.deepEqual(Array.from(shapley(withNulls).conversions), Array.from(q.conversions)); // nulls ignored
    // each journey's conversion (and value) split equally over its distinct channels
    const expected = [3.5, 2.5, 30, 25];
    [...q.conversions, ...q.value].forEach((x, i) =>
      assert.ok(Math.abs(x - expected[i]!) < 1e-12, `${x} vs ${expected[i]}`),
    );
  });
});
