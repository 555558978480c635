// A CRM intake of many batches, as a connector's sync takes it (connectors/sync.ts CrmIntake): the
// funnel's mapping settings of the CRM, each batch stored as facts through the one CRM intake path
// (crm-milestones.ts), and one derive of milestones and credits at the end.
import type { Store } from '../store/store.js';
import type { CrmChangeRecord } from '../sources/crm/index.js';
import { appendCrmChangeBatch, deriveCrmIntake } from './crm-milestones.js';
import { funnelFor } from './funnel.js';
import { deriveStripe } from './stripe-record.js';
import { withWorkspaceLock } from './workspace-lock.js';

export interface BatchedCrmIntake {
  mappingSettings(crm: string): Promise<unknown>;
  append(records: readonly CrmChangeRecord[]): Promise<{ inserted: number; duplicates: number }>;
  derive(): Promise<void>;
  deriveRevenue(): Promise<void>;
}

export function batchedCrmIntake(store: Store, workspaceId: string): BatchedCrmIntake {
  return {
    mappingSettings: async (crm) =>
      ((await funnelFor(store, workspaceId)).crm as Record<string, unknown>)[crm] ?? {},
    append: (records) => appendCrmChangeBatch(store, workspaceId, records),
    derive: async () => {
      await deriveCrmIntake(store, workspaceId);
    },
    deriveRevenue: async () => {
      await withWorkspaceLock(store, workspaceId, () => deriveStripe(store, workspaceId));
    },
  };
}
