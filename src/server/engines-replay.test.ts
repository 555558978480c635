// The same product on both engines (issue 14): a simulated world replayed through the ingestion API into
// a server on DuckDB and a server on ClickHouse (chdb) at once, each deriving live as events arrive,
// yields the same sessions, persons, leads and credits, row for row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config/config.js';
import { newAdminToken } from './admin-credential.js';
import { buildApp } from './app.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { simulate } from '../sim/simulate.js';
import { segmentHttpWriter } from '../sim/http-writer.js';
import { chdbTestDir, freshDatabase } from '../test-helpers/clickhouse.js';
import { tempDir } from '../test-helpers/tmp.js';

interface Running {
  store: Store;
  app: FastifyInstance;
  base: string;
  workspaceId: string;
  writeKey: string;
}

async function serveOn(store: Store, dir: string): Promise<Running> {
  // one workspace id on both: session and touch ids hash it in
  const workspace = await store.createWorkspace({
    id: 'ws_replay',
    name: 'Replay',
    currency: 'USD',
    timezone: 'UTC',
    writeKey: 'wk_replay',
    secretKeyHash: 'h',
  });
  const config = loadConfig({
    env: {},
    cwd: dir,
    overrides: { dataDir: dir, ingestRateLimit: 0 },
  });
  const app = await buildApp({
    store,
    config,
    logger: pino({ level: 'silent' }),
    admin: newAdminToken().check,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr !== 'object') throw new Error('no address');
  return {
    store,
    app,
    base: `http://127.0.0.1:${addr.port}`,
    workspaceId: workspace.id,
    writeKey: workspace.writeKey,
  };
}

/** Every derived row of a workspace, in an order of its own (row order is not promised). */
async function derivedRows(store: Store, ws: string) {
  const identities = await store.currentIdentities(ws);
  const persons = [...new Set(identities.map((r) => r.personId))].sort();
  const credits: string[] = [];
  for (const p of persons)
    for (const c of await store.personCredits(ws, p)) credits.push(JSON.stringify(c));
  return {
    events: await store.countEvents(ws),
    sessions: (await store.listSessions(ws)).map((s) => JSON.stringify(s)).sort(),
    identities: identities.map((r) => JSON.stringify(r)).sort(),
    persons,
    leads: await store.leadsByFirstTouchChannel(ws),
    credits: credits.sort(),
  };
}

test(
  'a simulated world replayed through the ingestion API into DuckDB and ClickHouse gives the same sessions, persons, leads and credits',
  { timeout: 300_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const running: Running[] = [];
    try {
      const duck = await openStore(join(dir, 'duck'), { store: 'duckdb' });
      running.push(await serveOn(duck, join(dir, 'duck')));
      const ch = await openStore(join(dir, 'ch'), {
        store: `chdb://${chdbTestDir()}?database=${freshDatabase('replay')}`,
      });
      running.push(await serveOn(ch, join(dir, 'ch')));

      const writers = running.map((r) =>
        segmentHttpWriter({ baseUrl: r.base, writeKey: r.writeKey, batchSize: 100 }),
      );
      const summary = await simulate(
        { seed: 7, days: 14, visitorsPerDay: 60, end: '2026-10-31' },
        writers,
      );
      for (const w of writers) assert.equal(w.stats.rejected, 0);
      // each server loads what it acknowledged and derives it (what a shutdown waits for too)
      await Promise.all(running.map((r) => r.app.close()));

      const [d, c] = await Promise.all(running.map((r) => derivedRows(r.store, r.workspaceId)));
      assert.equal(d!.events, summary.record.events.total);
      assert.ok(d!.leads.length > 0 && d!.credits.length > 0, 'the world has leads and credits');
      assert.deepEqual(c, d);
    } finally {
      for (const r of running) {
        await r.app.close().catch(() => undefined);
        await r.store.close();
      }
      cleanup();
    }
  },
);
