// One step of the reports bench in a fresh process (its peak memory its own; on ClickHouse, chdb's one
// data directory per process is this step's). Prints one JSON line. `--store URL` names the data engine
// as CLOSEDLOOP_STORE does (DuckDB when absent; the bench uses chdb:///path).
//   seed <dataDir> <days> <visitorsPerDay>: a Demo-like workspace through the paths users take
//     (src/cli/demo.ts: events, the CRM CSV, each ad platform's CSV, then a rebuild), ending today.
//   serve <dataDir> <workspaceId> <writeKey> <secretKey> <repeats>: the engine's own bare scan of the events first
//     (derive-baseline.ts), then a real server on the store: GET /healthz, then every report of the
//     registry over HTTP as the dashboard asks for it (the last 90 days), `repeats` times each, and the
//     ingest-to-report freshness: a page view's ack until the realtime or overview report counts it.
import pino from 'pino';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { seedDemoWorkspace } from '../../src/cli/demo.js';
import { loadConfig } from '../../src/config/config.js';
import { REPORTS } from '../../src/reports/index.js';
import { buildApp } from '../../src/server/app.js';
import { openStore } from '../../src/store/open.js';
import { parseStoreUrl } from '../../src/store/store-url.js';
import { baselineScan } from './derive-baseline.js';

export interface SeedOutput {
  events: number;
  workspaceId: string;
  writeKey: string;
  secretKey: string;
  crmChanges: number;
  costRows: number;
  seconds: number;
  peakRssMiB: number;
}

export interface ReportLatency {
  name: string;
  /** The query string the dashboard's default view sends. */
  query: string;
  status: number;
  ms: number[];
}

export interface ServeOutput {
  baselineSeconds: number;
  events: number;
  healthzMs: number[];
  reports: ReportLatency[];
  /** Milliseconds from a page view's ack until a report counted it; null when no report can say. */
  freshnessMs: number[] | null;
  freshnessReport: string | null;
  peakRssMiB: number;
}

const seconds = (from: number): number => (performance.now() - from) / 1000;
const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;
const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const HEALTHZ_ROUNDS = 50;
const FRESHNESS_ROUNDS = 5;
const POLL_MS = 25;
const GIVE_UP_MS = 30_000;

async function seed(dir: string, days: number, visitors: number, storeUrl: string | undefined) {
  const store = await openStore(dir, { store: storeUrl });
  try {
    const t = performance.now();
    const s = await seedDemoWorkspace(store, { days, visitorsPerDay: visitors });
    const out: SeedOutput = {
      events: s.events,
      workspaceId: s.workspace.id,
      writeKey: s.workspace.writeKey,
      secretKey: s.secretKey,
      crmChanges: s.crm.changes,
      costRows: s.costs.rows,
      seconds: seconds(t),
      peakRssMiB: peakRssMiB(),
    };
    return out;
  } finally {
    await store.close();
  }
}

/** The query a report's default dashboard view sends: the last 90 days where it takes a range of days. */
function dashboardQuery(shape: Record<string, unknown>, now: number): string {
  const q = new URLSearchParams();
  if ('from' in shape && 'to' in shape) {
    q.set('from', dayOf(now - 89 * DAY));
    q.set('to', dayOf(now));
  }
  return q.toString();
}

/** A number the report says about the visitors or events now, to see a new page view arrive. */
const FRESHNESS_READERS: ReadonlyArray<[string, (body: unknown) => number | undefined]> = [
  ['realtime', (b) => numberAt(b, ['events']) ?? numberAt(b, ['totals', 'events'])],
  ['overview', (b) => numberAt(b, ['totals', 'sessions']) ?? numberAt(b, ['sessions'])],
];

function numberAt(body: unknown, path: readonly string[]): number | undefined {
  let v: unknown = body;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && typeof (v as { value?: unknown }).value === 'number')
    return (v as { value: number }).value;
  return undefined;
}

async function serve(
  dir: string,
  workspaceId: string,
  writeKey: string,
  secretKey: string,
  repeats: number,
  storeUrl: string | undefined,
): Promise<ServeOutput> {
  // the engine's own reader on the file before the server holds it (one DuckDB instance per file)
  const base = await baselineScan(dir, parseStoreUrl(storeUrl), workspaceId);
  const store = await openStore(dir, { store: storeUrl });
  const config = loadConfig({
    env: {},
    cwd: dir,
    overrides: { dataDir: dir, ingestRateLimit: 0, logLevel: 'silent' },
  });
  const app = await buildApp({ store, config, logger: pino({ level: 'silent' }) });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const get = async (path: string): Promise<{ status: number; body: unknown; ms: number }> => {
      const t = performance.now();
      const r = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${secretKey}` } });
      const body: unknown = await r.json();
      return { status: r.status, body, ms: performance.now() - t };
    };
    const healthzMs: number[] = [];
    for (let i = 0; i < HEALTHZ_ROUNDS; i++) healthzMs.push((await get('/healthz')).ms);

    const now = Date.now();
    const reports: ReportLatency[] = [];
    for (const report of REPORTS) {
      let query = dashboardQuery(report.params.shape, now);
      let first = await get(`/api/reports/${report.name}${query ? `?${query}` : ''}`);
      // a range of another shape (months): the report's own default view
      if (first.status === 400 && query) {
        query = '';
        first = await get(`/api/reports/${report.name}`);
      }
      const path = `/api/reports/${report.name}${query ? `?${query}` : ''}`;
      // the first read warmed the engine's caches; not counted
      const ms: number[] = [];
      if (first.status === 200) for (let i = 0; i < repeats; i++) ms.push((await get(path)).ms);
      reports.push({ name: report.name, query, status: first.status, ms });
    }

    // freshness: a page view of a new visitor, now, until a report that reads the present counts it
    let freshnessMs: number[] | null = null;
    let freshnessReport: string | null = null;
    for (const [name, read] of FRESHNESS_READERS) {
      if (!REPORTS.some((r) => r.name === name)) continue;
      const report = REPORTS.find((r) => r.name === name)!;
      const query = dashboardQuery(report.params.shape, Date.now() + DAY);
      const path = `/api/reports/${name}${query ? `?${query}` : ''}`;
      const before = await get(path);
      if (before.status !== 200 || read(before.body) === undefined) continue;
      freshnessReport = name;
      freshnessMs = [];
      for (let i = 0; i < FRESHNESS_ROUNDS; i++) {
        const was = read((await get(path)).body)!;
        const r = await fetch(`${url}/v1/batch`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
          },
          body: JSON.stringify({
            batch: [
              {
                type: 'page',
                anonymousId: `fresh-${randomUUID()}`,
                messageId: randomUUID(),
                timestamp: new Date().toISOString(),
                properties: { url: 'https://bench.example/pricing', path: '/pricing' },
              },
            ],
          }),
        });
        if (r.status !== 200) throw new Error(`ingest answered ${r.status}: ${await r.text()}`);
        const t = performance.now();
        for (;;) {
          if ((read((await get(path)).body) ?? was) > was) break;
          if (performance.now() - t > GIVE_UP_MS)
            throw new Error(`${name} did not count a page view within ${GIVE_UP_MS} ms`);
          await sleep(POLL_MS);
        }
        freshnessMs.push(performance.now() - t);
      }
      break;
    }
    return {
      baselineSeconds: base.seconds,
      events: base.events,
      healthzMs,
      reports,
      freshnessMs,
      freshnessReport,
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    await app.close();
    await store.close();
  }
}

const USAGE = `usage: reports-worker.ts
  seed <dataDir> <days> <visitorsPerDay> [--store URL]
  serve <dataDir> <workspaceId> <writeKey> <secretKey> <repeats> [--store URL]`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { store: { type: 'string' } },
});
const [mode, dir, a, b, c, d] = positionals;
let out: unknown;
if (mode === 'seed' && dir && a && b) out = await seed(dir, Number(a), Number(b), values.store);
else if (mode === 'serve' && dir && a && b && c && d)
  out = await serve(dir, a, b, c, Number(d), values.store);
else throw new Error(USAGE);
process.stdout.write(`\n${JSON.stringify(out)}\n`);
process.exit(0);
