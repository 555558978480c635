// Webhook receipts in the DuckDB file (migration 20): the primary key makes a redelivery a no-op, and
// the write is committed (WAL) before the receiver answers.
import type { WebhookReceipt } from '../../areas/webhook-receipts.js';
import { listWebhookReceiptsSql, toWebhookReceipt } from '../neutral/webhook-receipts-queries.js';
import type { Db } from './connection.js';
import { queryNeutral } from './dialect.js';

export async function appendWebhookReceipt(
  db: Db,
  r: WebhookReceipt,
): Promise<'stored' | 'duplicate'> {
  const res = await db.write((c) =>
    c.run(
      `INSERT OR IGNORE INTO webhook_receipts
         (workspace_id, vendor, dedup_key, received_at, content_type, body)
       VALUES ($ws, $vendor, $key, $at::TIMESTAMPTZ, $type, $body)`,
      {
        ws: r.workspaceId,
        vendor: r.vendor,
        key: r.key,
        at: r.receivedAt,
        type: r.contentType,
        body: r.body,
      },
    ),
  );
  return res.rowsChanged > 0 ? 'stored' : 'duplicate';
}

export async function listWebhookReceipts(
  db: Db,
  f: { workspaceId: string; vendor?: string; limit?: number },
): Promise<WebhookReceipt[]> {
  return (await queryNeutral(db, listWebhookReceiptsSql(f))).map(toWebhookReceipt);
}
