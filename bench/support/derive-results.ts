// The derive bench's figures from its workers' outputs: a world's rebuild phases and reports, the live
// latencies, the cost matching, per engine, and ClickHouse against DuckDB. DuckDB's figures keep the names they had before
// ClickHouse was measured beside them; ClickHouse's say "on ClickHouse".
import type { BenchResult } from '../types.js';
import { percentile, type LiveTimings } from './derive-live.js';
import type { ImportOutput, RebuildOutput } from './derive-worker.js';
import { times, type BenchEngine } from './engines.js';

export interface World {
  engine: BenchEngine;
  label: string;
  visitors: number;
  days: number;
  imported: ImportOutput;
  rebuilt: RebuildOutput;
}

/** 979,311 -> "~1M", 97,402 -> "~100k": one significant figure, for names that stay put between runs. */
export function approx(n: number): string {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(1, n)));
  const v = Math.round(n / magnitude) * magnitude;
  return v >= 1e6 ? `~${v / 1e6}M` : v >= 1e3 ? `~${v / 1e3}k` : `~${v}`;
}

const PHASES = [
  ['user agents', 'userAgentsSeconds'],
  ['sessions', 'sessionsSeconds'],
  ['identity', 'identitySeconds'],
  ['report tables (first touch, report sessions)', 'reportTablesSeconds'],
  ['milestones', 'milestonesSeconds'],
  ['attribution credits', 'creditsSeconds'],
] as const;

export const totalSeconds = (r: RebuildOutput): number =>
  PHASES.reduce((sum, [, key]) => sum + r[key], 0);
export const round = (v: number, digits = 3): number => Number(v.toFixed(digits));

const ENGINE_NAME: Record<BenchEngine, string> = { duckdb: 'DuckDB', clickhouse: 'ClickHouse' };
/** `rebuild ~1M` for DuckDB (as before), `rebuild ~1M on ClickHouse`. */
const named = (what: string, w: World): string =>
  `${what} ${w.label}${w.engine === 'duckdb' ? '' : ` on ${ENGINE_NAME[w.engine]}`}`;
/** "; 1.37x DuckDB's" when ClickHouse's figure has DuckDB's beside it. */
const against = (value: number, duck: number | undefined): string =>
  duck === undefined ? '' : `; ${times(value / duck)} DuckDB's`;

/** A world's rebuild, phase by phase; `duck` is DuckDB's world of the same size, for ClickHouse's notes. */
export function rebuildResults(w: World, duck?: World): BenchResult[] {
  const r = w.rebuilt;
  const d = duck?.rebuilt;
  const total = totalSeconds(r);
  const n = named('rebuild', w);
  const phase = (i: number, note?: string): BenchResult => {
    const [label, key] = PHASES[i]!;
    const text = [note, d ? `${times(r[key] / d[key])} DuckDB's` : undefined]
      .filter((x) => x !== undefined)
      .join('; ');
    return {
      name: `${n}: ${label}`,
      value: round(r[key]),
      unit: 's',
      ...(text ? { note: text } : {}),
    };
  };
  const sim = w.imported.simulated;
  // the world is simulated once, in a process of its own, and each engine imports its file
  const simNote = sim
    ? `; simulated in ${sim.seconds.toFixed(1)} s, ${(sim.bytes / 2 ** 20).toFixed(0)} MiB of NDJSON (peak RSS of the simulate process ${sim.peakRssMiB.toFixed(0)} MiB)`
    : '';
  return [
    {
      name: `${n}: events`,
      value: r.events,
      unit: 'events',
      note: `simulator seed 1, ${w.days} days x ${w.visitors} visitors/day; ${r.anonymousIds} anonymous ids; bulk import ${w.imported.seconds.toFixed(1)} s (peak RSS of the import process ${w.imported.peakRssMiB.toFixed(0)} MiB)${simNote}`,
    },
    {
      name: `${n}: ${ENGINE_NAME[w.engine]} scan count + count distinct anonymous_id (baseline)`,
      value: round(r.baselineSeconds),
      unit: 's',
      note:
        w.engine === 'duckdb'
          ? 'median of 3, bare DuckDB instance on the same file'
          : `median of 3, on the chdb session the store then joins${against(r.baselineSeconds, d?.baselineSeconds)}`,
    },
    phase(0),
    phase(1, `${r.sessions} sessions`),
    phase(2, `${r.persons} persons`),
    phase(3),
    phase(4, `${r.leads} leads`),
    phase(5, `${r.credits} credit rows, 13 models`),
    {
      name: `${n}: total`,
      value: round(total),
      unit: 's',
      ...(r.events >= 5_000_000 ? { target: '<= 60' } : {}),
      note: `peak RSS ${r.peakRssMiB.toFixed(0)} MiB (rebuild process)`,
    },
    { name: `${n}: throughput`, value: r.events / total, unit: 'events/s' },
    {
      name: `${n}: total / baseline scan`,
      value: round(total / r.baselineSeconds, 1),
      unit: 'ratio',
    },
  ];
}

/** What differs between two engines' derived counts of the same world ('' when nothing). */
function countDifferences(ch: RebuildOutput, duck: RebuildOutput): string {
  const keys = ['events', 'anonymousIds', 'sessions', 'persons', 'leads', 'credits'] as const;
  return keys
    .filter((k) => ch[k] !== duck[k])
    .map((k) => `${k} ${ch[k]} vs ${duck[k]}`)
    .join(', ');
}

/** ClickHouse's rebuild against DuckDB's on the same world: the total (target <= 2) and peak RSS. */
export function rebuildComparison(ch: World, duck: World): BenchResult[] {
  const c = ch.rebuilt;
  const d = duck.rebuilt;
  const n = `rebuild ${duck.label}`;
  const differ = countDifferences(c, d);
  return [
    {
      name: `${n}: total, ClickHouse / DuckDB`,
      value: round(totalSeconds(c) / totalSeconds(d), 2),
      unit: 'ratio',
      target: '<= 2',
      note: `${PHASES.map(([label, key]) => `${label} ${times(c[key] / d[key])}`).join(', ')}; ${differ === '' ? 'the same sessions, persons, leads and credits' : `DIFFERENT counts: ${differ}`}`,
    },
    {
      name: `${n}: peak RSS of the rebuild process, ClickHouse / DuckDB`,
      value: round(c.peakRssMiB / d.peakRssMiB, 2),
      unit: 'ratio',
      note: `${c.peakRssMiB.toFixed(0)} MiB vs ${d.peakRssMiB.toFixed(0)} MiB (chdb's engine inside the process)`,
    },
  ];
}

/** The reports over the world's stored credits; with `duck`, ClickHouse's against DuckDB's (target <= 2). */
export function reportResults(w: World, duck?: World): BenchResult[] {
  const r = w.rebuilt.reports;
  const n = named('report', w);
  const out: BenchResult[] = [
    {
      name: `${n}: attribution by channel (linear model, stored credits)`,
      value: round(r.attributionSeconds * 1000, 1),
      unit: 'ms',
      note: `median of 5, ${r.attributionRows} rows; what GET /api/reports/attribution runs`,
    },
    {
      name: `${n}: model comparison by channel and campaign (every stored model)`,
      value: round(r.comparisonSeconds * 1000, 1),
      unit: 'ms',
      note: `median of 5, ${r.comparisonRows} rows over all models; GET /api/reports/model-comparison`,
    },
  ];
  if (duck) {
    const d = duck.rebuilt.reports;
    const same = (a: number, b: number) => (a === b ? 'same rows' : `DIFFERENT rows: ${a} vs ${b}`);
    out.push(
      {
        name: `report ${w.label}: attribution by channel, ClickHouse / DuckDB`,
        value: round(r.attributionSeconds / d.attributionSeconds, 2),
        unit: 'ratio',
        target: '<= 2',
        note: same(r.attributionRows, d.attributionRows),
      },
      {
        name: `report ${w.label}: model comparison, ClickHouse / DuckDB`,
        value: round(r.comparisonSeconds / d.comparisonSeconds, 2),
        unit: 'ratio',
        target: '<= 2',
        note: same(r.comparisonRows, d.comparisonRows),
      },
    );
  }
  return out;
}

/**
 * The cost matching over the world's period (when measured): the costs report by platform and campaign
 * and tagging-health, beside the bare count of the period's paid sessions; with `duck`, ClickHouse's
 * costs report against DuckDB's.
 */
export function costResults(w: World, duck?: World): BenchResult[] {
  const c = w.rebuilt.costs;
  if (c === undefined) return [];
  const n = named('costs', w);
  const ads = w.imported.adCosts;
  const out: BenchResult[] = [
    {
      name: `${n}: bare count of the period's paid sessions (baseline)`,
      value: round(c.paidScanSeconds * 1000, 1),
      unit: 'ms',
      note: `median of 3, ${c.paidSessions} paid sessions ${c.from}..${c.to}, ${w.engine === 'duckdb' ? 'bare DuckDB instance on the same file' : 'on the chdb session the store joins'}`,
    },
    {
      name: `${n}: costs report by platform and campaign (the whole period)`,
      value: round(c.costsSeconds * 1000, 1),
      unit: 'ms',
      note: `median of 5, ${c.costsRows} rows, ${c.matchedSessions} sessions matched to spend; over ${ads.rows} cost rows imported from the 4 platforms' CSV exports (closedloop import ads's code) in ${ads.seconds.toFixed(2)} s`,
    },
    {
      name: `${n}: costs report / paid-session scan`,
      value: round(c.costsSeconds / c.paidScanSeconds, 1),
      unit: 'ratio',
    },
    {
      name: `${n}: tagging-health (the whole period)`,
      value: round(c.taggingSeconds * 1000, 1),
      unit: 'ms',
      note: `median of 5, ${c.findings} findings`,
    },
  ];
  const d = duck?.rebuilt.costs;
  if (d)
    out.push({
      name: `costs ${w.label}: costs report, ClickHouse / DuckDB`,
      value: round(c.costsSeconds / d.costsSeconds, 2),
      unit: 'ratio',
      target: '<= 2',
      note:
        c.costsRows === d.costsRows && c.matchedSessions === d.matchedSessions
          ? 'same rows and matched sessions'
          : `DIFFERENT: ${c.costsRows} vs ${d.costsRows} rows, ${c.matchedSessions} vs ${d.matchedSessions} matched sessions`,
    });
  return out;
}

/** The rebuild of 10M events extrapolated linearly from the ~1M world (when the ~10M one is skipped). */
export function extrapolation(small: World, large: World, targetEvents: number): BenchResult {
  const perEvent = (w: World) => totalSeconds(w.rebuilt) / w.rebuilt.events;
  const on = large.engine === 'duckdb' ? '' : ` on ${ENGINE_NAME[large.engine]}`;
  return {
    name: `rebuild 10M events${on} (linear extrapolation from ${large.label})`,
    value: round(perEvent(large) * targetEvents, 1),
    unit: 's',
    target: '<= 60',
    note: `extrapolation, not a measurement (BENCH_DERIVE_HUGE_VISITORS=0 skipped the ~10M world); cost per event at ${large.label} / ${small.label} = ${(perEvent(large) / perEvent(small)).toFixed(2)}`,
  };
}

export function liveResults(w: World, t: LiveTimings): BenchResult[] {
  const { latencyMs } = t;
  const healthzP50 = percentile(t.healthzMs, 50);
  const what = `${named('live', w)}: page + identify until person and session are readable`;
  const journey = `${named('live', w)}: GET /api/people/:id/journey of existing persons`;
  return [
    {
      name: `${what}, p50`,
      value: round(percentile(latencyMs, 50), 1),
      unit: 'ms',
      target: '<= 2000',
      note: `${latencyMs.length} repeats over ${w.rebuilt.events} stored events, polled every 10 ms; ${(percentile(latencyMs, 50) / healthzP50).toFixed(0)}x GET /healthz p50 (${healthzP50.toFixed(2)} ms)`,
    },
    {
      name: `${what}, p95`,
      value: round(percentile(latencyMs, 95), 1),
      unit: 'ms',
      target: '<= 2000',
      note: `max ${Math.max(...latencyMs).toFixed(1)} ms`,
    },
    {
      name: `${journey}, p50`,
      value: round(percentile(t.journeyMs, 50), 1),
      unit: 'ms',
      note: `${t.journeyMs.length} persons with an email, spread over the latest identifies; timeline items p50 ${percentile(t.journeyItems, 50)}, max ${Math.max(...t.journeyItems)}`,
    },
    {
      name: `${journey}, p95`,
      value: round(percentile(t.journeyMs, 95), 1),
      unit: 'ms',
      note: `max ${Math.max(...t.journeyMs).toFixed(1)} ms`,
    },
  ];
}

/** ClickHouse's live latencies against DuckDB's on the same world (p50s; target <= 2). */
export function liveComparison(label: string, ch: LiveTimings, duck: LiveTimings): BenchResult[] {
  const p = (v: readonly number[], q: number) => percentile(v, q);
  return [
    {
      name: `live ${label}: page + identify until readable, p50 ClickHouse / DuckDB`,
      value: round(p(ch.latencyMs, 50) / p(duck.latencyMs, 50), 2),
      unit: 'ratio',
      target: '<= 2',
      note: `p95 ${times(p(ch.latencyMs, 95) / p(duck.latencyMs, 95))}`,
    },
    {
      name: `live ${label}: journey of existing persons, p50 ClickHouse / DuckDB`,
      value: round(p(ch.journeyMs, 50) / p(duck.journeyMs, 50), 2),
      unit: 'ratio',
      target: '<= 2',
      note: `p95 ${times(p(ch.journeyMs, 95) / p(duck.journeyMs, 95))}`,
    },
  ];
}
