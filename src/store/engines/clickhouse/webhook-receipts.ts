// Webhook receipts on ClickHouse: a receipt already stored is not inserted again; two deliveries of one
// key racing past that check both insert, and the ReplacingMergeTree's key collapses them (reads use
// FINAL). Inserts are synchronous (connection.ts: async_insert off), so a stored receipt is durable.
import type { WebhookReceipt } from '../../areas/webhook-receipts.js';
import {
  listWebhookReceiptsSql,
  toWebhookReceipt,
  webhookReceiptExistsSql,
} from '../neutral/webhook-receipts-queries.js';
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

// appends run one at a time per store, so the check and the insert of one process never interleave
// (two processes racing are left to the table's key)
const chains = new WeakMap<ChStore, Promise<unknown>>();

export function appendWebhookReceipt(
  s: ChStore,
  r: WebhookReceipt,
): Promise<'stored' | 'duplicate'> {
  const next = (chains.get(s) ?? Promise.resolve()).then(
    () => appendOne(s, r),
    () => appendOne(s, r),
  );
  chains.set(s, next);
  return next;
}

async function appendOne(s: ChStore, r: WebhookReceipt): Promise<'stored' | 'duplicate'> {
  const found = await queryNeutral(
    s.conn,
    s.database,
    webhookReceiptExistsSql(r.workspaceId, r.vendor, r.key),
  );
  if (found.length > 0) return 'duplicate';
  await s.conn.command(
    `INSERT INTO ${s.database}.webhook_receipts
       (workspace_id, vendor, dedup_key, received_at, content_type, body)
     SELECT {ws:String}, {vendor:String}, {key:String},
       parseDateTime64BestEffort({at:String}, 3, 'UTC'), {type:String}, {body:String}`,
    {
      ws: r.workspaceId,
      vendor: r.vendor,
      key: r.key,
      at: r.receivedAt,
      type: r.contentType,
      body: r.body,
    },
  );
  return 'stored';
}

export async function listWebhookReceipts(
  s: ChStore,
  f: { workspaceId: string; vendor?: string; limit?: number; unloaded?: boolean },
): Promise<WebhookReceipt[]> {
  return (await queryNeutral(s.conn, s.database, listWebhookReceiptsSql(f))).map(toWebhookReceipt);
}

/** A marker inserted twice collapses on the table's key (ReplacingMergeTree). */
export async function markWebhookReceiptsLoaded(
  s: ChStore,
  workspaceId: string,
  vendor: string,
  keys: readonly string[],
  loadedAt: string,
): Promise<void> {
  if (keys.length === 0) return;
  await s.conn.insert(
    `${s.database}.webhook_receipt_loads`,
    keys.map((key) => ({ workspace_id: workspaceId, vendor, dedup_key: key, loaded_at: loadedAt })),
  );
}
