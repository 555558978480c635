// The check src/reports/reconcile-*.test.ts run (one per conversion milestone, so each file stays within
// the runner's time on ClickHouse): under every stored model, the performance report's rows by channel
// sum to the overview's spend, sessions, and the credited milestone's count and value.
import assert from 'node:assert/strict';
import { storedModelsFor } from '../derive/attribution-credits.js';
import { changeAttributionSettings } from '../derive/attribution-report.js';
import { attributionSettingsFor } from '../derive/attribution-settings.js';
import type { Store } from '../store/store.js';
import { RANGE } from './report-world.js';
import { overview } from '../reports/overview.js';
import { performance } from '../reports/performance.js';

const near = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);

const METRICS = {
  lead: ['leads', null],
  opportunity: ['opportunities', 'pipeline'],
  customer: ['customers', 'revenue'],
} as const;

/** Checks every stored model with `conversion` credited; the models checked. */
export async function reconcileUnder(
  store: Store,
  conversion: keyof typeof METRICS,
): Promise<string[]> {
  const ctx = { store, workspaceId: 'w' };
  const [count, value] = METRICS[conversion];
  const total = (await overview.run(ctx, overview.params.parse({ ...RANGE, compare: 'none' })))
    .totals;
  assert.ok(total[count] > 0, `${conversion}: something to reconcile`);
  await changeAttributionSettings(store, 'w', { conversion });
  const checked: string[] = [];
  for (const model of storedModelsFor(await attributionSettingsFor(store, 'w'))) {
    const r = await performance.run(ctx, performance.params.parse({ ...RANGE, model }));
    const sum = (f: (x: (typeof r.rows)[number]) => number | null) =>
      r.rows.reduce((s, x) => s + (f(x) ?? 0), 0);
    near(
      sum((x) => x.spend),
      total.spend,
      `${model}: spend`,
    );
    near(
      sum((x) => x.sessions),
      total.sessions,
      `${model}: sessions`,
    );
    near(
      sum((x) => x[count]),
      total[count],
      `${model}: ${count}`,
    );
    if (value)
      near(
        sum((x) => x[value]),
        total[value],
        `${model}: ${value}`,
      );
    checked.push(model);
  }
  return checked;
}
