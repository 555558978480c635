import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodePaths } from '../encoded-paths.js';
import type { PathSummaryRow } from '../types.js';
import { markov } from './markov.js';

const rows = (spec: [string, number, number][]): PathSummaryRow[] =>
  spec.map(([p, conversions, nulls]) => ({
    path: p === '' ? [] : p.split('>'),
    conversions,
    nulls,
    value: conversions * 10,
  }));

function effects(spec: [string, number, number][], order = 1): Record<string, number> {
  const paths = encodePaths(rows(spec));
  const r = markov(paths, order);
  return Object.fromEntries(paths.channels.map((c, i) => [c, r.removalEffects[i]!]));
}
function near(a: number, b: number, tol = 1e-12): void {
  assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);
}

describe('Markov chain attribution', () => {
  it('whitepaper toy: RE(A)=1, RE(B)=0.5, credit A=2, B=1', () => {
    const paths = encodePaths(
      rows([
        ['A>B>A>B>B>A', 1, 0],
        ['A>B>B>A>A', 1, 0],
        ['A>A', 1, 0],
      ]),
    );
    const r = markov(paths, 1);
    const A = paths.channels.indexOf('A');
    const B = paths.channels.indexOf('B');
    near(r.removalEffects[A]!, 1);
    near(r.removalEffects[B]!, 0.5);
    near(r.conversions[A]!, 2);
    near(r.conversions[B]!, 1);
    near(r.value[A]! + r.value[B]!, 30);
    near(r.conversionProbability, 1);
  });

  it('order 1 and order 2 on a hand-solved chain', () => {
    const spec: [string, number, number][] = [
      ['A>B>C', 1, 0],
      ['A>B', 0, 1],
      ['B>C', 1, 0],
    ];
    const o1 = effects(spec, 1);
    near(o1.A!, 2 / 3);
    near(o1.B!, 1);
    near(o1.C!, 1);
    const o2 = effects(spec, 2); // states AB, BC
    near(o2.A!, 0.5);
    near(o2.B!, 1);
    near(o2.C!, 1);
    const r = markov(encodePaths(rows(spec)), 2);
    assert.equal(r.stateCount, 2);
    near(r.conversions[0]! + r.conversions[1]! + r.conversions[2]!, 2);
  });

  it('a path shorter than the order is one state; repeats collapse before windows are cut', () => {
    // order 3: "A>A>B" collapses to A>B (one state), "A>B>C>D" gives ABC, BCD
    const r = markov(
      encodePaths(
        rows([
          ['A>A>B', 1, 1],
          ['A>B>C>D', 1, 0],
        ]),
      ),
      3,
    );
    assert.equal(r.stateCount, 3);
  });

  it('paths with neither conversions nor nulls carry no weight (the reference without nulls)', () => {
    const base = effects([
      ['A>B', 2, 0],
      ['B', 1, 0],
    ]);
    const padded = effects([
      ['A>B', 2, 0],
      ['B', 1, 0],
      ['C>A', 0, 0],
    ]);
    near(padded.A!, base.A!);
    near(padded.B!, base.B!);
    assert.equal(padded.C, 0);
  });

  it('rejects an order outside 1..4', () => {
    const paths = encodePaths(rows([['A', 1, 0]]));
    assert.throws(() => markov(paths, 0), /order/);
    assert.throws(() => markov(paths, 5), /order/);
  });

  it('order 1 matches an independent computation by propagating probability mass', () => {
    const channel = fc.constantFrom('A', 'B', 'C', 'D');
    const row = fc.record({
      path: fc.array(channel, { minLength: 1, maxLength: 5 }),
      conversions: fc.integer({ min: 0, max: 5 }),
      nulls: fc.integer({ min: 0, max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), (data) => {
        const input = data.map((d) => ({ ...d, value: 0 }));
        const paths = encodePaths(input);
        const r = markov(paths, 1);
        const base = propagate(input, null);
        if (base === 0) return;
        for (const [c, name] of paths.channels.entries()) {
          const expected = 1 - propagate(input, name) / base;
          assert.ok(
            Math.abs(r.removalEffects[c]! - expected) < 1e-9,
            `${name}: ${r.removalEffects[c]} vs ${expected}`,
          );
        }
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('the dense and the sparse solver agree (higher orders)', () => {
    const letters = 'ABCDEF';
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const spec: [string, number, number][] = [];
    for (let i = 0; i < 300; i++) {
      const len = 1 + rand(6);
      spec.push([Array.from({ length: len }, () => letters[rand(6)]).join('>'), rand(3), rand(4)]);
    }
    const paths = encodePaths(rows(spec));
    for (const order of [1, 2, 3]) {
      const dense = markov(paths, order, 'dense');
      const sweeps = markov(paths, order, 'sweeps');
      for (let c = 0; c < paths.channels.length; c++)
        near(dense.removalEffects[c]!, sweeps.removalEffects[c]!, 1e-10);
    }
  });
});

/**
 * P(conversion) by pushing probability mass through the transition graph step by step (a different
 * formulation from solving the linear system). `removed` turns that channel into (null).
 */
function propagate(data: readonly PathSummaryRow[], removed: string | null): number {
  const out = new Map<string, Map<string, number>>();
  const add = (from: string, to: string, w: number): void => {
    const row = out.get(from) ?? new Map<string, number>();
    row.set(to, (row.get(to) ?? 0) + w);
    out.set(from, row);
  };
  for (const r of data) {
    const w = r.conversions + r.nulls;
    if (w === 0) continue;
    const states = r.path.filter((c, i) => i === 0 || r.path[i - 1] !== c);
    let prev = '(start)';
    for (const s of states) {
      add(prev, s, w);
      prev = s;
    }
    if (r.conversions > 0) add(prev, '(conversion)', r.conversions);
    if (r.nulls > 0) add(prev, '(null)', r.nulls);
  }
  let mass = new Map<string, number>([['(start)', 1]]);
  let converted = 0;
  for (let step = 0; step < 100_000 && mass.size > 0; step++) {
    const next = new Map<string, number>();
    let left = 0;
    for (const [state, m] of mass) {
      const row = out.get(state)!;
      let total = 0;
      for (const w of row.values()) total += w;
      for (const [to, w] of row) {
        const p = (m * w) / total;
        if (to === '(conversion)') converted += p;
        else if (to === '(null)' || to === removed) continue;
        else {
          next.set(to, (next.get(to) ?? 0) + p);
          left += p;
        }
      }
    }
    mass = next;
    if (left < 1e-15) break;
  }
  return converted;
}
