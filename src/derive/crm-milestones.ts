// CRM facts in, CRM milestones out. Change records are stored as they arrived (`recordCrmChanges`: the
// path every webhook, backfill and import takes); each person's CRM milestones are derived from them
// under the workspace's funnel: each stored kind of change (its stage key: source, object type, change,
// stage, pipeline, outcome) is mapped to a milestone again here, by the connector's mapping with the
// funnel's settings, so changing the funnel re-derives history while the facts stay.
import type { CrmChangeRecord } from '../sources/crm/index.js';
import { normalizeStage, resolveCsvMapping, type CsvMapping } from '../sources/crm-csv/index.js';
import {
  lifecycleMilestone,
  resolveHubSpotMapping,
  type HubSpotMapping,
} from '../sources/hubspot/index.js';
import {
  resolvePipedriveMapping,
  stageMilestone,
  type PipedriveMapping,
} from '../sources/pipedrive/index.js';
import {
  leadStatusMilestone,
  resolveSalesforceMapping,
  type SalesforceMapping,
} from '../sources/salesforce/index.js';
import { minorUnitExponent } from '../revenue/currency.js';
import type { Store } from '../store/store.js';
import type { CrmAppendResult, CrmMilestoneMapping, CrmStageKey } from '../store/types.js';
import { creditWorkspace, type CreditSummary } from './attribution-credits.js';
import { funnelFor, LEAD, type Funnel } from './funnel.js';
import { withWorkspaceLock } from './workspace-lock.js';
import { rederiveStripeMilestones } from './stripe-milestones.js';

interface Mappings {
  hubspot: HubSpotMapping;
  salesforce: SalesforceMapping;
  pipedrive: PipedriveMapping;
  csv: CsvMapping;
}

function mappingsOf(funnel: Funnel): Mappings {
  return {
    hubspot: resolveHubSpotMapping(funnel.crm.hubspot ?? {}),
    salesforce: resolveSalesforceMapping(funnel.crm.salesforce ?? {}),
    pipedrive: resolvePipedriveMapping(funnel.crm.pipedrive ?? {}),
    csv: resolveCsvMapping(funnel.crm.csv ?? {}),
  };
}

/** A deal's milestone from its stored outcome, when no rule names the stage's. */
function byOutcome(
  outcome: string | null,
  m: { open: string | null; won: string | null; lost: string | null },
): string | null {
  return outcome === 'won' ? m.won : outcome === 'lost' ? m.lost : m.open;
}

function hubspotMilestone(m: HubSpotMapping, k: CrmStageKey): string | null {
  if (k.change === 'lifecycle_stage') return k.stage ? lifecycleMilestone(m, k.stage) : null;
  if (k.change !== 'deal_stage' || k.stage === null) return null;
  const own = k.pipeline !== null ? m.dealStages[k.pipeline]?.[k.stage] : undefined;
  const rule = own ?? m.dealStages['*']?.[k.stage];
  if (rule?.milestone !== undefined) return rule.milestone;
  return byOutcome(k.outcome, { open: m.openDealMilestone, won: m.wonDealMilestone, lost: null });
}

function salesforceMilestone(m: SalesforceMapping, k: CrmStageKey): string | null {
  if (k.change === 'converted') return m.convertedLeadMilestone;
  if (k.change === 'lifecycle_stage') {
    // a record without a status is the object's creation
    if (k.stage === null)
      return k.objectType === 'lead' ? m.createdLeadMilestone : m.createdContactMilestone;
    return leadStatusMilestone(m, k.stage).milestone;
  }
  if (k.change !== 'deal_stage') return null;
  const rule = k.stage !== null ? m.opportunityStages[k.stage] : undefined;
  if (rule?.milestone !== undefined) return rule.milestone;
  return byOutcome(k.outcome, {
    open: m.openOpportunityMilestone,
    won: m.wonOpportunityMilestone,
    lost: null,
  });
}

function pipedriveMilestone(m: PipedriveMapping, k: CrmStageKey): string | null {
  if (k.change === 'lifecycle_stage') return m.personMilestone;
  if (k.change === 'activity')
    return k.stage !== null && Object.hasOwn(m.activityTypes, k.stage)
      ? m.activityTypes[k.stage]!
      : null;
  if (k.change !== 'deal_stage') return null;
  return byOutcome(k.outcome, {
    open: stageMilestone(m, k.stage),
    won: m.wonDealMilestone,
    lost: m.lostDealMilestone,
  });
}

function csvMilestone(m: CsvMapping, k: CrmStageKey): string | null {
  if (k.change === 'lifecycle_stage') {
    if (k.stage === null) return m.createdContactMilestone;
    const key = normalizeStage(k.stage);
    return Object.hasOwn(m.contactStages, key) ? m.contactStages[key]! : null;
  }
  if (k.change !== 'deal_stage') return null;
  const stage = k.stage !== null ? normalizeStage(k.stage) : null;
  const pipeline = k.pipeline !== null ? normalizeStage(k.pipeline) : null;
  const rule =
    stage === null
      ? undefined
      : ((pipeline !== null ? m.dealStages.get(pipeline)?.get(stage) : undefined) ??
        m.dealStages.get('*')?.get(stage));
  // a rule's milestone holds for the outcome it names (open when it names none)
  if (rule?.milestone !== undefined && (rule.outcome ?? 'open') === (k.outcome ?? 'open'))
    return rule.milestone;
  return byOutcome(k.outcome, {
    open: m.openDealMilestone,
    won: m.wonDealMilestone,
    lost: m.lostDealMilestone,
  });
}

/** A stored kind of change's milestone under the funnel; null when it reaches none the funnel has. */
export function stageKeyMilestone(
  funnel: Funnel,
  mappings: Mappings,
  k: CrmStageKey,
): string | null {
  const m =
    k.source === 'hubspot'
      ? hubspotMilestone(mappings.hubspot, k)
      : k.source === 'salesforce'
        ? salesforceMilestone(mappings.salesforce, k)
        : k.source === 'pipedrive'
          ? pipedriveMilestone(mappings.pipedrive, k)
          : k.source === 'csv'
            ? csvMilestone(mappings.csv, k)
            : k.intakeMilestone;
  return m !== null && funnel.milestones.includes(m) ? m : null;
}

/** The derive's mapping of a workspace's stored kinds of change under a funnel. */
export function crmMilestoneMapping(
  funnel: Funnel,
  keys: readonly CrmStageKey[],
  currency: string,
): CrmMilestoneMapping {
  const mappings = mappingsOf(funnel);
  const milestones = new Map<string, string>();
  const exponents = new Map<string, number>();
  for (const k of keys) {
    const m = stageKeyMilestone(funnel, mappings, k);
    // the lead stays the tracker's milestone (rules/lead-milestone.ts)
    if (m !== null && m !== LEAD) milestones.set(k.stageKey, m);
    if (k.currency !== null) exponents.set(k.currency, minorUnitExponent(k.currency));
  }
  return { milestones, exponents, currency };
}

/** The currency a workspace reports in (its amounts are converted to it). */
async function workspaceCurrency(store: Store, workspaceId: string): Promise<string> {
  const ws = await store.getWorkspace(workspaceId);
  if (!ws) throw new Error(`no workspace ${workspaceId}`);
  return ws.currency;
}

/**
 * The value a workspace's reports are in, and, for one milestone, the CRM amounts that could not be
 * converted to it (no rate on their day: the milestone counts, its value is unknown).
 */
export async function milestoneValueCaveats(
  store: Store,
  workspaceId: string,
  milestone: string,
): Promise<{ currency: string; missingRates: MissingRate[] }> {
  const currency = await workspaceCurrency(store, workspaceId);
  const keys = await store.crmStageKeys(workspaceId);
  if (keys.length === 0) return { currency, missingRates: [] };
  const mapping = crmMilestoneMapping(await funnelFor(store, workspaceId), keys, currency);
  const missing = await store.crmMissingRates(workspaceId, mapping);
  return {
    currency,
    missingRates: missing
      .filter((m) => m.milestone === milestone)
      .map((m) => ({ currency: m.currency, day: m.day, conversions: m.milestones })),
  };
}

/** Conversions whose amount in `currency` on `day` had no rate to the workspace's currency. */
export interface MissingRate {
  currency: string;
  day: string;
  conversions: number;
}

/** Re-derives a workspace's CRM milestones under its funnel (or this one); the rows written. */
export async function deriveCrmMilestones(
  store: Store,
  workspaceId: string,
  funnel?: Funnel,
): Promise<number> {
  const keys = await store.crmStageKeys(workspaceId);
  funnel ??= await funnelFor(store, workspaceId);
  const currency = await workspaceCurrency(store, workspaceId);
  const mapping = crmMilestoneMapping(funnel, keys, currency);
  const n = await store.deriveCrmMilestones(workspaceId, mapping);
  // a person Stripe also calls a customer keeps one customer milestone (stripe-milestones.ts)
  await rederiveStripeMilestones(store, workspaceId, keys.length > 0 ? mapping : null);
  return n;
}

/** The workspace's CRM milestone mapping under its funnel; null when it has no CRM facts. */
export async function crmMappingFor(
  store: Store,
  workspaceId: string,
): Promise<CrmMilestoneMapping | null> {
  const keys = await store.crmStageKeys(workspaceId);
  if (keys.length === 0) return null;
  const currency = await workspaceCurrency(store, workspaceId);
  return crmMilestoneMapping(await funnelFor(store, workspaceId), keys, currency);
}

export interface CrmRecorded extends CrmAppendResult {
  milestones: number;
  credits: CreditSummary;
}

/** The derive after an intake: the workspace's CRM milestones, then its credits. */
async function deriveAfterIntake(
  store: Store,
  workspaceId: string,
): Promise<{ milestones: number; credits: CreditSummary }> {
  const milestones = await deriveCrmMilestones(store, workspaceId);
  const credits = await creditWorkspace(store, workspaceId);
  return { milestones, credits };
}

/**
 * Stores change records as facts (a key stored before is skipped, so a re-delivered webhook or a
 * re-import changes nothing), then re-derives the workspace's CRM milestones and credits. The path every
 * CRM intake takes. One workspace's intake and derives run one at a time.
 */
export function recordCrmChanges(
  store: Store,
  workspaceId: string,
  records: readonly CrmChangeRecord[],
): Promise<CrmRecorded> {
  return withWorkspaceLock(store, workspaceId, async () => {
    const appended = await store.appendCrmChanges(workspaceId, records);
    return { ...appended, ...(await deriveAfterIntake(store, workspaceId)) };
  });
}

/**
 * recordCrmChanges in two halves, for an intake of many batches (a backfill's pages): each batch stored
 * as facts as it comes (durable when this resolves), the derive once after the last (`deriveCrmIntake`),
 * not once a page over a growing table.
 */
export function appendCrmChangeBatch(
  store: Store,
  workspaceId: string,
  records: readonly CrmChangeRecord[],
): Promise<CrmAppendResult> {
  return withWorkspaceLock(store, workspaceId, () => store.appendCrmChanges(workspaceId, records));
}

/** The derive that ends a batched intake (appendCrmChangeBatch): CRM milestones, then credits. */
export function deriveCrmIntake(
  store: Store,
  workspaceId: string,
): Promise<{ milestones: number; credits: CreditSummary }> {
  return withWorkspaceLock(store, workspaceId, () => deriveAfterIntake(store, workspaceId));
}
