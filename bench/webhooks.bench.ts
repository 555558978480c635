// Webhook receipts with a durable ack: Stripe deliveries (each a distinct signed event) posted by a few
// concurrent clients to a real server in this process, on the DuckDB store. Each 200 promises the
// receipt is committed. Reported: acknowledged receipts per second (indicative: the clients share the
// process and the machine) beside the same clients posting the same bodies to a bare handler on the same
// server (the baseline, measured first in the same run), and the process's CPU time per 1,000 receipts
// (steadier on a shared machine). The receipts' loading into Stripe facts and revenue runs meanwhile, in
// the background, as it does in production.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config/config.js';
import { access } from '../src/server/access.js';
import { buildApp } from '../src/server/app.js';
import { stripeSignatureHeader } from '../src/sources/stripe/index.js';
import { openStore } from '../src/store/open.js';
import { createWorkspace } from '../src/workspaces/create.js';
import type { BenchResult } from './types.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CLIENTS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECRET = 'whsec_bench_0123456789abcdef';

const event = (id: string) =>
  JSON.stringify({
    id,
    object: 'event',
    api_version: '2024-06-20',
    created: Math.floor(Date.now() / 1000),
    type: 'charge.succeeded',
    data: { object: { id: `ch_${id}`, object: 'charge', amount: 4900, currency: 'usd' } },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  });

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-bench-hooks-'));
  const store = await openStore(dir);
  try {
    const { workspace, secretKey } = await createWorkspace(store, {
      name: 'Bench',
      currency: 'USD',
      timezone: 'UTC',
    });
    const config = loadConfig({ env: {}, cwd: dir, overrides: { dataDir: dir, logLevel: 'warn' } });
    const app = await buildApp({
      store,
      config,
      logger: pino({ level: 'warn' }),
      secretKey: 'bench-secret-key-0123456789-0123456789',
    });
    // the baseline: same framework, same clients and bodies, nothing checked or stored
    app.post('/bench/bare', { config: access.anyone() }, async () => ({ received: 1 }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    if (!addr || typeof addr !== 'object') throw new Error('no address');
    const base = `http://127.0.0.1:${addr.port}`;
    const put = await fetch(`${base}/api/connectors/stripe`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ webhookSecret: SECRET }),
    });
    if (put.status !== 201) throw new Error(`connector: ${put.status}`);
    const url = `${base}/hooks/stripe/${workspace.id}`;
    let n = 0;
    /** CLIENTS clients posting signed deliveries to `target` for DURATION_S: 200s and others. */
    const post = async (target: string) => {
      let ok = 0;
      let other = 0;
      const until = Date.now() + DURATION_S * 1000;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (Date.now() < until) {
            const body = event(`evt_bench_${n++}`);
            const res = await fetch(target, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'stripe-signature': stripeSignatureHeader(body, SECRET, Date.now() / 1000),
              },
              body,
            });
            await res.arrayBuffer();
            if (res.status === 200) ok++;
            else other++;
          }
        }),
      );
      return { ok, other };
    };
    const b0 = performance.now();
    const bare = await post(`${base}/bench/bare`);
    const bareSeconds = (performance.now() - b0) / 1000;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { ok: acked, other: failed } = await post(url);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const stored = (await store.listWebhookReceipts({ workspaceId: workspace.id, limit: 1e9 }))
      .length;
    await app.close();
    if (failed > 0 || stored !== acked)
      throw new Error(`${failed} refused, ${stored} stored of ${acked} acknowledged`);
    const bareRate = Math.round(bare.ok / bareSeconds);
    return [
      {
        name: 'bare handler, same server and clients (baseline)',
        value: bareRate,
        unit: 'requests/s',
        note: `${CLIENTS} clients, ${DURATION_S} s; non-2xx ${bare.other}`,
      },
      {
        name: 'webhook receipts acknowledged (durable), Stripe, DuckDB',
        value: Math.round(acked / seconds),
        unit: 'receipts/s',
        note: `${CLIENTS} clients in the same process, ${DURATION_S} s; indicative on a shared machine`,
      },
      {
        name: 'durable receipts / bare handler',
        value: Number((acked / seconds / bareRate).toFixed(3)),
        unit: 'ratio',
      },
      {
        name: 'webhook receipt CPU time (server and clients)',
        value: Number((((cpu.user + cpu.system) / 1e6 / acked) * 1000).toFixed(3)),
        unit: 'CPU s per 1,000 receipts',
      },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
