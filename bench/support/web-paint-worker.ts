// The server of the first-paint bench (web-paint.bench.ts) in a process of its own, so its peak memory
// is the server's alone: a store seeded by reports-worker.ts `seed`, the built dashboard, and an owner
// to sign in as. Prints "READY <port>" once listening; on SIGTERM closes and prints one JSON line.
//   <dataDir> <webDir> <email> [--store URL]
import pino from 'pino';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/config.js';
import { buildApp } from '../../src/server/app.js';
import { openStore } from '../../src/store/open.js';
import { addUser } from '../../src/test-helpers/users.js';

export interface PaintServerOutput {
  peakRssMiB: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { store: { type: 'string' } },
});
const [dir, webDir, email] = positionals;
if (!dir || !webDir || !email)
  throw new Error('usage: web-paint-worker.ts <dataDir> <webDir> <email> [--store URL]');

const store = await openStore(dir, { store: values.store });
await addUser(store, email, 'owner');
const config = loadConfig({
  env: {},
  cwd: dir,
  overrides: { dataDir: dir, ingestRateLimit: 0, logLevel: 'silent' },
});
const app = await buildApp({ store, config, logger: pino({ level: 'silent' }), webDir });
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`READY ${(app.server.address() as { port: number }).port}\n`);
process.once('SIGTERM', () => {
  void (async () => {
    await app.close();
    await store.close();
    const out: PaintServerOutput = { peakRssMiB: process.resourceUsage().maxRSS / 1024 };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    process.exit(0);
  })();
});
