// The one path Stripe facts take into a workspace: appended (each key once), then the workspace's
// Stripe `customer` milestones derived again from all of its facts and the attribution credited again,
// one workspace at a time. Webhook receipts (loadStripeReceipts) and backfill pages (syncStripe) both
// come through here.
import { attributionSettingsFor } from './attribution-settings.js';
import { creditWorkspace } from './attribution-credits.js';
import { withWorkspaceLock } from './workspace-lock.js';
import type { WebhookReceipt } from '../store/areas/webhook-receipts.js';
import type { Store } from '../store/store.js';
import type { CrmAppendResult, StripeFact } from '../store/types.js';
import type { MatchSummary } from './stripe-customers.js';
import { deriveStripeMilestones } from './stripe-milestones.js';
import { crmMappingFor } from './crm-milestones.js';
import { eventFact } from '../sources/stripe/index.js';

export interface StripeRecorded extends CrmAppendResult, MatchSummary {
  /** `customer` milestones written. */
  milestones: number;
}

/** Re-derives the workspace's Stripe milestones (under its attribution settings) and credits. */
export async function deriveStripe(
  store: Store,
  workspaceId: string,
  now = Date.now(),
): Promise<MatchSummary & { milestones: number }> {
  const settings = await attributionSettingsFor(store, workspaceId);
  const derived = await deriveStripeMilestones(store, workspaceId, {
    value: settings.customerValue,
    now,
    crm: await crmMappingFor(store, workspaceId),
  });
  await creditWorkspace(store, workspaceId, settings);
  return derived;
}

/** Stores Stripe facts and derives again (nothing new: the facts stay as they were). */
export function recordStripeFacts(
  store: Store,
  workspaceId: string,
  facts: readonly StripeFact[],
  now = Date.now(),
): Promise<StripeRecorded> {
  return withWorkspaceLock(store, workspaceId, async () => {
    const appended = await store.appendStripeFacts(workspaceId, facts);
    return { ...appended, ...(await deriveStripe(store, workspaceId, now)) };
  });
}

/**
 * A workspace's Stripe webhook receipts stored as facts (receipts of other vendors or workspaces left
 * alone), then derived from. Loading them again stores nothing.
 */
export function recordStripeReceipts(
  store: Store,
  workspaceId: string,
  receipts: readonly WebhookReceipt[],
  now = Date.now(),
): Promise<StripeRecorded> {
  const facts = receipts
    .filter((r) => r.vendor === 'stripe' && r.workspaceId === workspaceId)
    .map((r) => eventFact(r.body));
  return recordStripeFacts(store, workspaceId, facts, now);
}
