// Webhook receipts in the DuckDB file (migration 24): the primary key makes a redelivery a no-op, and
// the write is committed (WAL) before the receiver answers.
import type { WebhookReceipt } from '../../areas/webhook-receipts.js';
import { listWebhookReceiptsSql, toWebhookReceipt } from '../neutral/webhook-receipts-queries.js';
import { textsAsJson, textsFromJson, type Db } from './connection.js';
import { queryNeutral } from './dialect.js';

// one statement a batch: each column one JSON text (textsAsJson), so a batch costs one round trip to
// the engine however many deliveries it holds; RETURNING names the rows that were new
const INSERT = `INSERT OR IGNORE INTO webhook_receipts
    (workspace_id, vendor, dedup_key, received_at, content_type, body)
  SELECT ws, vendor, dedup_key, CAST(received_at AS TIMESTAMPTZ), content_type, body FROM (SELECT
    unnest(${textsFromJson('$ws')}) AS ws, unnest(${textsFromJson('$vendor')}) AS vendor,
    unnest(${textsFromJson('$key')}) AS dedup_key, unnest(${textsFromJson('$at')}) AS received_at,
    unnest(${textsFromJson('$type')}) AS content_type, unnest(${textsFromJson('$body')}) AS body)
  RETURNING workspace_id, vendor, dedup_key`;

interface Waiter {
  receipt: WebhookReceipt;
  resolve: (outcome: 'stored' | 'duplicate') => void;
  reject: (err: unknown) => void;
}

// Group commit: receipts that arrive while a commit is under way wait for the next one, which takes
// them all in one transaction (one WAL sync for many deliveries); each still resolves only once its
// transaction has committed, so a 2xx never precedes durability.
const queues = new WeakMap<Db, { waiting: Waiter[]; running: boolean }>();
const MAX_BATCH = 500;

async function drain(db: Db, q: { waiting: Waiter[]; running: boolean }): Promise<void> {
  q.running = true;
  while (q.waiting.length > 0) {
    const batch = q.waiting.splice(0, MAX_BATCH);
    try {
      const outcomes = await db.transaction(async (c) => {
        // a key twice in one batch: its first delivery is the one stored, the later ones duplicates
        const idOf = (r: WebhookReceipt) => `${r.workspaceId}\u0000${r.vendor}\u0000${r.key}`;
        const first = new Map<string, WebhookReceipt>();
        for (const { receipt: r } of batch) if (!first.has(idOf(r))) first.set(idOf(r), r);
        const rows = [...first.values()];
        const col = (f: (r: WebhookReceipt) => string) => textsAsJson(rows.map(f));
        const inserted = await c.runAndReadAll(INSERT, {
          ws: col((r) => r.workspaceId),
          vendor: col((r) => r.vendor),
          key: col((r) => r.key),
          at: col((r) => r.receivedAt),
          type: col((r) => r.contentType),
          body: col((r) => r.body),
        });
        const stored = new Set(
          inserted.getRows().map(([ws, vendor, key]) => `${ws}\u0000${vendor}\u0000${key}`),
        );
        const claimed = new Set<string>();
        return batch.map(({ receipt: r }): 'stored' | 'duplicate' => {
          const id = idOf(r);
          if (!stored.has(id) || claimed.has(id)) return 'duplicate';
          claimed.add(id);
          return 'stored';
        });
      });
      batch.forEach((w, i) => w.resolve(outcomes[i]!));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
  q.running = false;
}

export function appendWebhookReceipt(
  db: Db,
  receipt: WebhookReceipt,
): Promise<'stored' | 'duplicate'> {
  let q = queues.get(db);
  if (!q) queues.set(db, (q = { waiting: [], running: false }));
  const queue = q;
  return new Promise((resolve, reject) => {
    queue.waiting.push({ receipt, resolve, reject });
    if (!queue.running) void drain(db, queue);
  });
}

export async function listWebhookReceipts(
  db: Db,
  f: { workspaceId: string; vendor?: string; limit?: number; unloaded?: boolean },
): Promise<WebhookReceipt[]> {
  return (await queryNeutral(db, listWebhookReceiptsSql(f))).map(toWebhookReceipt);
}

export async function markWebhookReceiptsLoaded(
  db: Db,
  workspaceId: string,
  vendor: string,
  keys: readonly string[],
  loadedAt: string,
): Promise<void> {
  if (keys.length === 0) return;
  await db.transaction(async (c) => {
    const stmt = await c.prepare(`INSERT OR IGNORE INTO webhook_receipt_loads
        (workspace_id, vendor, dedup_key, loaded_at) VALUES ($ws, $vendor, $key, $at::TIMESTAMPTZ)`);
    for (const key of keys) {
      stmt.bind({ ws: workspaceId, vendor, key, at: loadedAt });
      await stmt.run();
    }
  });
}
