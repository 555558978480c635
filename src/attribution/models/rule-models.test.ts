import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { weighJourney } from '../attribute-journeys.js';
import type { Journey, RuleModelName, RuleModelOptions } from '../types.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 31);

/** A journey whose touches are one day apart, the last one day before the conversion. */
function journey(channels: string[], extra: Partial<Journey> = {}): Journey {
  const n = channels.length;
  return {
    touches: channels.map((channel, i) => ({ id: `t${i}`, channel, at: T0 - (n - i) * DAY })),
    convertedAt: T0,
    value: 100,
    ...extra,
  };
}
/** Time of touch i of an n-touch journey built by journey(). */
const at = (n: number, i: number): number => T0 - (n - i) * DAY;

function weights(model: RuleModelName, j: Journey, options: RuleModelOptions = {}): number[] {
  return weighJourney(j, model, {}, options).map((t) => t.weight);
}
function close(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) =>
    assert.ok(
      Math.abs(a - expected[i]!) < 1e-12,
      `weight ${i}: ${a} ≠ ${expected[i]} (${actual.join(', ')})`,
    ),
  );
}

describe('single-position models', () => {
  const j = journey(['Email', 'Direct', 'Paid', 'Direct']);
  it('first touch and last touch', () => {
    close(weights('first_touch', j), [1, 0, 0, 0]);
    close(weights('last_touch', j), [0, 0, 0, 1]);
  });
  it('last non-direct skips Direct, but keeps it when every touch is Direct', () => {
    close(weights('last_non_direct', j), [0, 0, 1, 0]);
    close(weights('last_non_direct', journey(['Direct', '(direct)', 'direct'])), [0, 0, 1]);
    close(weights('last_non_direct', j, { directChannels: ['Paid'] }), [0, 0, 0, 1]);
  });
  it('linear counts repeats', () => {
    const credit = weighJourney(j, 'linear');
    assert.equal(
      credit.filter((c) => c.channel === 'Direct').reduce((s, c) => s + c.weight, 0),
      0.5,
    );
  });
});

describe('time decay', () => {
  it('halves the weight per half-life of continuous time before the conversion', () => {
    const j: Journey = {
      touches: [
        { id: 'a', channel: 'A', at: T0 - 14 * DAY },
        { id: 'b', channel: 'B', at: T0 - 7 * DAY },
        { id: 'c', channel: 'C', at: T0 - 3.5 * DAY },
      ],
      convertedAt: T0,
      value: 1,
    };
    const raw = [0.25, 0.5, 2 ** -0.5];
    const sum = raw.reduce((s, x) => s + x, 0);
    close(
      weights('time_decay', j),
      raw.map((x) => x / sum),
    );
    const w14 = weights('time_decay', j, { halfLifeDays: 14 });
    assert.ok(Math.abs(w14[0]! / w14[1]! - 2 ** -0.5) < 1e-12);
  });
});

describe('position-based (40/20/40)', () => {
  it('gives one touch 100%, two touches 50/50, and splits 20% over the middle', () => {
    close(weights('position_based', journey(['A'])), [1]);
    close(weights('position_based', journey(['A', 'B'])), [0.5, 0.5]);
    close(weights('position_based', journey(['A', 'B', 'C'])), [0.4, 0.2, 0.4]);
    close(weights('position_based', journey(['A', 'B', 'C', 'D'])), [0.4, 0.1, 0.1, 0.4]);
  });
});

describe('milestone models', () => {
  it('U-shaped: 40% first, 40% lead-creation touch (last at or before the lead), 20% to the rest', () => {
    const j = journey(['A', 'B', 'C', 'D', 'E'], { leadAt: at(5, 2) + 1000 });
    close(weights('u_shaped', j), [0.4, 0.2 / 3, 0.4, 0.2 / 3, 0.2 / 3]);
  });
  it('a touch exactly at the milestone counts as the milestone touch', () => {
    const j = journey(['A', 'B', 'C'], { leadAt: at(3, 1) });
    close(weights('u_shaped', j), [0.4, 0.4, 0.2]);
  });
  it('a touch that is both first and lead creation receives both shares', () => {
    const j = journey(['A', 'B', 'C'], { leadAt: at(3, 0) });
    close(weights('u_shaped', j), [0.8, 0.1, 0.1]);
  });
  it('an empty rest share spreads over the key touches pro rata', () => {
    close(weights('u_shaped', journey(['A', 'B'], { leadAt: at(2, 1) })), [0.5, 0.5]);
    close(weights('u_shaped', journey(['A'], { leadAt: at(1, 0) })), [1]);
    // W-shaped, three distinct key touches and nothing else: 30/30/30 scaled to thirds
    close(
      weights('w_shaped', journey(['A', 'B', 'C'], { leadAt: at(3, 1), opportunityAt: at(3, 2) })),
      [1 / 3, 1 / 3, 1 / 3],
    );
  });
  it('a missing milestone drops its role and the other shares scale up', () => {
    // no lead: first 0.4 and rest 0.2 → 2/3 and 1/3
    close(weights('u_shaped', journey(['A', 'B', 'C'])), [2 / 3, 1 / 6, 1 / 6]);
    // lead before every touch in the window: same
    close(weights('u_shaped', journey(['A', 'B', 'C'], { leadAt: at(3, 0) - DAY })), [
      2 / 3,
      1 / 6,
      1 / 6,
    ]);
  });
  it('W-shaped: 30% first, lead, opportunity; 10% to the rest', () => {
    const j = journey(['A', 'B', 'C', 'D', 'E'], { leadAt: at(5, 1), opportunityAt: at(5, 3) });
    close(weights('w_shaped', j), [0.3, 0.3, 0.05, 0.3, 0.05]);
  });
  it('full path: 22.5% to first, lead, opportunity and won; 10% to the rest', () => {
    const j = journey(['A', 'B', 'C', 'D', 'E', 'F'], {
      leadAt: at(6, 1),
      opportunityAt: at(6, 2),
      wonAt: at(6, 4),
    });
    close(weights('full_path', j), [0.225, 0.225, 0.225, 0.05, 0.225, 0.05]);
    // lead and opportunity on the same touch: that touch gets 45%
    const k = journey(['A', 'B', 'C', 'D'], {
      leadAt: at(4, 1),
      opportunityAt: at(4, 1),
      wonAt: at(4, 3),
    });
    close(weights('full_path', k), [0.225, 0.45, 0.1, 0.225]);
  });
});

describe('custom', () => {
  it('renormalises role weights and applies channel multipliers', () => {
    const j = journey(['A', 'B', 'C', 'D'], { leadAt: at(4, 2) });
    const opts: RuleModelOptions = { custom: { weights: { first: 2, lead: 1, middle: 1 } } };
    close(weights('custom', j, opts), [0.5, 0.125, 0.25, 0.125]);
    const boosted: RuleModelOptions = {
      custom: { weights: { first: 2, lead: 1, middle: 1 }, channelMultipliers: { B: 3 } },
    };
    // raw 0.5, 0.375, 0.25, 0.125 → sum 1.25
    close(weights('custom', j, boosted), [0.4, 0.3, 0.2, 0.1]);
  });
  it('a zero-weight role is not a key touch; all-zero multipliers fall back to equal shares', () => {
    const j = journey(['A', 'B', 'C']);
    close(
      weights('custom', j, { custom: { weights: { first: 1, middle: 1 } } }),
      [0.5, 0.25, 0.25],
    );
    close(
      weights('custom', j, {
        custom: { weights: { first: 1 }, channelMultipliers: { A: 0, B: 0, C: 0 } },
      }),
      [1 / 3, 1 / 3, 1 / 3],
    );
    assert.throws(
      () => weights('custom', j, { custom: { weights: { first: -1 } } }),
      /non-negative/,
    );
    assert.throws(() => weights('custom', j), /custom weights/);
  });
});

describe('settings', () => {
  it('drops touches outside the lookback window or after the conversion', () => {
    const j: Journey = {
      touches: [
        { id: 'old', channel: 'A', at: T0 - 91 * DAY },
        { id: 'in', channel: 'B', at: T0 - 90 * DAY },
        { id: 'late', channel: 'C', at: T0 + 1 },
        { id: 'last', channel: 'D', at: T0 },
      ],
      convertedAt: T0,
      value: 1,
    };
    assert.deepEqual(
      weighJourney(j, 'linear').map((t) => t.touchId),
      ['in', 'last'],
    );
    assert.deepEqual(
      weighJourney(j, 'linear', { lookbackDays: 30 }).map((t) => t.touchId),
      ['last'],
    );
  });
  it('orders touches by time whatever the input order, and reports touch ids', () => {
    const j: Journey = {
      touches: [
        { id: 'second', channel: 'B', at: T0 - DAY },
        { id: 'first', channel: 'A', at: T0 - 2 * DAY },
      ],
      convertedAt: T0,
      value: 1,
    };
    assert.deepEqual(weighJourney(j, 'first_touch'), [
      { touchId: 'first', channel: 'A', weight: 1 },
      { touchId: 'second', channel: 'B', weight: 0 },
    ]);
  });
  it('applies exclusion, step limit and transforms before the model', () => {
    const j = journey(['A', 'Direct', 'A', 'B', 'B', 'Direct']);
    assert.deepEqual(
      weighJourney(j, 'first_touch', { excludeChannels: ['Direct'], stepLimit: 2 }).map(
        (t) => t.channel,
      ),
      ['B', 'B'],
    );
    assert.deepEqual(
      weighJourney(j, 'linear', {
        transforms: [
          { kind: 'exposure' },
          { kind: 'remove_if_last_and_not_all', channel: 'Direct' },
        ],
      }).map((t) => t.touchId),
      ['t0', 't1', 't2', 't3'],
    );
  });
});
