import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../test-helpers/cli.js';
import { freePort } from '../test-helpers/port.js';
import { tempDir } from '../test-helpers/tmp.js';
import { openStore } from '../store/open.js';

const MAIN = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

function startServer(dataDir: string, port: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--no-demo', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', CLOSEDLOOP_INGEST_RATE_LIMIT: '0' },
  });
}

async function waitReady(base: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server did not become ready');
}

const exited = (c: ChildProcess) =>
  new Promise<number | null>((r) => (c.exitCode !== null || c.signalCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));

test('kill -9 mid-stream: every acknowledged event is in the store exactly once after restart', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const created = await runCli(['workspace', 'create', 'K', '--currency', 'USD', '--timezone', 'UTC', '--data-dir', dir, '--json']);
    const ws = JSON.parse(created.stdout) as { id: string; writeKey: string };
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let server = startServer(dir, port);
    await waitReady(base);

    const acked = new Set<string>();
    let sent = 0;
    let killed = false;
    const sender = async (worker: number) => {
      for (let i = 0; !killed; i++) {
        const id = `k-${worker}-${i}`;
        sent++;
        try {
          const r = await fetch(`${base}/v1/track`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}` },
            body: JSON.stringify({ anonymousId: `anon-${worker}`, event: 'Tick', messageId: id, properties: { i } }),
          });
          if (r.ok) acked.add(id);
        } catch {
          return; // the server is gone
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => sender(w));
    while (acked.size < 400) await new Promise((r) => setTimeout(r, 5));
    server.kill('SIGKILL');
    killed = true;
    await Promise.all(workers);
    await exited(server);
    assert.ok(acked.size >= 400 && sent > acked.size - 1);

    // restart: the store recovers; then stop it gracefully and look inside
    server = startServer(dir, port);
    await waitReady(base);
    server.kill('SIGTERM');
    assert.equal(await exited(server), 0, 'graceful shutdown exits 0');

    const store = await openStore(dir);
    try {
      const events = await store.queryEvents(ws.id, { type: 'track', limit: 10_000 });
      const ids = events.map((e) => e.messageId);
      assert.equal(new Set(ids).size, ids.length, 'no event stored twice');
      const missing = [...acked].filter((id) => !ids.includes(id));
      assert.deepEqual(missing, [], 'every 2xx-acknowledged event survived kill -9');
    } finally {
      await store.close();
    }
  } finally {
    cleanup();
  }
});
