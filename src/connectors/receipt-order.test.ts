// Webhooks arrive in any order (retries, parallel deliveries): 1,000 Pipedrive deal changes (data and
// previous) stored in order for one workspace, and delivered shuffled to another through the real
// receiver, leave both, once the receipt loader has read them, with the same deal state: the one the
// last change of each deal says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pipedriveFixture } from '../test-helpers/pipedrive-fixtures.js';
import { connect, PIPEDRIVE_SECRET, postPipedrive } from '../test-helpers/receipt-hooks.js';
import { startTestServer } from '../test-helpers/server.js';
import { createWorkspace } from '../workspaces/create.js';

const DEALS = 50;
const CHANGES = 20; // per deal: 1,000 deliveries
const START = Date.parse('2026-03-01T00:00:00.000Z');

/** Deal d's k-th change: moved a stage on, its value up; the last one closes some deals. */
function change(d: number, k: number): unknown {
  const base = pipedriveFixture<{ meta: Record<string, unknown>; data: Record<string, unknown> }>(
    'webhook.v2.deal.change-stage',
  );
  const at = START + (d * CHANGES + k) * 60_000;
  const iso = new Date(at).toISOString();
  const stage = (k % 5) + 1;
  const closes = k === CHANGES - 1 && d % 3 !== 0;
  const status = closes ? (d % 3 === 1 ? 'won' : 'lost') : 'open';
  return {
    meta: {
      ...base.meta,
      id: `0000${d}-${k}-4000-8000-receipts`,
      entity_id: String(6000 + d),
      // both forms Pipedrive sends
      timestamp: k % 2 === 0 ? iso : Math.floor(at / 1000),
    },
    data: {
      ...base.data,
      id: 6000 + d,
      person_id: null,
      stage_id: stage,
      status,
      value: 1000 + k * 10,
      currency: 'USD',
      update_time: iso,
      stage_change_time: iso,
      won_time: status === 'won' ? iso : null,
      lost_time: status === 'lost' ? iso : null,
      close_time: closes ? iso : null,
      lost_reason: status === 'lost' ? 'price' : null,
    },
    previous: closes ? { status: 'open' } : { stage_id: ((k + 4) % 5) + 1, update_time: iso },
  };
}

/** A seeded shuffle (mulberry32), so a failure replays. */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

test(
  '1,000 pipedrive deal changes delivered shuffled give the same deal state as delivered in order',
  { timeout: 300_000 },
  async () => {
    const s = await startTestServer();
    try {
      const other = await createWorkspace(s.store, {
        name: 'Shuffled',
        currency: 'USD',
        timezone: 'UTC',
      });
      const ordered = s.workspace.id;
      const mixed = other.workspace.id;
      const hook = { webhookSecret: PIPEDRIVE_SECRET, webhookUser: 'closedloop' };
      await connect(s, 'pipedrive', hook);
      await connect(s, 'pipedrive', hook, other.secretKey);
      const all: unknown[] = [];
      for (let k = 0; k < CHANGES; k++) for (let d = 0; d < DEALS; d++) all.push(change(d, k));
      // in order: stored one after another as the receiver stores them, then loaded
      let i = 0;
      for (const body of all)
        await s.store.appendWebhookReceipt({
          workspaceId: ordered,
          vendor: 'pipedrive',
          key: `in-order-${i++}`,
          receivedAt: new Date(START + i).toISOString(),
          contentType: 'application/json',
          body: JSON.stringify(body),
        });
      s.app.receipts.notify(ordered, 'pipedrive');
      // shuffled, and many at once (as retries and parallel deliveries come), through the receiver
      const queue = shuffled(all, 1501);
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let body = queue.pop(); body !== undefined; body = queue.pop())
            await postPipedrive(s, mixed, body);
        }),
      );
      await s.app.receipts.idle();

      for (const ws of [ordered, mixed])
        assert.equal(
          (await s.store.listWebhookReceipts({ workspaceId: ws, unloaded: true })).length,
          0,
        );
      const state = async (ws: string) =>
        (await s.store.crmDeals(ws)).map((d) => [
          d.dealId,
          d.stage,
          d.outcome,
          d.amount?.minor,
          d.lostReason,
          d.updatedAt,
        ]);
      const inOrder = await state(ordered);
      assert.equal(inOrder.length, DEALS);
      assert.deepEqual(await state(mixed), inOrder);
      // and it is what each deal's last change says
      const last = (d: number) => {
        const c = change(d, CHANGES - 1) as { data: { stage_id: number; status: string } };
        // the value in minor units (cents)
        const minor = (1000 + (CHANGES - 1) * 10) * 100;
        return [String(6000 + d), String(c.data.stage_id), c.data.status, minor];
      };
      assert.deepEqual(
        inOrder.map((r) => r.slice(0, 4)).sort(),
        Array.from({ length: DEALS }, (_, d) => last(d)).sort(),
      );
    } finally {
      await s.close();
    }
  },
);
