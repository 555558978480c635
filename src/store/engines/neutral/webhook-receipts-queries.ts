// The webhook-receipts area's reads, written once for every engine. ClickHouse keeps receipts in a
// ReplacingMergeTree keyed by (workspace, vendor, key), so two racing inserts of one delivery collapse:
// reads go through FINAL.
import type { WebhookReceipt } from '../../areas/webhook-receipts.js';
import { fn, join, p, sql, type Sql } from './sql.js';

const SEP = '\u001f';

/** One row when a receipt with this key is stored. */
export function webhookReceiptExistsSql(workspaceId: string, vendor: string, key: string): Sql {
  return sql`SELECT 1 AS hit FROM ${fn.tableFinal('webhook_receipts')}
    WHERE workspace_id = ${p.text(workspaceId)} AND vendor = ${p.text(vendor)} AND dedup_key = ${p.text(key)}
    LIMIT 1`;
}

export function listWebhookReceiptsSql(f: {
  workspaceId: string;
  vendor?: string;
  limit?: number;
  unloaded?: boolean;
}): Sql {
  const clauses: Sql[] = [sql`workspace_id = ${p.text(f.workspaceId)}`];
  if (f.vendor !== undefined) clauses.push(sql`vendor = ${p.text(f.vendor)}`);
  // (vendor, key) as one text: a pair IN a subquery reads the same on both engines this way
  if (f.unloaded)
    clauses.push(sql`concat(vendor, ${p.text(SEP)}, dedup_key) NOT IN (
      SELECT concat(vendor, ${p.text(SEP)}, dedup_key) FROM ${fn.table('webhook_receipt_loads')}
      WHERE workspace_id = ${p.text(f.workspaceId)})`);
  const limit = Math.max(1, Math.trunc(f.limit ?? 1000));
  return sql`SELECT workspace_id, vendor, dedup_key, ${fn.isoTime('received_at')} AS received_text,
      content_type, body
    FROM ${fn.tableFinal('webhook_receipts')}
    WHERE ${join(clauses, ' AND ')}
    ORDER BY received_at, dedup_key LIMIT ${p.int(limit)}`;
}

export function toWebhookReceipt(r: Record<string, unknown>): WebhookReceipt {
  return {
    workspaceId: String(r.workspace_id),
    vendor: String(r.vendor),
    key: String(r.dedup_key),
    receivedAt: String(r.received_text),
    contentType: String(r.content_type),
    body: String(r.body),
  };
}
