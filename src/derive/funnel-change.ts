// Changing a workspace's funnel: validated against itself and against the attribution settings that
// name one of its milestones, then stored, and the CRM milestones and credits re-derived from the facts
// (which stay as they arrived).
import type { Store } from '../store/store.js';
import { creditWorkspace, type CreditSummary } from './attribution-credits.js';
import { attributionSettingsFor } from './attribution-settings.js';
import { deriveCrmMilestones } from './crm-milestones.js';
import {
  FUNNEL_SETTINGS,
  FunnelError,
  parseFunnel,
  unknownMilestone,
  type Funnel,
} from './funnel.js';
import { withWorkspaceLock } from './workspace-lock.js';

export interface FunnelChange {
  funnel: Funnel;
  /** CRM milestone rows derived again under the new funnel. */
  milestones: number;
  credits: CreditSummary;
}

/** Saves a new funnel (nothing stored when invalid) and re-derives what it maps. */
export async function changeFunnel(
  store: Store,
  workspaceId: string,
  input: unknown,
): Promise<FunnelChange> {
  const funnel = parseFunnel(input);
  return withWorkspaceLock(store, workspaceId, async () => {
    // the attribution settings may not be left crediting a milestone the funnel no longer has
    const { conversion } = await attributionSettingsFor(store, workspaceId);
    const reason = unknownMilestone(funnel, conversion);
    if (reason !== null)
      throw new FunnelError(
        'milestones',
        `the attribution settings credit "${conversion}": change their conversion first (${reason})`,
      );
    await store.setSetting(workspaceId, FUNNEL_SETTINGS, funnel);
    const milestones = await deriveCrmMilestones(store, workspaceId, funnel);
    const credits = await creditWorkspace(store, workspaceId);
    return { funnel, milestones, credits };
  });
}
