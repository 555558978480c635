// Exchange rates in: the one path a rate file takes (API and CLI). Rates are facts; the CRM milestones'
// and Stripe customers' values are derived from them (an amount converted at its day's rate), so new
// rates re-derive those values and the credits that carry them.
import type { Store } from '../store/store.js';
import type { FxRateRow } from '../store/areas/fx.js';
import { recordCrmChanges } from './crm-milestones.js';
import { deriveStripe } from './stripe-record.js';
import { withWorkspaceLock } from './workspace-lock.js';

export interface FxRatesStored {
  added: number;
  unchanged: number;
}

/** Stores rates; when any is new and the workspace has CRM facts, their values are derived again. */
export async function importFxRates(
  store: Store,
  workspaceId: string,
  rates: readonly FxRateRow[],
): Promise<FxRatesStored> {
  const stored = await store.appendFxRates(workspaceId, rates);
  if (stored.added === 0) return stored;
  // the CRM derive derives the Stripe customers' values too; without CRM facts, those alone
  if ((await store.crmStageKeys(workspaceId)).length > 0)
    await recordCrmChanges(store, workspaceId, []);
  else if ((await store.countStripeFacts(workspaceId)) > 0)
    await withWorkspaceLock(store, workspaceId, () => deriveStripe(store, workspaceId));
  return stored;
}
