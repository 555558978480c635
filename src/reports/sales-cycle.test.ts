// The sales-cycle report on the suite's engine, over the hand-computed pipeline world
// (test-helpers/quality-world.ts): each step's durations by first-touch channel and over everyone, the
// quantiles checked against a reference (linear interpolation, type 7) of the durations listed here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withStore } from '../test-helpers/events.js';
import { qualityWorld } from '../test-helpers/quality-world.js';
import { round2 } from './params.js';
import { BUCKET_LABELS, CYCLE_BUCKETS, salesCycle } from './sales-cycle.js';

/** The q-quantile of the values, interpolated linearly (R's type 7). */
function quantile(values: number[], q: number): number {
  const v = [...values].sort((a, b) => a - b);
  const h = (v.length - 1) * q;
  const lo = Math.floor(h);
  return v[lo]! + (h - lo) * ((v[Math.min(lo + 1, v.length - 1)] ?? 0) - v[lo]!);
}

/**
 * Equal, numbers within a cent of a day: the report rounds to two places, and a value on a half cent
 * (30.925) rounds either way after the engine's floating-point sums.
 */
function close(actual: unknown, want: unknown, path = ''): void {
  if (typeof want === 'number' && typeof actual === 'number') {
    assert.ok(Math.abs(actual - want) <= 0.0101, `${path}: ${actual} is not ${want}`);
    return;
  }
  if (want !== null && typeof want === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: ${String(actual)}`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(want).sort(), path);
    for (const [k, v] of Object.entries(want))
      close((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    return;
  }
  assert.equal(actual, want, path);
}

/** What the report should say of these durations (days). */
function expected(days: number[]) {
  const histogram = Object.fromEntries(
    BUCKET_LABELS.map((l, i) => [
      l,
      days.filter((d) => d >= CYCLE_BUCKETS[i]! && d < (CYCLE_BUCKETS[i + 1] ?? Infinity)).length,
    ]),
  );
  return {
    persons: days.length,
    min: round2(Math.min(...days)),
    p25: round2(quantile(days, 0.25)),
    median: round2(quantile(days, 0.5)),
    p75: round2(quantile(days, 0.75)),
    p90: round2(quantile(days, 0.9)),
    mean: round2(days.reduce((s, d) => s + d, 0) / days.length),
    max: round2(Math.max(...days)),
    histogram,
  };
}

const H = 1 / 24;
// each person's durations in days, from the world's times
const TOUCH_TO_LEAD = { ada: 1, bob: 2, carol: 0.5, eve: 4, frank: 10, hal: 3 };
const LEAD_TO_OPPORTUNITY = { ada: 2 + 15 * H, bob: 1 + 14 * H, eve: 1 + 16 * H, gina: 38 };
const OPPORTUNITY_TO_CUSTOMER = { ada: 15, gina: 13 };
const TOUCH_TO_CUSTOMER = { ada: 18 + 15 * H, gina: 52 };

test('each step of the cycle in March, by first-touch channel and over everyone', async () => {
  await withStore(async (store) => {
    await qualityWorld(store);
    const r = await salesCycle.run(
      { store, workspaceId: 'w' },
      salesCycle.params.parse({ from: '2026-03-01', to: '2026-03-31' }),
    );
    const {
      group: _g,
      step: _s,
      ...paidLead
    } = r.rows.find((x) => x.step === 'touch_to_lead' && x.group.channel === 'Paid Search')!;
    void _g;
    void _s;
    close(paidLead, expected([TOUCH_TO_LEAD.ada, TOUCH_TO_LEAD.eve]));
    const of = (step: string, channel: string) => {
      const x = r.rows.find((y) => y.step === step && y.group.channel === channel);
      return x && { ...x, step: undefined, group: undefined };
    };
    const want = (days: number[]) => ({ ...expected(days), step: undefined, group: undefined });
    close(of('touch_to_lead', 'Email'), want([TOUCH_TO_LEAD.bob, TOUCH_TO_LEAD.hal]));
    close(of('touch_to_lead', 'Direct'), want([TOUCH_TO_LEAD.frank]));
    close(
      of('lead_to_opportunity', 'Paid Search'),
      want([LEAD_TO_OPPORTUNITY.ada, LEAD_TO_OPPORTUNITY.eve, LEAD_TO_OPPORTUNITY.gina]),
    );
    close(of('lead_to_opportunity', 'Email'), want([LEAD_TO_OPPORTUNITY.bob]));
    close(
      of('opportunity_to_customer', 'Paid Search'),
      want(Object.values(OPPORTUNITY_TO_CUSTOMER)),
    );
    close(of('touch_to_customer', 'Paid Search'), want(Object.values(TOUCH_TO_CUSTOMER)));
    assert.equal(r.rows.length, 4 + 2 + 1 + 1);
    // over every channel: quantiles of the whole, not of the groups
    const all = (step: string) => {
      const x = r.overall.find((y) => y.step === step);
      return x && { ...x, step: undefined };
    };
    const wantAll = (days: number[]) => ({ ...expected(days), step: undefined });
    close(all('touch_to_lead'), wantAll(Object.values(TOUCH_TO_LEAD)));
    close(all('lead_to_opportunity'), wantAll(Object.values(LEAD_TO_OPPORTUNITY)));
    close(all('opportunity_to_customer'), wantAll(Object.values(OPPORTUNITY_TO_CUSTOMER)));
    assert.deepEqual(
      r.overall.map((s) => s.step),
      ['touch_to_lead', 'lead_to_opportunity', 'opportunity_to_customer', 'touch_to_customer'],
    );
    // p90 of 0.5, 1, 2, 3, 4, 10: between 4 and 10
    assert.equal(all('touch_to_lead')!.p90, 7);
    const t = salesCycle.table(r, salesCycle.params.parse({}));
    assert.equal(t.rows[0]!['days 1-7'], 2);
  });
});

test('a range before anyone finished a step is empty', async () => {
  await withStore(async (store) => {
    await qualityWorld(store);
    const r = await salesCycle.run(
      { store, workspaceId: 'w' },
      salesCycle.params.parse({ from: '2026-01-01', to: '2026-01-31', groupBy: 'source,campaign' }),
    );
    assert.deepEqual([r.rows, r.overall], [[], []]);
  });
});
