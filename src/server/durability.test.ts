import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../test-helpers/cli.js';
import { freePort } from '../test-helpers/port.js';
import { tempDir } from '../test-helpers/tmp.js';
import { openTestStore } from '../test-helpers/store.js';

const MAIN = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

function startServer(dataDir: string, port: number): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      MAIN,
      'serve',
      '--no-demo',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--data-dir',
      dataDir,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'warn', CLOSEDLOOP_INGEST_RATE_LIMIT: '0' },
    },
  );
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
  new Promise<number | null>((r) =>
    c.exitCode !== null || c.signalCode !== null
      ? r(c.exitCode)
      : c.once('exit', (code) => r(code)),
  );

const WORKERS = 8;
const ACKS_BEFORE_KILL = 400;

test(
  'kill -9 mid-stream: every acknowledged event is in the store exactly once after restart',
  { timeout: 120_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    let server: ChildProcess | undefined;
    try {
      const created = await runCli([
        'workspace',
        'create',
        'K',
        '--currency',
        'USD',
        '--timezone',
        'UTC',
        '--data-dir',
        dir,
        '--json',
      ]);
      const ws = JSON.parse(created.stdout) as { id: string; writeKey: string };
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      server = startServer(dir, port);
      await waitReady(base);

      const acked = new Set<string>();
      const sent = new Set<string>();
      let killed = false;
      const sender = async (worker: number) => {
        for (let i = 0; !killed; i++) {
          const id = `k-${worker}-${i}`;
          sent.add(id);
          try {
            const r = await fetch(`${base}/v1/track`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                authorization: `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}`,
              },
              body: JSON.stringify({
                anonymousId: `anon-${worker}`,
                event: 'Tick',
                messageId: id,
                properties: { i },
              }),
            });
            if (r.ok) acked.add(id);
            else assert.fail(`${id}: ${r.status} ${await r.text()}`);
          } catch (err) {
            if (!killed) throw err;
            return; // the server is gone
          }
        }
      };
      const workers = Array.from({ length: WORKERS }, (_, w) =>
        sender(w).catch((err: unknown) => {
          killed = true; // stop the others: the test has already failed
          throw err;
        }),
      );
      const deadline = Date.now() + 60_000;
      while (acked.size < ACKS_BEFORE_KILL) {
        assert.ok(
          Date.now() < deadline,
          `only ${acked.size} of ${ACKS_BEFORE_KILL} events acknowledged within 60 s`,
        );
        if (killed) await Promise.all(workers); // a sender failed before the kill: surface its error
        await new Promise((r) => setTimeout(r, 5));
      }
      server.kill('SIGKILL');
      killed = true;
      await Promise.all(workers);
      await exited(server);
      // each sender had at most one request in flight when the server died, and every other request was acknowledged
      assert.ok(
        sent.size - acked.size <= WORKERS,
        `${sent.size} sent, ${acked.size} acknowledged: at most one unanswered request per sender`,
      );

      // restart: the store recovers; then stop it gracefully and look inside
      server = startServer(dir, port);
      await waitReady(base);
      server.kill('SIGTERM');
      assert.equal(await exited(server), 0, 'graceful shutdown exits 0');

      const store = await openTestStore(dir);
      try {
        const events = await store.queryEvents(ws.id, { type: 'track', limit: 10_000 });
        const ids = events.map((e) => e.messageId);
        assert.equal(new Set(ids).size, ids.length, 'no event stored twice');
        const missing = [...acked].filter((id) => !ids.includes(id));
        assert.deepEqual(missing, [], 'every 2xx-acknowledged event survived kill -9');
        const phantom = ids.filter((id) => !sent.has(id));
        assert.deepEqual(phantom, [], 'nothing stored that was never sent');
        assert.ok(ids.length <= sent.size, `${ids.length} stored of ${sent.size} sent`);
      } finally {
        await store.close();
      }
    } finally {
      if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
      cleanup();
    }
  },
);
