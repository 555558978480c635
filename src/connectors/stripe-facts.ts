// The receipt loader's Stripe entry: a workspace's verified Stripe webhook receipts stored as facts
// (src/sources/stripe/facts.ts), each event once. Deriving from them is the domain's next step
// (src/derive/stripe-record.ts: recordStripeReceipts stores and derives in one go).
import { eventFact } from '../sources/stripe/index.js';
import type { WebhookReceipt } from '../store/areas/webhook-receipts.js';
import type { Store } from '../store/store.js';
import type { CrmAppendResult } from '../store/types.js';

/** The facts of a workspace's Stripe receipts (receipts of other vendors or workspaces left out). */
export function receiptFacts(workspaceId: string, receipts: readonly WebhookReceipt[]) {
  return receipts
    .filter((r) => r.vendor === 'stripe' && r.workspaceId === workspaceId)
    .map((r) => eventFact(r.body));
}

/**
 * Stores a workspace's Stripe receipts as facts. A receipt was verified and read when it arrived;
 * loading it again changes nothing.
 */
export function loadStripeReceipts(
  store: Store,
  workspaceId: string,
  receipts: readonly WebhookReceipt[],
): Promise<CrmAppendResult> {
  return store.appendStripeFacts(workspaceId, receiptFacts(workspaceId, receipts));
}
