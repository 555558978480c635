// A Closedloop server for HTTP benchmarks, plus a bare handler on the same Fastify instance as the
// baseline: same framework, same JSON parsing, no store. Prints "READY <port> <writeKey>".
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
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as { port: number }).port;
process.stdout.write(`READY ${port} ${workspace.writeKey}\n`);
process.on('SIGTERM', async () => {
  await app.close();
  await store.close();
  process.exit(0);
});
