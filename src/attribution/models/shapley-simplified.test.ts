import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { encodePaths } from '../encoded-paths.js';
import { parsePathSummary } from '../path-summary-file.js';
import { attributePaths } from '../path-summary.js';
import { shapleySimplified, simplifiedShapleyFractions } from './shapley-simplified.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/fractribution/${name}`, import.meta.url), 'utf8');

describe('simplified Shapley (Fractribution)', () => {
  it('reproduces the Fractribution expected channel attribution (abs 1e-6)', () => {
    const rows = parsePathSummary(fixture('snowplow_fractribution_path_summary_expected.csv'));
    const result = attributePaths(rows, { models: ['shapley_simplified', 'last_touch'] });
    const expected = fixture('snowplow_fractribution_channel_attribution_expected.csv')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    assert.equal(expected.length, 12);
    for (const [, , channel, conversions, revenue, type] of expected) {
      const model = type === 'shapley' ? 'shapley_simplified' : 'last_touch';
      const row = result.models[model]!.find((r) => r.channel === channel);
      assert.ok(row, `${model}: no row for ${channel}`);
      assert.ok(
        Math.abs(row.conversions - Number(conversions)) < 1e-6,
        `${model} ${channel} conversions ${row.conversions} vs ${conversions}`,
      );
      assert.ok(
        Math.abs(row.value - Number(revenue)) < 1e-6,
        `${model} ${channel} revenue ${row.value} vs ${revenue}`,
      );
    }
  });

  it('reproduces the per-path fractions of the Fractribution vectors (0.459 / 0.541)', () => {
    const rows = parsePathSummary(fixture('snowplow_fractribution_path_summary_expected.csv'));
    // Only the two-step converting path carries value, so the value credit is that path's fractions.
    const probe = rows.map((r) => ({
      ...r,
      value: r.path.join('>') === 'Organic_Search>Direct' ? 1 : 0,
    }));
    const paths = encodePaths(probe);
    const r = shapleySimplified(paths);
    const at = (c: string): number => r.value[paths.channels.indexOf(c)]!;
    assert.ok(Math.abs(at('Organic_Search') - 0.459) < 0.0005);
    assert.ok(Math.abs(at('Direct') - 0.541) < 0.0005);
  });

  it('matches the slide example: 0.459 / 0.174 / 0.367 for Direct > Generic > Brand', () => {
    const rows = [
      { path: ['Direct', 'Generic'], conversions: 19, nulls: 549, value: 0 },
      { path: ['Direct', 'Brand'], conversions: 17, nulls: 250, value: 0 },
      { path: ['Generic', 'Brand'], conversions: 7, nulls: 357, value: 0 },
      { path: ['Direct', 'Generic', 'Brand'], conversions: 1, nulls: 10, value: 1 },
    ];
    const paths = encodePaths(rows);
    const r = shapleySimplified(paths);
    const at = (c: string): number => r.value[paths.channels.indexOf(c)]!;
    assert.ok(Math.abs(at('Direct') - 0.459) <= 0.001, `Direct ${at('Direct')}`);
    assert.ok(Math.abs(at('Generic') - 0.174) <= 0.001, `Generic ${at('Generic')}`);
    assert.ok(Math.abs(at('Brand') - 0.367) <= 0.001, `Brand ${at('Brand')}`);
  });

  it('gives the last touch everything when no position adds probability, and a lone touch everything', () => {
    const rows = [
      { path: ['A', 'B'], conversions: 1, nulls: 9, value: 10 },
      { path: ['A'], conversions: 5, nulls: 5, value: 0 },
      { path: ['B'], conversions: 5, nulls: 5, value: 0 },
    ];
    const paths = encodePaths(rows);
    const r = shapleySimplified(paths);
    const B = paths.channels.indexOf('B');
    assert.equal(r.value[B], 10);
    assert.equal(r.conversions[B], 6);
    assert.equal(r.conversions[paths.channels.indexOf('A')], 5);
  });

  it('exposes the per-position fractions: each computed path sums to 1, skipped paths stay 0', () => {
    const rows = [
      { path: ['Direct', 'Generic'], conversions: 19, nulls: 549, value: 0 },
      { path: ['Direct', 'Brand'], conversions: 17, nulls: 250, value: 0 },
      { path: ['Generic', 'Brand'], conversions: 7, nulls: 357, value: 0 },
      { path: ['Direct', 'Generic', 'Brand'], conversions: 1, nulls: 10, value: 1 },
      { path: ['Brand', 'Direct'], conversions: 0, nulls: 4, value: 0 },
    ];
    const paths = encodePaths(rows);
    const f = simplifiedShapleyFractions(paths);
    const of = (p: number): number[] =>
      Array.from(f.subarray(paths.offsets[p]!, paths.offsets[p + 1]!));
    [0.459, 0.174, 0.367].forEach((x, i) =>
      assert.ok(Math.abs(of(3)[i]! - x) <= 0.001, `position ${i}: ${of(3)[i]}`),
    );
    for (let p = 0; p < 4; p++)
      assert.ok(Math.abs(of(p).reduce((s, x) => s + x, 0) - 1) < 1e-12, `path ${p}`);
    assert.deepEqual(of(4), [0, 0], 'a path with no conversions is skipped by default');
    const only = simplifiedShapleyFractions(paths, (p) => p === 4);
    assert.deepEqual(
      of(0).map((_, i) => only[paths.offsets[0]! + i]),
      [0, 0],
    );
    assert.equal(
      only[paths.offsets[4]! + 1],
      1,
      'Brand > Direct never converts: the last touch gets 1',
    );
  });
});
