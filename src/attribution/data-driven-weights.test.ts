import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  weighBatchDataDriven,
  DATA_DRIVEN_MODEL_NAMES,
  type DataDrivenModelName,
  type DataDrivenOptions,
} from './data-driven-weights.js';
import { encodePaths } from './encoded-paths.js';
import { encodeJourneys, prepareBatch, type JourneyBatch } from './journey-batch.js';
import { shapleySimplified } from './models/shapley-simplified.js';
import { shapley } from './models/shapley.js';
import { attributePaths } from './path-summary.js';
import type { Journey, PathSummaryRow } from './types.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1);

/** A journey whose touches follow `path` ("A>B>A"; "" for none), one day apart, ending the day before. */
function journey(path: string, value = 0): Journey {
  const chs = path === '' ? [] : path.split('>');
  return {
    touches: chs.map((channel, i) => ({ id: `t${i}`, channel, at: T0 - (chs.length - i) * DAY })),
    convertedAt: T0,
    value,
  };
}
const batch = (journeys: readonly Journey[]): JourneyBatch =>
  prepareBatch(encodeJourneys(journeys));
const repeat = (path: string, n: number, value = 0): Journey[] =>
  Array.from({ length: n }, () => journey(path, value));

/** The weights of journey j, and of its channels summed, by name. */
function journeyWeights(b: JourneyBatch, w: Float64Array, j: number): number[] {
  return Array.from(w.subarray(b.offsets[j]!, b.offsets[j + 1]!));
}
function byChannel(b: JourneyBatch, w: Float64Array, j: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = b.offsets[j]!; i < b.offsets[j + 1]!; i++) {
    const c = b.channels[b.touchChannel[i]!]!;
    out[c] = (out[c] ?? 0) + w[i]!;
  }
  return out;
}
function near(a: number, b: number, what = '', tol = 1e-9): void {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}
const score = (r: { channelScores: { channel: string; score: number }[] }, c: string): number =>
  r.channelScores.find((s) => s.channel === c)!.score;

/** The same journeys as path-summary rows: the independent route through encodePaths. */
function rowsOf(
  conv: readonly Journey[],
  nulls: readonly Journey[],
  weights?: readonly number[],
): PathSummaryRow[] {
  return [
    ...conv.map((j, i) => ({
      path: j.touches.map((t) => t.channel),
      conversions: weights?.[i] ?? 1,
      nulls: 0,
      value: j.value,
    })),
    ...nulls.map((j) => ({
      path: j.touches.map((t) => t.channel),
      conversions: 0,
      nulls: 1,
      value: 0,
    })),
  ];
}

describe('weighBatchDataDriven: markov', () => {
  const toy = [journey('A>B>A>B>B>A'), journey('A>B>B>A>A'), journey('A>A')];

  it('whitepaper toy (RE A=1, B=0.5): an A>B journey gets 2/3, 1/3', () => {
    // A fourth journey standing for 0 conversions adds no traffic, so the chain stays the toy's.
    const conv = batch([...toy, journey('A>B')]);
    conv.conversions = new Float64Array([1, 1, 1, 0]);
    const r = weighBatchDataDriven(conv, batch([]), 'markov');
    near(score(r, 'A'), 1, 'RE A');
    near(score(r, 'B'), 0.5, 'RE B');
    const ab = journeyWeights(conv, r.weights, 3);
    near(ab[0]!, 2 / 3, 'A');
    near(ab[1]!, 1 / 3, 'B');
    // A>B>A>B>B>A: A's 2/3 and B's 1/3 split equally between each channel's three touches.
    const first = journeyWeights(conv, r.weights, 0);
    first.forEach((w, i) =>
      near(w, toy[0]!.touches[i]!.channel === 'A' ? 2 / 9 : 1 / 9, `touch ${i}`),
    );
    // A>A has only A.
    assert.deepEqual(journeyWeights(conv, r.weights, 2), [0.5, 0.5]);
  });

  it('a single-touch journey gets 1 and the channel with the higher removal effect gets more', () => {
    const conv = batch([...repeat('B>A', 5), ...repeat('A', 3), journey('B')]);
    const nulls = batch([...repeat('B', 20), ...repeat('A', 2)]);
    const r = weighBatchDataDriven(conv, nulls, 'markov');
    assert.ok(score(r, 'A') > score(r, 'B'), JSON.stringify(r.channelScores));
    const w = byChannel(conv, r.weights, 0);
    assert.ok(w.A! > w.B!, JSON.stringify(w));
    near(w.A! + w.B!, 1, 'sum');
    near(w.A! / w.B!, score(r, 'A') / score(r, 'B'), 'ratio of removal effects');
    assert.deepEqual(journeyWeights(conv, r.weights, 5), [1]);
    assert.deepEqual(journeyWeights(conv, r.weights, 8), [1]);
  });

  it('fits like path-summary mode, also for order 2, with different channel dictionaries per batch', () => {
    const conv = [...repeat('A>B>C', 4, 10), ...repeat('B>C', 3, 5), journey('C>A>B', 2)];
    const nulls = [...repeat('D>B', 6), ...repeat('A>B', 5), ...repeat('C', 4)];
    const cb = batch(conv);
    const nb = batch(nulls);
    assert.notDeepEqual(cb.channels, nb.channels.slice(0, cb.channels.length));
    for (const order of [1, 2]) {
      const r = weighBatchDataDriven(cb, nb, 'markov', { order });
      const expected = attributePaths(rowsOf(conv, nulls), {
        models: ['markov'],
        order,
      }).removal_effects;
      assert.deepEqual(
        r.channelScores.map((s) => s.channel),
        expected.map((e) => e.channel),
      );
      expected.forEach((e) =>
        near(score(r, e.channel), e.removal_effect, `order ${order} RE ${e.channel}`),
      );
      const total = score(r, 'A') + score(r, 'B') + score(r, 'C');
      const w = byChannel(cb, r.weights, 0);
      for (const c of ['A', 'B', 'C']) near(w[c]!, score(r, c) / total, `order ${order} ${c}`);
    }
  });

  it('gives the last touch everything when every channel present has removal effect 0', () => {
    const conv = batch([journey('A>B')]);
    conv.conversions = new Float64Array([0]); // nothing converts: P(conversion) = 0, every RE 0
    const r = weighBatchDataDriven(conv, batch(repeat('A>B', 3)), 'markov');
    assert.deepEqual(journeyWeights(conv, r.weights, 0), [0, 1]);
  });

  it('rejects an order outside 1..4', () => {
    assert.throws(
      () => weighBatchDataDriven(batch([journey('A')]), batch([]), 'markov', { order: 5 }),
      RangeError,
    );
  });
});

describe('weighBatchDataDriven: shapley', () => {
  it('shares ∝ φ of the channels present, for both worth functions', () => {
    const conv = [...repeat('A>B', 6, 3), ...repeat('A', 2, 1), ...repeat('B>C>B', 3, 7)];
    const nulls = [...repeat('C', 9), ...repeat('A>B', 4), ...repeat('B', 2)];
    const cb = batch(conv);
    for (const shapleyValue of ['conversions', 'rate'] as const) {
      const r = weighBatchDataDriven(cb, batch(nulls), 'shapley', { shapleyValue });
      const paths = encodePaths(rowsOf(conv, nulls));
      const phi = shapley(paths, shapleyValue).phi;
      for (const [c, id] of paths.channels.map((c, id) => [c, id] as const))
        near(score(r, c), phi[id]!, `${shapleyValue} φ ${c}`);
      const w = byChannel(cb, r.weights, 0);
      near(w.A!, score(r, 'A') / (score(r, 'A') + score(r, 'B')), `${shapleyValue} A`);
      // B>C>B: B's share split between its two touches.
      const bcb = journeyWeights(cb, r.weights, 8);
      near(bcb[0]!, bcb[2]!, 'B touches equal');
      near(bcb[0]! + bcb[2]!, score(r, 'B') / (score(r, 'B') + score(r, 'C')), `${shapleyValue} B`);
      assert.deepEqual(journeyWeights(cb, r.weights, 6), [1]);
    }
  });

  it('gives the last touch everything when φ is 0 for every channel present', () => {
    const conv = batch([journey('A'), journey('C>D')]);
    conv.conversions = new Float64Array([1, 0]);
    const r = weighBatchDataDriven(conv, batch([]), 'shapley');
    assert.equal(score(r, 'C'), 0);
    assert.deepEqual(journeyWeights(conv, r.weights, 1), [0, 1]);
  });
});

describe('weighBatchDataDriven: shapley_simplified', () => {
  it('the slide example: Direct > Generic > Brand gets 0.459 / 0.174 / 0.367', () => {
    const conv = [
      ...repeat('Direct>Generic', 19),
      ...repeat('Direct>Brand', 17),
      ...repeat('Generic>Brand', 7),
      journey('Direct>Generic>Brand'),
    ];
    const nulls = [
      ...repeat('Direct>Generic', 549),
      ...repeat('Direct>Brand', 250),
      ...repeat('Generic>Brand', 357),
      ...repeat('Direct>Generic>Brand', 10),
    ];
    const cb = batch(conv);
    const r = weighBatchDataDriven(cb, batch(nulls), 'shapley_simplified');
    const w = journeyWeights(cb, r.weights, conv.length - 1);
    [0.459, 0.174, 0.367].forEach((x, i) => near(w[i]!, x, `position ${i}`, 0.001));
    assert.deepEqual(r.channelScores, []);
  });

  it('per-touch credits summed by channel equal the model totals (conversions and value)', () => {
    const pathArb = fc
      .array(fc.constantFrom('A', 'B', 'C', 'D'), { maxLength: 5 })
      .map((p) => p.join('>'));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            path: pathArb,
            conversions: fc.integer({ min: 0, max: 4 }),
            value: fc.integer({ min: 0, max: 500 }),
          }),
          { maxLength: 25 },
        ),
        fc.array(pathArb, { maxLength: 40 }),
        (spec, nullPaths) => {
          const conv = spec.map((s) => journey(s.path, s.conversions === 0 ? 0 : s.value));
          const weights = spec.map((s) => s.conversions);
          const nulls = nullPaths.map((p) => journey(p));
          const cb = batch(conv);
          cb.conversions = Float64Array.from(weights);
          const { weights: w } = weighBatchDataDriven(cb, batch(nulls), 'shapley_simplified');
          const credit: Record<string, { conversions: number; value: number }> = {};
          for (let j = 0; j < conv.length; j++) {
            for (let i = cb.offsets[j]!; i < cb.offsets[j + 1]!; i++) {
              const c = (credit[cb.channels[cb.touchChannel[i]!]!] ??= {
                conversions: 0,
                value: 0,
              });
              c.conversions += w[i]! * weights[j]!;
              c.value += w[i]! * conv[j]!.value;
            }
          }
          const paths = encodePaths(rowsOf(conv, nulls, weights));
          const expected = shapleySimplified(paths);
          paths.channels.forEach((c, id) => {
            near(credit[c]?.conversions ?? 0, expected.conversions[id]!, `${c} conversions`);
            near(credit[c]?.value ?? 0, expected.value[id]!, `${c} value`);
          });
        },
      ),
      { numRuns: 80, seed: 20260602 },
    );
  });
});

describe('weighBatchDataDriven: every model', () => {
  const CHANNELS = ['Direct', 'Email', 'Paid', 'Social'];
  const touchesArb = fc.array(
    fc.record({ channel: fc.constantFrom(...CHANNELS), days: fc.integer({ min: 0, max: 120 }) }),
    { maxLength: 6 },
  );
  const journeyArb: fc.Arbitrary<Journey> = fc
    .record({ touches: touchesArb, value: fc.integer({ min: 0, max: 1000 }) })
    .map(({ touches, value }) => ({
      touches: touches.map((t, i) => ({ id: `t${i}`, channel: t.channel, at: T0 - t.days * DAY })),
      convertedAt: T0,
      value,
    }));
  const cases: { model: DataDrivenModelName; options: DataDrivenOptions }[] = [
    { model: 'markov', options: {} },
    { model: 'markov', options: { order: 2 } },
    { model: 'shapley', options: {} },
    { model: 'shapley', options: { shapleyValue: 'rate' } },
    { model: 'shapley_simplified', options: {} },
  ];
  const RUNS = { numRuns: 40, seed: 20260603 };
  // A 60-day window leaves some journeys with no touch at all.
  const prep = (journeys: readonly Journey[]): JourneyBatch =>
    prepareBatch(encodeJourneys(journeys), { lookbackDays: 60 });

  it('covers the three model names', () => {
    assert.deepEqual(new Set(cases.map((c) => c.model)), new Set(DATA_DRIVEN_MODEL_NAMES));
  });

  it('conserves: each journey with touches sums to 1 (the window empties some), no weight is negative', () => {
    fc.assert(
      fc.property(
        fc.array(journeyArb, { minLength: 1, maxLength: 15 }),
        fc.array(journeyArb, { maxLength: 20 }),
        (conv, nulls) => {
          const cb = prep(conv);
          const nb = prep(nulls);
          for (const { model, options } of cases) {
            const { weights } = weighBatchDataDriven(cb, nb, model, options);
            assert.equal(weights.length, cb.touchChannel.length);
            for (let j = 0; j < conv.length; j++) {
              const w = journeyWeights(cb, weights, j);
              for (const x of w) assert.ok(x >= 0 && Number.isFinite(x), `${model}: weight ${x}`);
              if (w.length > 0)
                near(
                  w.reduce((s, x) => s + x, 0),
                  1,
                  `${model} ${JSON.stringify(options)} journey ${j}`,
                );
            }
          }
        },
      ),
      RUNS,
    );
  });

  it('gives a single-touch journey everything', () => {
    fc.assert(
      fc.property(
        fc.array(journeyArb, { maxLength: 12 }),
        fc.array(journeyArb, { maxLength: 12 }),
        fc.constantFrom(...CHANNELS),
        (conv, nulls, channel) => {
          const single: Journey = {
            touches: [{ id: 'only', channel, at: T0 - DAY }],
            convertedAt: T0,
            value: 5,
          };
          const cb = prep([...conv, single]);
          for (const { model, options } of cases) {
            const { weights } = weighBatchDataDriven(cb, prep(nulls), model, options);
            assert.deepEqual(journeyWeights(cb, weights, conv.length), [1], model);
          }
        },
      ),
      RUNS,
    );
  });

  it('does not depend on the order of the journeys in either batch', () => {
    fc.assert(
      fc.property(
        fc.array(journeyArb, { minLength: 1, maxLength: 12 }).chain((conv) =>
          fc.tuple(
            fc.constant(conv),
            fc.shuffledSubarray(
              conv.map((_, i) => i),
              { minLength: conv.length, maxLength: conv.length },
            ),
          ),
        ),
        fc.array(journeyArb, { maxLength: 15 }),
        ([conv, perm], nulls) => {
          const cb = prep(conv);
          const pb = prep(perm.map((i) => conv[i]!));
          const nb = prep(nulls);
          const rnb = prep([...nulls].reverse());
          for (const { model, options } of cases) {
            const a = weighBatchDataDriven(cb, nb, model, options);
            const b = weighBatchDataDriven(pb, rnb, model, options);
            perm.forEach((j, k) => {
              const wa = journeyWeights(cb, a.weights, j);
              const wb = journeyWeights(pb, b.weights, k);
              assert.equal(wa.length, wb.length);
              wa.forEach((x, i) => near(wb[i]!, x, `${model} journey ${j} touch ${i}`));
            });
            assert.deepEqual(
              b.channelScores.map((s) => s.channel).sort(),
              a.channelScores.map((s) => s.channel).sort(),
            );
          }
        },
      ),
      RUNS,
    );
  });

  it('counts a non-converting journey as the journeys its `conversions` says it stands for', () => {
    const cb = batch([...repeat('A>B', 3), ...repeat('B>C', 2), journey('C>A')]);
    const expanded = batch([...repeat('A>B', 4), ...repeat('C', 7), journey('B>A')]);
    const weighted = batch([journey('A>B'), journey('C'), journey('B>A')]);
    weighted.conversions = new Float64Array([4, 7, 1]);
    for (const { model, options } of cases) {
      const a = weighBatchDataDriven(cb, expanded, model, options);
      const b = weighBatchDataDriven(cb, weighted, model, options);
      a.weights.forEach((x, i) => near(b.weights[i]!, x, `${model} touch ${i}`));
      a.channelScores.forEach((s, i) =>
        near(b.channelScores[i]!.score, s.score, `${model} ${s.channel}`),
      );
    }
    // ...and it does matter: the same null paths counted once each fit differently.
    const once = weighBatchDataDriven(
      cb,
      batch([journey('A>B'), journey('C'), journey('B>A')]),
      'markov',
    );
    assert.notDeepEqual(
      once.channelScores,
      weighBatchDataDriven(cb, expanded, 'markov').channelScores,
    );
  });

  it('rejects an unknown model and invalid conversion counts', () => {
    const cb = batch([journey('A')]);
    assert.throws(
      () => weighBatchDataDriven(cb, batch([]), 'linear' as DataDrivenModelName),
      /unknown data-driven model/,
    );
    cb.conversions = new Float64Array([-1]);
    assert.throws(
      () => weighBatchDataDriven(cb, batch([]), 'markov'),
      /converting journey 0: conversions/,
    );
  });
});
