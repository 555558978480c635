import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CHANNELS, CHANNEL_EFFECTS, checkChannelModel, type ChannelId } from './channels.js';
import { planCrm } from './crm.js';
import { drawJourney, realize } from './journey.js';
import { householdPeople } from './people.js';
import { PURPOSE, Rng } from './prng.js';
import { DAY, parseDate } from './time.js';

describe('prng', () => {
  it('is a pure function of seed and keys', () => {
    const a = Rng.of(5, PURPOSE.journey, 42);
    const b = Rng.of(5, PURPOSE.journey, 42);
    const c = Rng.of(5, PURPOSE.journey, 43);
    const d = Rng.of(6, PURPOSE.journey, 42);
    const xs = Array.from({ length: 8 }, () => a.uint32());
    assert.deepEqual(
      Array.from({ length: 8 }, () => b.uint32()),
      xs,
    );
    assert.notDeepEqual(
      Array.from({ length: 8 }, () => c.uint32()),
      xs,
    );
    assert.notDeepEqual(
      Array.from({ length: 8 }, () => d.uint32()),
      xs,
    );
  });

  it('draws uniform numbers and bounded integers', () => {
    const r = Rng.of(1, 99);
    let sum = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      assert.ok(x >= 0 && x < 1);
      sum += x;
      const k = r.int(7);
      assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
    }
    assert.ok(Math.abs(sum / n - 0.5) < 0.01);
  });
});

describe('channel model', () => {
  it('satisfies the invariants the truth relies on', () => {
    assert.deepEqual(checkChannelModel(), []);
  });

  it('reports a fallback that would raise conversions', () => {
    const broken = {
      ...CHANNEL_EFFECTS,
      display: {
        ...CHANNEL_EFFECTS.display,
        fallback: 'paid_social_linkedin' as ChannelId,
        weight: 0.1,
      },
    };
    assert.equal(checkChannelModel(broken).length, 1);
  });
});

describe('people', () => {
  it('gives every person a distinct email', () => {
    const emails = new Set<string>();
    let people = 0;
    for (let h = 0; h < 4000; h++) {
      for (const p of householdPeople(3, h)) {
        people++;
        emails.add(p.email);
      }
    }
    assert.equal(emails.size, people);
  });
});

describe('journey', () => {
  const windowEnd = parseDate('2026-06-30') + DAY - 1;
  const arrival = parseDate('2026-03-02');

  it('switching channels off never brings a lead or a won deal earlier or adds revenue (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 200_000 }),
        fc.subarray([...CHANNELS], { minLength: 1 }),
        (seed, h, off) => {
          for (const person of householdPeople(seed, h)) {
            // Make conversions likely so the property is exercised, not vacuous.
            const keen = { ...person, intent: person.intent * 200 };
            const draws = drawJourney(seed, keen, arrival, windowEnd);
            const base = realize(draws, null);
            const cf = realize(draws, new Set(off));
            assert.ok(cf.sessions.length <= base.sessions.length);
            assert.ok(cf.sessions.every((s) => !off.includes(s.channel)));
            if (cf.leadSession >= 0) {
              assert.ok(base.leadSession >= 0 && cf.leadAt >= base.leadAt);
              const a = planCrm(seed, keen, base.leadAt, windowEnd);
              const b = planCrm(seed, keen, cf.leadAt, windowEnd);
              assert.ok(!b.won || a.won);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps every planned session of a person at least three hours apart and inside the window', () => {
    for (let h = 0; h < 2000; h++) {
      for (const person of householdPeople(9, h)) {
        const draws = drawJourney(9, { ...person, intent: 0.05 }, arrival, windowEnd);
        for (let i = 1; i < draws.sessions.length; i++) {
          const gap = (draws.sessions[i]?.t ?? 0) - (draws.sessions[i - 1]?.t ?? 0);
          assert.ok(gap >= 3 * 3_600_000, `gap ${gap}`);
        }
        for (const s of draws.sessions) assert.ok(s.t >= arrival && s.t < windowEnd);
      }
    }
  });
});
