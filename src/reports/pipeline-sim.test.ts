// The pipeline reports over a simulated world (events, then its CRM through the CRM CSV import), asked
// over HTTP of a real server: each runs without error, and their numbers hold together: every won deal
// of the world is in the revenue series, the funnel's steps never grow, and the open pipeline at the
// end of the world is the deals opened and neither won nor lost.
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SIM_CRM_CSV, crmCsvSimWriter } from '../cli/sim-crm-csv.js';
import { importCrm } from '../derive/crm-import.js';
import { rebuild } from '../derive/derive.js';
import { simulate, type CrmChange, type SimWriter } from '../sim/index.js';
import { clientFor, startTestServer, type TestServer } from '../test-helpers/server.js';
import { tempDir } from '../test-helpers/tmp.js';
import type { FunnelRow } from './funnel.js';

const END = '2026-03-31';
let s: TestServer;
let dir: { dir: string; cleanup: () => void };
/** Per simulated deal, its last stage (open, won, lost). */
const deals = new Map<string, string>();

before(async () => {
  s = await startTestServer();
  dir = tempDir();
  const csv = crmCsvSimWriter(join(dir.dir, SIM_CRM_CSV));
  const truth: SimWriter = {
    event() {},
    crm(c: CrmChange) {
      if (c.kind === 'deal') deals.set(c.dealId, c.stage);
    },
    async close() {},
  };
  const sim = await simulate(
    { seed: 5, days: 60, visitorsPerDay: 60, end: END, crm: 'demo' },
    { outDir: dir.dir, extraWriters: [csv, truth] },
  );
  assert.ok(sim.record.crm.dealsWon >= 2, `only ${sim.record.crm.dealsWon} won deals`);
  const ws = s.workspace.id;
  await s.store.importEventsFile(ws, join(dir.dir, 'events.ndjson'));
  await rebuild(s.store, ws);
  const report = await importCrm(s.store, ws, createReadStream(csv.file.path));
  assert.deepEqual(report.errors, []);
});
after(async () => {
  await s.close();
  dir.cleanup();
});

const get = async <T>(path: string): Promise<T> => {
  const r = await clientFor(s).api(path);
  const text = await r.text();
  assert.equal(r.status, 200, `${path}: ${text}`);
  return JSON.parse(text) as T;
};

test('opportunities, revenue and funnel run on a simulated world and agree with it', async () => {
  const won = [...deals.values()].filter((x) => x === 'won').length;
  const open = [...deals.values()].filter((x) => x === 'open').length;

  const series = await get<{ total: { closes: number }; rows: { firstTouch: string | null }[] }>(
    `/api/reports/revenue?from=2025-01-01&to=${END}&interval=month`,
  );
  assert.equal(series.total.closes, won);
  assert.ok(series.rows.some((r) => r.firstTouch !== null));
  for (const q of ['view=cohorts', 'basis=customers&interval=day', 'by=campaign&interval=week'])
    await get(`/api/reports/revenue?from=2025-01-01&to=${END}&${q}`);

  const pipeline = await get<{ total: { deals: number; value: number } }>(
    `/api/reports/opportunities?asOf=${END}`,
  );
  assert.equal(pipeline.total.deals, open);
  if (open > 0) assert.ok(pipeline.total.value > 0);
  await get(`/api/reports/opportunities?asOf=2026-02-15&by=source`);

  const funnel = await get<{ steps: string[]; rows: FunnelRow[]; total: FunnelRow }>(
    `/api/reports/funnel?from=2026-01-01&to=${END}`,
  );
  const counts = funnel.steps.map((x) => funnel.total.counts[x]!);
  assert.ok(counts[0]! > 100, `${counts[0]} visitors`);
  for (let i = 1; i < counts.length; i++) assert.ok(counts[i]! <= counts[i - 1]!, counts.join(' '));
  assert.ok(counts.at(-1)! > 0, 'some customers');
  await get(`/api/reports/funnel?from=2026-03-01&to=${END}&by=medium`);
});
