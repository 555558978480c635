import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, startCli, type RunningCli } from '../test-helpers/cli.js';
import { freePort } from '../test-helpers/port.js';
import { tempDir } from '../test-helpers/tmp.js';
import { openTestStore } from '../test-helpers/store.js';

/** `closedloop serve` on the data directory (runCli's store: the one openTestStore(dataDir) opens). */
function startServer(dataDir: string, port: number): Promise<RunningCli> {
  return startCli(
    ['serve', '--no-demo', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir],
    { LOG_LEVEL: 'warn', CLOSEDLOOP_INGEST_RATE_LIMIT: '0' },
  );
}

/** Waits for /readyz (a restart loads the journal first); fails with the server's output if it exits. */
async function waitReady(base: string, server: RunningCli): Promise<void> {
  let ended = false;
  void server.exited.then(() => (ended = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !ended) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const { stdout, stderr } = server.output();
  throw new Error(`server did not become ready${ended ? ' (it exited)' : ''}: ${stderr}${stdout}`);
}

const WORKERS = 8;
const ACKS_BEFORE_KILL = 400;

test(
  'kill -9 mid-stream: every acknowledged event is in the store exactly once after restart',
  { timeout: 120_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    let server: RunningCli | undefined;
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
      server = await startServer(dir, port);
      await waitReady(base, server);

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
      const stopped = server.stop('SIGKILL');
      killed = true;
      await Promise.all(workers);
      await stopped;
      // each sender had at most one request in flight when the server died, and every other request was acknowledged
      assert.ok(
        sent.size - acked.size <= WORKERS,
        `${sent.size} sent, ${acked.size} acknowledged: at most one unanswered request per sender`,
      );

      // restart: the store recovers; then stop it gracefully and look inside
      server = await startServer(dir, port);
      await waitReady(base, server);
      const code = await server.stop('SIGTERM');
      const { stdout, stderr } = server.output();
      assert.equal(code, 0, `graceful shutdown exits 0: ${stderr}${stdout}`);

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
      await server?.stop('SIGKILL');
      cleanup();
    }
  },
);
