import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  costResults,
  rebuildComparison,
  rebuildResults,
  reportResults,
  type World,
} from './derive-results.js';
import type { RebuildOutput } from './derive-worker.js';

function world(engine: World['engine'], seconds: number, over: Partial<RebuildOutput> = {}): World {
  const rebuilt: RebuildOutput = {
    events: 979_311,
    anonymousIds: 133_352,
    baselineSeconds: 0.02,
    userAgentsSeconds: seconds,
    sessionsSeconds: seconds,
    identitySeconds: seconds,
    reportTablesSeconds: seconds,
    milestonesSeconds: seconds,
    creditsSeconds: seconds,
    credits: 200,
    sessions: 300,
    persons: 100,
    leads: 10,
    peakRssMiB: 1000,
    reports: {
      attributionSeconds: 0.01,
      comparisonSeconds: 0.1,
      attributionRows: 8,
      comparisonRows: 90,
    },
    costs: {
      from: '2026-08-09',
      to: '2026-10-31',
      paidScanSeconds: 0.002,
      paidSessions: 5000,
      costsSeconds: 0.05,
      costsRows: 40,
      matchedSessions: 4500,
      taggingSeconds: 0.2,
      findings: 6,
    },
    ...over,
  };
  const imported = {
    events: 979_311,
    seconds: 9,
    workspaceId: 'w',
    writeKey: 'k',
    secretKey: 's',
    peakRssMiB: 2000,
    adCosts: { rows: 4000, seconds: 0.5, from: '2026-08-09', to: '2026-10-31' },
  };
  return { engine, label: '~1M', visitors: 3000, days: 84, imported, rebuilt };
}

test("DuckDB's rebuild figures keep the names they had before ClickHouse was measured", () => {
  assert.deepEqual(
    rebuildResults(world('duckdb', 1)).map((r) => r.name),
    [
      'rebuild ~1M: events',
      'rebuild ~1M: DuckDB scan count + count distinct anonymous_id (baseline)',
      'rebuild ~1M: user agents',
      'rebuild ~1M: sessions',
      'rebuild ~1M: identity',
      'rebuild ~1M: report tables (first touch, report sessions)',
      'rebuild ~1M: milestones',
      'rebuild ~1M: attribution credits',
      'rebuild ~1M: total',
      'rebuild ~1M: throughput',
      'rebuild ~1M: total / baseline scan',
    ],
  );
});

test("ClickHouse's figures say so, and every name of a world is unique", () => {
  const duck = world('duckdb', 1);
  const ch = world('clickhouse', 2);
  const all = [
    ...rebuildResults(duck),
    ...rebuildResults(ch, duck),
    ...rebuildComparison(ch, duck),
    ...reportResults(duck),
    ...reportResults(ch, duck),
    ...costResults(duck),
    ...costResults(ch, duck),
  ].map((r) => r.name);
  assert.equal(new Set(all).size, all.length);
  assert.ok(
    rebuildResults(ch, duck).every((r) => r.name.startsWith('rebuild ~1M on ClickHouse: ')),
  );
  assert.ok(
    rebuildResults(ch, duck)
      .find((r) => r.name.endsWith(': sessions'))
      ?.note?.includes('2.00x DuckDB'),
  );
});

test('ClickHouse / DuckDB: the total against its target, and counts that differ are named', () => {
  const duck = world('duckdb', 1);
  const [same] = rebuildComparison(world('clickhouse', 2.5), duck);
  assert.equal(same?.value, 2.5);
  assert.equal(same?.target, '<= 2');
  assert.match(same?.note ?? '', /the same sessions, persons, leads and credits/);
  const [differ] = rebuildComparison(world('clickhouse', 1, { persons: 99 }), duck);
  assert.match(differ?.note ?? '', /DIFFERENT counts: persons 99 vs 100/);
  const reports = reportResults(
    world('clickhouse', 1, {
      reports: {
        attributionSeconds: 0.03,
        comparisonSeconds: 0.1,
        attributionRows: 7,
        comparisonRows: 90,
      },
    }),
    duck,
  );
  const attribution = reports.find(
    (r) => r.name === 'report ~1M: attribution by channel, ClickHouse / DuckDB',
  );
  assert.equal(attribution?.value, 3);
  assert.match(attribution?.note ?? '', /DIFFERENT rows: 7 vs 8/);
});

test('the cost matching beside its paid-session scan, and ClickHouse against DuckDB', () => {
  const duck = world('duckdb', 1);
  const mine = costResults(duck);
  assert.deepEqual(
    mine.map((r) => [r.name, r.value]),
    [
      ["costs ~1M: bare count of the period's paid sessions (baseline)", 2],
      ['costs ~1M: costs report by platform and campaign (the whole period)', 50],
      ['costs ~1M: costs report / paid-session scan', 25],
      ['costs ~1M: tagging-health (the whole period)', 200],
    ],
  );
  const ch = costResults(
    world('clickhouse', 1, { costs: { ...duck.rebuilt.costs!, costsSeconds: 0.1, costsRows: 39 } }),
    duck,
  );
  assert.ok(ch.slice(0, 4).every((r) => r.name.startsWith('costs ~1M on ClickHouse: ')));
  const ratio = ch.find((r) => r.name === 'costs ~1M: costs report, ClickHouse / DuckDB');
  assert.equal(ratio?.value, 2);
  assert.match(ratio?.note ?? '', /DIFFERENT: 39 vs 40 rows/);
  // a world measured without a period has no cost figures
  assert.deepEqual(costResults(world('duckdb', 1, { costs: undefined })), []);
});
