// A Closedloop server for HTTP benchmarks, plus a bare handler on the same Fastify instance as the
// baseline: same framework, same JSON parsing, no store. Prints "READY <port> <writeKey>".
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { access } from '../../src/server/access.js';
import { buildApp } from '../../src/server/app.js';
import { openStore } from '../../src/store/open.js';
import { createWorkspace } from '../../src/workspaces/create.js';

const dir = process.argv[2]!;
const store = await openStore(dir);
const { workspace } = await createWorkspace(store, {
  name: 'Bench',
  currency: 'USD',
  timezone: 'UTC',
});
const config = loadConfig({
  env: {},
  cwd: dir,
  overrides: { dataDir: dir, ingestRateLimit: 0, logLevel: 'silent' },
});
const app = await buildApp({ store, config, logger: pino({ level: 'silent' }) });
// bench-only routes, open like /healthz (the server is on loopback for the bench's own use)
const anyone = { config: access.anyone() };
app.post('/bench/bare', anyone, async (req) => ({ success: true, got: typeof req.body }));
app.get('/bench/count', anyone, async () => {
  await app.ingest.flush();
  return { events: await store.countEvents(workspace.id) };
});
// everything acknowledged loaded into the store and derived: the stored rate is measured up to here
app.get('/bench/settle', anyone, async () => {
  await app.ingest.settle();
  return { events: await store.countEvents(workspace.id) };
});
/**
 * CPU time this thread has used (µs), from /proc (Linux; null elsewhere). Called from a handler, it is
 * the main thread's: where requests are parsed, checked and answered.
 */
function threadCpuMicros(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10_000; // utime + stime, in USER_HZ (100 per second)
  } catch {
    return null;
  }
}
// the server's CPU time so far (µs): all threads (the engine's and the file system's too), and the main one
app.get('/bench/cpu', anyone, async () => {
  const u = process.cpuUsage();
  return { process: u.user + u.system, main: threadCpuMicros() };
});
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as { port: number }).port;
process.stdout.write(`READY ${port} ${workspace.writeKey}\n`);
process.on('SIGTERM', async () => {
  await app.close();
  await store.close();
  process.exit(0);
});
