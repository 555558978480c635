// `model-comparison`: one grouping under every stored model, side by side.
import { z } from 'zod';
import { compareModels } from '../derive/attribution-report.js';
import { Dimensions, Range, rangeInOrder, round2 } from './params.js';
import { defineReport } from './report.js';

const params = z
  .object({ groupBy: Dimensions, ...Range })
  .strict()
  .superRefine(rangeInOrder);

export const modelComparison = defineReport({
  name: 'model-comparison',
  summary: 'One grouping under every stored attribution model, side by side',
  params,
  run: ({ store, workspaceId }, p) =>
    compareModels(store, workspaceId, p.groupBy, {
      ...(p.from !== undefined ? { from: p.from } : {}),
      ...(p.to !== undefined ? { to: p.to } : {}),
    }),
  table(result, p) {
    // one row per group, one column per model
    const groups = new Map<string, Record<string, unknown>>();
    for (const [model, rows] of Object.entries(result.models)) {
      for (const r of rows) {
        const k = JSON.stringify(r.key);
        const row = groups.get(k) ?? { ...r.key };
        row[model] = round2(r.conversions);
        groups.set(k, row);
      }
    }
    const models = Object.keys(result.models);
    return {
      headline: `${result.milestone} conversions credited by each model`,
      rows: [...groups.values()].map((g) => ({
        ...Object.fromEntries(p.groupBy.map((d) => [d, g[d]])),
        ...Object.fromEntries(models.map((m) => [m, g[m] ?? 0])),
      })),
    };
  },
});
