// Figures over repeated runs: each figure is the median of its runs, with the min and max beside it.
import type { BenchFigure, BenchResult } from '../types.js';

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * One figure per name from several runs of a suite (in the order of the first run). A figure's note is
 * that of the run nearest its median (notes carry that run's seconds and RSS).
 */
export function aggregate(runs: readonly (readonly BenchResult[])[]): BenchFigure[] {
  const byName = new Map<string, BenchResult[]>();
  for (const run of runs) {
    for (const r of run) {
      const list = byName.get(r.name) ?? [];
      list.push(r);
      byName.set(r.name, list);
    }
  }
  return [...byName.values()].map((list) => {
    const values = list.map((r) => r.value);
    const med = median(values);
    const nearest = list.reduce((a, b) =>
      Math.abs(b.value - med) < Math.abs(a.value - med) ? b : a,
    );
    return {
      name: nearest.name,
      value: med,
      unit: nearest.unit,
      min: Math.min(...values),
      max: Math.max(...values),
      runs: list.length,
      ...(nearest.target !== undefined ? { target: nearest.target } : {}),
      ...(nearest.note !== undefined ? { note: nearest.note } : {}),
    };
  });
}
