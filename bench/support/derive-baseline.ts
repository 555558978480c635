// The derive bench's baselines, each the engine's own, on the tables the store wrote: what any per-visitor
// pass must at least do (read every event's anonymous id once), and the attribution reports over stored
// credits as the API serves them; the cost matching (the costs and tagging-health reports over the world's
// period) beside what any match must at least do (count the paid sessions of the period).
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { attributionReport, compareModels } from '../../src/derive/attribution-report.js';
import { PAID_CHANNELS } from '../../src/derive/channels/paid-platforms.js';
import { costs } from '../../src/reports/costs.js';
import { taggingHealth } from '../../src/reports/tagging-health.js';
import { openChdbConnection } from '../../src/store/engines/clickhouse/chdb-connection.js';
import { DB_FILE, openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { parseStoreUrl, type StoreLocation } from '../../src/store/store-url.js';
import { benchMemoryLimit } from './engines.js';

const BASELINE_RUNS = 3;
const REPORT_RUNS = 5;

export interface ScanBaseline {
  /** Median of BASELINE_RUNS runs. */
  seconds: number;
  events: number;
  anonymousIds: number;
}

export interface ReportTimings {
  /** GET /api/reports/attribution's work: the linear model's stored credits by channel; median seconds. */
  attributionSeconds: number;
  /** GET /api/reports/model-comparison's: every stored model by channel and campaign; median seconds. */
  comparisonSeconds: number;
  /** Rows of each (to see both engines answered the same). */
  attributionRows: number;
  comparisonRows: number;
}

export interface CostTimings {
  from: string;
  to: string;
  /** Bare count of the paid sessions of the period, the engine's own; median seconds of 3. */
  paidScanSeconds: number;
  paidSessions: number;
  /** `closedloop report costs` by platform and campaign over the period; median seconds of 5. */
  costsSeconds: number;
  costsRows: number;
  /** Sessions the costs report matched to a campaign with spend (by id or name). */
  matchedSessions: number;
  /** `closedloop report tagging-health` over the period; median seconds of 5. */
  taggingSeconds: number;
  findings: number;
}

const seconds = (from: number): number => (performance.now() - from) / 1000;

/** The median seconds of `runs` calls, and the last call's answer. */
async function median<T>(runs: number, fn: () => Promise<T>): Promise<[number, T]> {
  const times: number[] = [];
  let out: T | undefined;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = await fn();
    times.push(seconds(t));
  }
  times.sort((a, b) => a - b);
  return [times[Math.floor(times.length / 2)]!, out as T];
}

/**
 * Count and count distinct anonymous_id of a workspace's events: in a bare DuckDB instance on the store's
 * file (closed before the store opens it: one instance per file), or on the chdb session the store will
 * join (chdb holds one data directory per process).
 */
export async function baselineScan(
  dir: string,
  location: StoreLocation,
  workspaceId: string,
): Promise<ScanBaseline> {
  let scan: () => Promise<{ n: unknown; a: unknown }>;
  let close: () => Promise<void>;
  if (location.engine === 'chdb') {
    const conn = await openChdbConnection(location.path);
    const sql = `SELECT count() AS n, count(DISTINCT anonymous_id) AS a FROM ${location.database}.events WHERE workspace_id = {ws:String}`;
    scan = async () => (await conn.query<{ n: unknown; a: unknown }>(sql, { ws: workspaceId }))[0]!;
    close = () => conn.close();
  } else if (location.engine === 'duckdb') {
    const db = await DuckDBInstance.create(join(dir, DB_FILE));
    const c = await db.connect();
    const sql =
      'SELECT count(*) AS n, count(DISTINCT anonymous_id) AS a FROM events WHERE workspace_id = $ws';
    scan = async () =>
      ((await c.runAndReadAll(sql, { ws: workspaceId })).getRowObjectsJson()[0] ?? {}) as {
        n: unknown;
        a: unknown;
      };
    close = async () => {
      c.closeSync();
      db.closeSync();
    };
  } else {
    throw new Error('the derive bench measures DuckDB and chdb only');
  }
  try {
    const [s, row] = await median(BASELINE_RUNS, scan);
    return { seconds: s, events: Number(row.n), anonymousIds: Number(row.a) };
  } finally {
    await close();
  }
}

/** The attribution report and the model comparison over the stored credits, as the API runs them. */
export async function reportTimings(store: Store, workspaceId: string): Promise<ReportTimings> {
  const [attributionSeconds, attribution] = await median(REPORT_RUNS, () =>
    attributionReport(store, workspaceId, { model: 'linear', groupBy: ['channel'] }),
  );
  const [comparisonSeconds, comparison] = await median(REPORT_RUNS, () =>
    compareModels(store, workspaceId, ['channel', 'campaign']),
  );
  return {
    attributionSeconds,
    comparisonSeconds,
    attributionRows: attribution.rows.length,
    comparisonRows: Object.values(comparison.models).reduce((n, rows) => n + rows.length, 0),
  };
}

/**
 * A bare count of a workspace's paid sessions in the period (a paid channel or a campaign id, as the
 * match reads them), on a bare DuckDB instance on the store's file or the chdb session the store joins.
 */
async function paidSessionScan(
  dir: string,
  location: StoreLocation,
  workspaceId: string,
  period: { from: string; to: string },
): Promise<{ seconds: number; sessions: number }> {
  const from = `${period.from}T00:00:00.000Z`;
  const to = new Date(Date.parse(`${period.to}T00:00:00.000Z`) + 86_400_000).toISOString();
  const channels = PAID_CHANNELS.map((c) => `'${c.replace(/'/g, "''")}'`).join(', ');
  let scan: () => Promise<unknown>;
  let close: () => Promise<void>;
  if (location.engine === 'chdb') {
    const conn = await openChdbConnection(location.path);
    const sql = `SELECT count() AS n FROM ${location.database}.sessions WHERE workspace_id = {ws:String}
      AND started_at >= parseDateTime64BestEffort({from:String}, 3, 'UTC')
      AND started_at < parseDateTime64BestEffort({to:String}, 3, 'UTC')
      AND (channel IN (${channels}) OR campaign_id IS NOT NULL)`;
    scan = async () => (await conn.query<{ n: unknown }>(sql, { ws: workspaceId, from, to }))[0]?.n;
    close = () => conn.close();
  } else if (location.engine === 'duckdb') {
    const db = await DuckDBInstance.create(join(dir, DB_FILE));
    const c = await db.connect();
    const sql = `SELECT count(*) AS n FROM sessions WHERE workspace_id = $ws
      AND started_at >= $from::TIMESTAMPTZ AND started_at < $to::TIMESTAMPTZ
      AND (channel IN (${channels}) OR campaign_id IS NOT NULL)`;
    scan = async () =>
      (await c.runAndReadAll(sql, { ws: workspaceId, from, to })).getRowObjectsJson()[0]?.n;
    close = async () => {
      c.closeSync();
      db.closeSync();
    };
  } else {
    throw new Error('the derive bench measures DuckDB and chdb only');
  }
  try {
    const [s, n] = await median(BASELINE_RUNS, scan);
    return { seconds: s, sessions: Number(n) };
  } finally {
    await close();
  }
}

/**
 * The cost matching over the world's period, as `closedloop report costs` / `tagging-health` run it on
 * the store, after the bare count of the period's paid sessions (the store closed meanwhile: DuckDB holds
 * one instance per file).
 */
export async function costTimings(
  dir: string,
  storeUrl: string | undefined,
  workspaceId: string,
  period: { from: string; to: string },
): Promise<CostTimings> {
  const scan = await paidSessionScan(dir, parseStoreUrl(storeUrl), workspaceId, period);
  const store = await openStore(dir, { store: storeUrl, memoryLimit: benchMemoryLimit() });
  try {
    const ctx = { store, workspaceId };
    const costParams = costs.params.parse({ ...period, groupBy: 'platform,campaign' });
    const [costsSeconds, report] = await median(REPORT_RUNS, () => costs.run(ctx, costParams));
    const tagParams = taggingHealth.params.parse(period);
    const [taggingSeconds, health] = await median(REPORT_RUNS, () =>
      taggingHealth.run(ctx, tagParams),
    );
    return {
      ...period,
      paidScanSeconds: scan.seconds,
      paidSessions: scan.sessions,
      costsSeconds,
      costsRows: report.rows.length,
      // by every rule (click id, campaign id, ad group id, campaign name, mapping rule)
      matchedSessions: report.rows.reduce(
        (n, r) => n + Object.values(r.matchedBy).reduce((a, b) => a + b, 0),
        0,
      ),
      taggingSeconds,
      findings: health.findings.length,
    };
  } finally {
    await store.close();
  }
}
