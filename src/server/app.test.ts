import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { loadConfig } from '../config/config.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { buildApp } from './app.js';

test('healthz, readyz and JSON errors on a real listening server', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  const app = await buildApp({
    store,
    config: loadConfig({ env: {}, cwd: dir }),
    logger: pino({ level: 'silent' }),
  });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    assert.ok(addr && typeof addr === 'object');
    const base = `http://127.0.0.1:${addr.port}`;
    assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(
      ((await ready.json()) as { schemaVersion: number }).schemaVersion,
      await store.schemaVersion(),
    );
    const nf = await fetch(`${base}/nope?x=1`);
    assert.equal(nf.status, 404);
    assert.deepEqual(await nf.json(), {
      error: { code: 'not_found', message: 'no route for GET /nope' },
    });
    await store.close();
    assert.equal((await fetch(`${base}/readyz`)).status, 503);
  } finally {
    await app.close();
    cleanup();
  }
});
