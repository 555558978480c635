/** Property tests over random journeys and path summaries: what must hold for every model. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { attributeJourneys, weighJourney } from './attribute-journeys.js';
import {
  attributePaths,
  PATH_MODEL_NAMES,
  type PathAttribution,
  type PathAttributionOptions,
} from './path-summary.js';
import {
  NO_TOUCHPOINT,
  RULE_MODEL_NAMES,
  type ChannelCredit,
  type Journey,
  type PathSummaryRow,
  type RuleModelOptions,
} from './types.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1);
const CHANNELS = ['Direct', 'Email', 'Paid', 'Social', 'Organic'];
const OPTIONS: RuleModelOptions = {
  custom: {
    weights: { first: 3, lead: 2, opportunity: 2, won: 1, middle: 1 },
    channelMultipliers: { Paid: 0.5 },
  },
};
const RUNS = { numRuns: 60, seed: 20260601 };

const journeyArb: fc.Arbitrary<Journey> = fc
  .record({
    touches: fc.array(
      fc.record({
        channel: fc.constantFrom(...CHANNELS),
        days: fc.double({ min: 0, max: 120, noNaN: true }),
      }),
      {
        maxLength: 8,
      },
    ),
    value: fc.double({ min: 0, max: 1000, noNaN: true }),
    lead: fc.option(fc.double({ min: 0, max: 120, noNaN: true }), { nil: undefined }),
    opp: fc.option(fc.double({ min: 0, max: 120, noNaN: true }), { nil: undefined }),
    won: fc.option(fc.double({ min: 0, max: 120, noNaN: true }), { nil: undefined }),
  })
  .map(({ touches, value, lead, opp, won }) => ({
    touches: touches.map((t, i) => ({ id: `t${i}`, channel: t.channel, at: T0 - t.days * DAY })),
    convertedAt: T0,
    value,
    ...(lead === undefined ? {} : { leadAt: T0 - lead * DAY }),
    ...(opp === undefined ? {} : { opportunityAt: T0 - opp * DAY }),
    ...(won === undefined ? {} : { wonAt: T0 - won * DAY }),
  }));

const rowArb: fc.Arbitrary<PathSummaryRow> = fc
  .record({
    path: fc.array(fc.constantFrom(...CHANNELS), { maxLength: 6 }),
    conversions: fc.integer({ min: 0, max: 20 }),
    nulls: fc.integer({ min: 0, max: 20 }),
    perConversion: fc.double({ min: 0, max: 1000, noNaN: true }),
  })
  .map(({ perConversion, ...r }) => ({ ...r, value: r.conversions * perConversion }));
const rowsArb = fc.array(rowArb, { minLength: 1, maxLength: 15 });

const sum = (rows: readonly ChannelCredit[], k: 'conversions' | 'value'): number =>
  rows.reduce((s, r) => s + r[k], 0);
function closeRel(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}
function sameCredits(a: PathAttribution, b: PathAttribution, skip: readonly string[] = []): void {
  for (const [model, rows] of Object.entries(a.models)) {
    const other = new Map(b.models[model as keyof typeof b.models]!.map((r) => [r.channel, r]));
    for (const r of rows ?? []) {
      if (skip.includes(r.channel)) continue;
      const o = other.get(r.channel) ?? { conversions: 0, value: 0 };
      closeRel(r.conversions, o.conversions, `${model} ${r.channel} conversions`);
      closeRel(r.value, o.value, `${model} ${r.channel} value`);
    }
  }
}
const allPathModels = (extra: PathAttributionOptions = {}): PathAttributionOptions => ({
  models: PATH_MODEL_NAMES,
  ...extra,
});

describe('conservation', () => {
  it('rule-based models credit exactly the conversions and the value of the journeys', () => {
    fc.assert(
      fc.property(
        fc.array(journeyArb, { maxLength: 12 }),
        fc.integer({ min: 1, max: 120 }),
        (journeys, lookbackDays) => {
          const r = attributeJourneys(journeys, RULE_MODEL_NAMES, { lookbackDays }, OPTIONS);
          const value = journeys.reduce((s, j) => s + j.value, 0);
          for (const m of RULE_MODEL_NAMES) {
            closeRel(sum(r.models[m]!, 'conversions'), journeys.length, `${m} conversions`);
            closeRel(sum(r.models[m]!, 'value'), value, `${m} value`);
            for (const row of r.models[m]!)
              assert.ok(row.conversions >= 0 && row.value >= 0, `${m} negative credit`);
          }
        },
      ),
      RUNS,
    );
  });

  it('path models credit exactly the conversions and the value, whatever the settings', () => {
    fc.assert(
      fc.property(
        rowsArb,
        fc.integer({ min: 1, max: 4 }),
        fc.subarray(['Direct', 'Email']),
        fc.subarray([
          { kind: 'exposure' },
          { kind: 'first' },
          { kind: 'remove_if_last_and_not_all', channel: 'Direct' },
        ] as const),
        fc.constantFrom('conversions', 'rate') as fc.Arbitrary<'conversions' | 'rate'>,
        (rows, order, excludeChannels, transforms, shapleyValue) => {
          const r = attributePaths(
            rows,
            allPathModels({ order, excludeChannels, transforms, shapleyValue }),
          );
          closeRel(
            r.totals.conversions,
            rows.reduce((s, x) => s + x.conversions, 0),
            'total conversions',
          );
          for (const m of PATH_MODEL_NAMES) {
            closeRel(sum(r.models[m]!, 'conversions'), r.totals.conversions, `${m} conversions`);
            closeRel(sum(r.models[m]!, 'value'), r.totals.value, `${m} value`);
          }
        },
      ),
      RUNS,
    );
  });

  it('conversions with no touch in the window go to "(no touchpoint)", never dropped', () => {
    const lost: Journey = {
      touches: [{ id: 'x', channel: 'Paid', at: T0 - 200 * DAY }],
      convertedAt: T0,
      value: 7,
    };
    const r = attributeJourneys([lost], ['linear']);
    assert.deepEqual(
      r.models.linear!.find((x) => x.channel === NO_TOUCHPOINT),
      { channel: NO_TOUCHPOINT, conversions: 1, value: 7 },
    );
    const p = attributePaths(
      [{ path: ['Direct'], conversions: 2, nulls: 0, value: 3 }],
      allPathModels({ excludeChannels: ['Direct'] }),
    );
    for (const m of PATH_MODEL_NAMES)
      assert.deepEqual(p.models[m]!.at(-1), { channel: NO_TOUCHPOINT, conversions: 2, value: 3 });
  });
});

describe('a single-touch path gives that channel everything', () => {
  it('in every rule-based model, per journey', () => {
    fc.assert(
      fc.property(journeyArb, fc.constantFrom(...CHANNELS), (j, channel) => {
        const single: Journey = { ...j, touches: [{ id: 'only', channel, at: T0 - DAY }] };
        for (const m of RULE_MODEL_NAMES) {
          assert.deepEqual(
            weighJourney(single, m, {}, OPTIONS),
            [{ touchId: 'only', channel, weight: 1 }],
            m,
          );
        }
      }),
      RUNS,
    );
  });

  it('in every path model, for data made of one-touch paths', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            channel: fc.constantFrom(...CHANNELS),
            conversions: fc.integer({ min: 0, max: 9 }),
            nulls: fc.integer({ min: 0, max: 9 }),
          }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        (spec) => {
          const rows = spec.map((s) => ({
            path: [s.channel],
            conversions: s.conversions,
            nulls: s.nulls,
            value: 10 * s.conversions,
          }));
          const r = attributePaths(rows, allPathModels());
          const own = (c: string): number =>
            rows.filter((x) => x.path[0] === c).reduce((s, x) => s + x.conversions, 0);
          for (const m of PATH_MODEL_NAMES) {
            for (const row of r.models[m]!) {
              closeRel(row.conversions, own(row.channel), `${m} ${row.channel}`);
              closeRel(row.value, 10 * own(row.channel), `${m} ${row.channel} value`);
            }
          }
          // the rate-based Shapley weighs sets by rate, so it only gives everything when one channel is alone
          const one = attributePaths([rows[0]!], { models: ['shapley'], shapleyValue: 'rate' });
          closeRel(one.models.shapley![0]!.conversions, rows[0]!.conversions, 'shapley rate');
        },
      ),
      RUNS,
    );
  });
});

describe('permutation invariance', () => {
  it('the order of rows never matters', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 1, max: 3 }), (rows, order) => {
        const reversed = [...rows].reverse();
        sameCredits(
          attributePaths(rows, allPathModels({ order })),
          attributePaths(reversed, allPathModels({ order })),
        );
      }),
      RUNS,
    );
  });

  it('linear and Shapley (both worths) ignore the order of touches inside a path', () => {
    fc.assert(
      fc.property(
        rowsArb,
        fc.constantFrom('conversions', 'rate') as fc.Arbitrary<'conversions' | 'rate'>,
        (rows, shapleyValue) => {
          const shuffled = rows.map((r) => ({ ...r, path: [...r.path].reverse() }));
          const opts = { models: ['linear', 'shapley'] as const, shapleyValue };
          sameCredits(attributePaths(rows, opts), attributePaths(shuffled, opts));
        },
      ),
      RUNS,
    );
  });
});

describe('a channel that never appears changes nothing', () => {
  it('excluding it, or adding it on paths with no journeys', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const base = attributePaths(rows, allPathModels());
        sameCredits(base, attributePaths(rows, allPathModels({ excludeChannels: ['Nowhere'] })));
        const padded = [
          ...rows,
          { path: ['Nowhere', 'Email'], conversions: 0, nulls: 0, value: 0 },
        ];
        const withGhost = attributePaths(padded, allPathModels());
        sameCredits(base, withGhost);
        for (const m of PATH_MODEL_NAMES) {
          const ghost = withGhost.models[m]!.find((x) => x.channel === 'Nowhere')!;
          assert.equal(ghost.conversions, 0, m);
        }
      }),
      RUNS,
    );
  });

  it('for rule-based journeys: excluding it or giving it a multiplier', () => {
    fc.assert(
      fc.property(fc.array(journeyArb, { maxLength: 10 }), (journeys) => {
        const a = attributeJourneys(journeys, RULE_MODEL_NAMES, {}, OPTIONS);
        const b = attributeJourneys(
          journeys,
          RULE_MODEL_NAMES,
          { excludeChannels: ['Nowhere'] },
          {
            custom: {
              ...OPTIONS.custom!,
              channelMultipliers: { ...OPTIONS.custom!.channelMultipliers, Nowhere: 5 },
            },
          },
        );
        assert.deepEqual(a, b);
      }),
      RUNS,
    );
  });
});
