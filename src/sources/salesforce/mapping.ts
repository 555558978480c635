// Salesforce's records mapped to Closedloop's funnel: a lead's Status and an opportunity's StageName
// become milestones, as data a workspace can override, with defaults for Salesforce's stock values.
// Lost opportunities stay (outcome `lost`, with the lost reason field when the org has one); amounts
// keep their currency; a converted lead keeps its links (the contact, account and opportunity the
// conversion made). The output is the vendor-neutral change records of ../crm/records.ts, each keyed
// so that a backfill, a Change Data Capture event and an Outbound Message of the same change agree.
//
// An opportunity stage's outcome is read, in this order: the workspace's rule for the stage, the org's
// OpportunityStage settings (IsClosed, IsWon), for the opportunity's current stage Salesforce's own
// IsClosed/IsWon, then the stock stage names. A stage none of these knows counts as open, and is
// reported.

import { z } from 'zod';
import { DEFAULT_MILESTONES, MILESTONE_NAME, type DealOutcome } from '../crm/records.js';

import { type SalesforceLeadStatus, type SalesforceOpportunityStage } from './schemas.js';

/** Salesforce's stock lead statuses, in their order. */
export const STOCK_LEAD_STATUSES = [
  'Open - Not Contacted',
  'Working - Contacted',
  'Closed - Converted',
  'Closed - Not Converted',
] as const;

/**
 * The default milestone of each stock lead status. A new lead is a lead; one sales is working has
 * passed marketing's bar (at least an MQL); a converted lead was qualified by sales (an SQL, and its
 * opportunity makes the `opportunity` milestone); a lead closed unconverted reaches nothing new.
 */
export const DEFAULT_LEAD_STATUS_MILESTONES: Readonly<Record<string, string | null>> = {
  'Open - Not Contacted': 'lead',
  'Working - Contacted': 'mql',
  'Closed - Converted': 'sql',
  'Closed - Not Converted': null,
};

/** Salesforce's stock opportunity stages and their outcomes. */
export const DEFAULT_STAGE_OUTCOMES: Readonly<Record<string, DealOutcome>> = {
  Prospecting: 'open',
  Qualification: 'open',
  'Needs Analysis': 'open',
  'Value Proposition': 'open',
  'Id. Decision Makers': 'open',
  'Perception Analysis': 'open',
  'Proposal/Price Quote': 'open',
  'Negotiation/Review': 'open',
  'Closed Won': 'won',
  'Closed Lost': 'lost',
};

export interface StageRule {
  milestone: string | null;
  outcome: DealOutcome;
}

const milestoneName = z
  .string()
  .regex(MILESTONE_NAME, 'a milestone is named in lower case letters, digits and _')
  .nullable();
const stageRule = z
  .object({
    milestone: milestoneName.optional(),
    outcome: z.enum(['open', 'won', 'lost']).optional(),
  })
  .strict();
const fieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a field API name');

/** What a workspace may set (every field optional; the defaults fill the rest). */
export const SalesforceMappingSettings = z
  .object({
    /** Lead Status value to milestone, or null for none. */
    leadStatuses: z.record(z.string().min(1), milestoneName).optional(),
    /** Opportunity StageName value to a rule. */
    opportunityStages: z.record(z.string().min(1), stageRule).optional(),
    /** An open opportunity's milestone when no rule names one. Default `opportunity`. */
    openOpportunityMilestone: milestoneName.optional(),
    /** A won opportunity's milestone. Default `customer`. */
    wonOpportunityMilestone: milestoneName.optional(),
    /** A lead's conversion, and a converted status the org defines. Default `sql`. */
    convertedLeadMilestone: milestoneName.optional(),
    /** A lead's creation. Default `lead`. */
    createdLeadMilestone: milestoneName.optional(),
    /** A contact's creation. Default `lead` (a known person, as a HubSpot contact is). */
    createdContactMilestone: milestoneName.optional(),
    /** The org's currency, for single-currency orgs (no CurrencyIsoCode field). */
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code')
      .optional(),
    /** The lead and contact field a form fills with the tracker's anonymous id. */
    anonymousIdField: fieldName.optional(),
    /** The opportunity field that says why it was lost (Salesforce has no stock one). */
    lostReasonField: fieldName.optional(),
  })
  .strict();
export type SalesforceMappingSettings = z.infer<typeof SalesforceMappingSettings>;

/** The mapping in force: the defaults, the workspace's settings and the org's own settings. */
export interface SalesforceMapping {
  leadStatuses: Readonly<Record<string, string | null>>;
  opportunityStages: Readonly<Record<string, Partial<StageRule>>>;
  /** Outcomes from the org's OpportunityStage rows, by API name. */
  orgStageOutcomes: ReadonlyMap<string, DealOutcome>;
  openOpportunityMilestone: string | null;
  wonOpportunityMilestone: string | null;
  convertedLeadMilestone: string | null;
  createdLeadMilestone: string | null;
  createdContactMilestone: string | null;
  /** Lower case; null when the workspace has not said. */
  currency: string | null;
  anonymousIdField: string;
  lostReasonField: string;
}

/** Settings that do not have the shape above: the path names the field. */
export class SalesforceMappingError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'SalesforceMappingError';
  }
}

/**
 * The mapping in force, from a workspace's settings (validated; a bad field throws a
 * `SalesforceMappingError` naming it) and, when known, the org's opportunity stages and lead statuses.
 */
export function resolveSalesforceMapping(
  settings: unknown = {},
  org: {
    opportunityStages?: readonly SalesforceOpportunityStage[];
    leadStatuses?: readonly SalesforceLeadStatus[];
  } = {},
): SalesforceMapping {
  const parsed = SalesforceMappingSettings.safeParse(settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(root)';
    throw new SalesforceMappingError(path, `${path}: ${issue.message}`);
  }
  const s = parsed.data;
  const pick = (v: string | null | undefined, fallback: string | null) =>
    v === undefined ? fallback : v;
  const converted = pick(s.convertedLeadMilestone, 'sql');
  // the org's own converted statuses (renamed "Qualified", say) count as conversions
  const orgStatuses: Record<string, string | null> = {};
  for (const row of org.leadStatuses ?? [])
    if (row.IsConverted && !(row.ApiName in DEFAULT_LEAD_STATUS_MILESTONES))
      orgStatuses[row.ApiName] = converted;
  const orgStageOutcomes = new Map<string, DealOutcome>();
  for (const row of org.opportunityStages ?? [])
    orgStageOutcomes.set(row.ApiName, row.IsWon ? 'won' : row.IsClosed ? 'lost' : 'open');
  return {
    leadStatuses: { ...DEFAULT_LEAD_STATUS_MILESTONES, ...orgStatuses, ...s.leadStatuses },
    opportunityStages: s.opportunityStages ?? {},
    orgStageOutcomes,
    openOpportunityMilestone: pick(s.openOpportunityMilestone, 'opportunity'),
    wonOpportunityMilestone: pick(s.wonOpportunityMilestone, 'customer'),
    convertedLeadMilestone: converted,
    createdLeadMilestone: pick(s.createdLeadMilestone, 'lead'),
    createdContactMilestone: pick(s.createdContactMilestone, 'lead'),
    currency: s.currency ? s.currency.toLowerCase() : null,
    anonymousIdField: s.anonymousIdField ?? 'Closedloop_Anonymous_Id__c',
    lostReasonField: s.lostReasonField ?? 'Loss_Reason__c',
  };
}

/** Every milestone the mapping can give. */
export function mappingMilestones(mapping: SalesforceMapping): string[] {
  const all = new Set<string>();
  const add = (m: string | null | undefined) => void (m && all.add(m));
  Object.values(mapping.leadStatuses).forEach(add);
  for (const rule of Object.values(mapping.opportunityStages)) add(rule.milestone);
  add(mapping.openOpportunityMilestone);
  add(mapping.wonOpportunityMilestone);
  add(mapping.convertedLeadMilestone);
  add(mapping.createdLeadMilestone);
  add(mapping.createdContactMilestone);
  return [...all].sort();
}

/**
 * The milestones a mapping names that the funnel does not define, each as a message naming where and
 * the funnel's milestones (a request that sets such a mapping is refused with these).
 */
export function undefinedMilestones(
  mapping: SalesforceMapping,
  funnel: readonly string[] = DEFAULT_MILESTONES,
): string[] {
  const known = new Set(funnel);
  const list = funnel.join(', ');
  const out: string[] = [];
  const check = (where: string, m: string | null | undefined) => {
    if (m && !known.has(m)) out.push(`${where}: "${m}" is not a milestone of the funnel (${list})`);
  };
  for (const [status, m] of Object.entries(mapping.leadStatuses))
    check(`leadStatuses.${status}`, m);
  for (const [stage, rule] of Object.entries(mapping.opportunityStages))
    check(`opportunityStages.${stage}.milestone`, rule.milestone);
  check('openOpportunityMilestone', mapping.openOpportunityMilestone);
  check('wonOpportunityMilestone', mapping.wonOpportunityMilestone);
  check('convertedLeadMilestone', mapping.convertedLeadMilestone);
  check('createdLeadMilestone', mapping.createdLeadMilestone);
  check('createdContactMilestone', mapping.createdContactMilestone);
  return out;
}

/** A lead status's milestone; `known` is false for a status the mapping does not name. */
export function leadStatusMilestone(
  mapping: SalesforceMapping,
  status: string,
): { milestone: string | null; known: boolean } {
  return Object.hasOwn(mapping.leadStatuses, status)
    ? { milestone: mapping.leadStatuses[status]!, known: true }
    : { milestone: null, known: false };
}

/** Salesforce's verdict on an opportunity's current stage (its IsClosed and IsWon). */
export interface StageHints {
  isClosed?: boolean;
  isWon?: boolean;
}

/** A stage's outcome and milestone; `known` is false when only the fallback (open) decided. */
export function opportunityStageRule(
  mapping: SalesforceMapping,
  stage: string,
  hints: StageHints = {},
): StageRule & { known: boolean } {
  const own = mapping.opportunityStages[stage];
  const fromHints: DealOutcome | undefined =
    hints.isWon === true
      ? 'won'
      : hints.isClosed === true
        ? 'lost'
        : hints.isClosed === false
          ? 'open'
          : undefined;
  const decided =
    own?.outcome ??
    mapping.orgStageOutcomes.get(stage) ??
    fromHints ??
    DEFAULT_STAGE_OUTCOMES[stage];
  const outcome = decided ?? 'open';
  const milestone =
    own && own.milestone !== undefined
      ? own.milestone
      : outcome === 'won'
        ? mapping.wonOpportunityMilestone
        : outcome === 'open'
          ? mapping.openOpportunityMilestone
          : null;
  return { outcome, milestone, known: decided !== undefined };
}
