import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../config/config.js';
import { openTestStore } from '../../test-helpers/store.js';
import { createWorkspace } from '../../workspaces/create.js';
import { basicAuth } from '../../test-helpers/server.js';
import { tempDir } from '../../test-helpers/tmp.js';
import { buildApp } from '../app.js';
import { MAX_LOADER_LAG_SECONDS } from './health.js';

interface Ready {
  status: string;
  loader: {
    pendingSegments: number;
    oldestPendingSeconds: number | null;
    consecutiveFailures: number;
  };
}

test(
  'readyz: a loader that cannot load (the engine or disk fails, not a line) is not ready; it recovers once the fault goes',
  { timeout: 60_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const store = await openTestStore(dir);
    const { workspace } = await createWorkspace(store, {
      name: 'H',
      currency: 'USD',
      timezone: 'UTC',
    });
    // a "segment" no reader can open (a directory): an I/O fault, which must not become dead letters
    const stuck = join(dir, 'journal', 'events-000000000001.ndjson');
    mkdirSync(stuck, { recursive: true });
    const past = new Date(Date.now() - 10 * 60_000);
    utimesSync(stuck, past, past);
    // the start does not fail on it: the server starts, serves and journals
    const app = await buildApp({
      store,
      config: loadConfig({ env: {}, cwd: dir, overrides: { dataDir: dir } }),
      logger: pino({ level: 'silent' }),
    });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const addr = app.server.address();
      assert.ok(addr && typeof addr === 'object');
      const base = `http://127.0.0.1:${addr.port}`;

      const r = await fetch(`${base}/readyz`);
      assert.equal(r.status, 503);
      const body = (await r.json()) as Ready;
      assert.equal(body.status, 'lagging');
      assert.ok(
        body.loader.oldestPendingSeconds! > MAX_LOADER_LAG_SECONDS,
        `lag ${body.loader.oldestPendingSeconds} s`,
      );
      assert.ok(body.loader.consecutiveFailures >= 1);
      assert.equal(body.loader.pendingSegments, 1);

      const sent = await fetch(`${base}/v1/track`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: basicAuth(workspace.writeKey),
        },
        body: JSON.stringify({ anonymousId: 'a', event: 'While stuck', messageId: 'while-stuck' }),
      });
      assert.equal(sent.status, 200);
      assert.deepEqual(
        await store.countDeadLetters(),
        { pending: 0, retried: 0 },
        'an engine fault sets nothing aside',
      );

      rmSync(stuck, { recursive: true });
      await app.ingest.flush();
      const after = await fetch(`${base}/readyz`);
      assert.equal(after.status, 200);
      const ok = (await after.json()) as Ready;
      assert.deepEqual(
        [ok.status, ok.loader.consecutiveFailures, ok.loader.oldestPendingSeconds],
        ['ready', 0, null],
      );
      assert.equal(await store.countEvents(workspace.id), 1);
    } finally {
      await app.close();
      await store.close();
      cleanup();
    }
  },
);
