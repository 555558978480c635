// A workspace's funnel: its ordered milestones (lead -> mql -> sql -> opportunity -> customer by
// default, plus any custom stage such as `meeting_booked`) and, per CRM, how that CRM's lifecycle
// values, lead statuses and deal stages map to them. The per-CRM mappings are the connectors' own
// settings (src/sources/*/mapping.ts), whose stock defaults fill what a workspace leaves out. Stored as a
// workspace setting; a milestone the funnel does not define is refused wherever it is named.
import { z } from 'zod';
import { DEFAULT_MILESTONES, MILESTONE_NAME } from '../sources/crm/index.js';
import {
  HubSpotMappingSettings,
  resolveHubSpotMapping,
  undefinedMilestones as hubspotUndefined,
} from '../sources/hubspot/index.js';
import {
  resolveSalesforceMapping,
  SalesforceMappingSettings,
  undefinedMilestones as salesforceUndefined,
} from '../sources/salesforce/index.js';
import {
  PipedriveMappingSettings,
  resolvePipedriveMapping,
  undefinedMilestones as pipedriveUndefined,
} from '../sources/pipedrive/index.js';
import {
  CsvMappingSettings,
  resolveCsvMapping,
  type CsvMapping,
} from '../sources/crm-csv/index.js';
import type { Store } from '../store/store.js';

export const FUNNEL_SETTINGS = 'funnel';

/** The CRMs a funnel maps; `csv` is the generic CRM import (`closedloop import crm`). */
export const FUNNEL_CRMS = ['hubspot', 'salesforce', 'pipedrive', 'csv'] as const;
export type FunnelCrm = (typeof FUNNEL_CRMS)[number];

/** The milestone the tracker derives from events (rules/lead-milestone.ts): every funnel has it. */
export const LEAD = 'lead';

const MilestoneName = z
  .string()
  .regex(MILESTONE_NAME, 'a milestone is named in lower case letters, digits and _ (at most 64)');

export const FunnelSchema = z
  .object({
    /** The milestones in funnel order; `lead` among them. */
    milestones: z
      .array(MilestoneName)
      .min(1)
      .max(32)
      .default([...DEFAULT_MILESTONES])
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        for (const [i, m] of list.entries()) {
          if (seen.has(m)) ctx.addIssue({ code: 'custom', path: [i], message: `"${m}" twice` });
          seen.add(m);
        }
        if (!seen.has(LEAD))
          ctx.addIssue({
            code: 'custom',
            message: 'must include "lead" (the milestone the tracker derives from events)',
          });
      })
      .describe('milestones in funnel order, e.g. lead, mql, sql, opportunity, customer'),
    /** Per CRM, its mapping settings (every field optional; the CRM's stock defaults fill the rest). */
    crm: z
      .object({
        hubspot: HubSpotMappingSettings.optional(),
        salesforce: SalesforceMappingSettings.optional(),
        pipedrive: PipedriveMappingSettings.optional(),
        csv: CsvMappingSettings.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export type Funnel = z.output<typeof FunnelSchema>;

export const DEFAULT_FUNNEL: Funnel = FunnelSchema.parse({});

/** A funnel refused: the field (a dotted path) and why. */
export class FunnelError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'FunnelError';
  }
}

/** Milestones a CSV mapping names, each with where (the CSV mapping has no such list of its own). */
function csvNamed(m: CsvMapping): Array<{ where: string; milestone: string }> {
  const out: Array<{ where: string; milestone: string }> = [];
  const add = (where: string, v: string | null | undefined) => {
    if (v) out.push({ where, milestone: v });
  };
  for (const [stage, v] of Object.entries(m.contactStages)) add(`contactStages.${stage}`, v);
  for (const [pipeline, rules] of m.dealStages)
    for (const [stage, rule] of rules)
      add(`dealStages.${pipeline}.${stage}.milestone`, rule.milestone);
  add('createdContactMilestone', m.createdContactMilestone);
  add('openDealMilestone', m.openDealMilestone);
  add('wonDealMilestone', m.wonDealMilestone);
  add('lostDealMilestone', m.lostDealMilestone);
  return out;
}

/**
 * The messages of milestones a CRM's mapping names that the funnel does not define. Only what the
 * workspace wrote counts: a stock default naming a milestone this funnel left out gives none (it maps
 * to nothing), so a funnel without `mql` needs no HubSpot mapping to say so.
 */
function mappingProblems(crm: FunnelCrm, settings: unknown, funnel: readonly string[]): string[] {
  const list = funnel.join(', ');
  const csvMessages = (m: CsvMapping) =>
    csvNamed(m)
      .filter((n) => !funnel.includes(n.milestone))
      .map((n) => `${n.where}: "${n.milestone}" is not a milestone of the funnel (${list})`);
  const problems = (s: unknown): string[] => {
    switch (crm) {
      case 'hubspot':
        return hubspotUndefined(resolveHubSpotMapping(s), funnel);
      case 'salesforce':
        return salesforceUndefined(resolveSalesforceMapping(s), funnel);
      case 'pipedrive':
        return pipedriveUndefined(resolvePipedriveMapping(s), funnel);
      case 'csv':
        return csvMessages(resolveCsvMapping(s));
    }
  };
  const stock = new Set(problems({}));
  return problems(settings).filter((p) => !stock.has(p));
}

/** Validates a funnel from outside (API body, CLI file); the first problem throws a FunnelError. */
export function parseFunnel(input: unknown): Funnel {
  const r = FunnelSchema.safeParse(input ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new FunnelError(issue.path.map(String).join('.') || 'funnel', issue.message);
  }
  const funnel = r.data;
  for (const crm of FUNNEL_CRMS) {
    const settings = funnel.crm[crm];
    if (settings === undefined) continue;
    const [first] = mappingProblems(crm, settings, funnel.milestones);
    if (first !== undefined) {
      const colon = first.indexOf(': ');
      throw new FunnelError(`crm.${crm}.${first.slice(0, colon)}`, first.slice(colon + 2));
    }
  }
  return funnel;
}

export async function funnelFor(store: Store, workspaceId: string): Promise<Funnel> {
  const raw = await store.getSetting(workspaceId, FUNNEL_SETTINGS);
  // stored funnels were validated on the way in; parsing again fills defaults added since
  return raw === undefined || raw === null ? DEFAULT_FUNNEL : parseFunnel(raw);
}

/** The reason a milestone name is refused, naming the funnel's; null when the funnel defines it. */
export function unknownMilestone(funnel: Funnel, name: string): string | null {
  return funnel.milestones.includes(name)
    ? null
    : `"${name}" is not a milestone of the funnel; the known ones are ${funnel.milestones.join(', ')}`;
}

/** The stock mappings a workspace's own settings are laid over, per CRM, as they are in force. */
export function stockMappings(): Record<FunnelCrm, Record<string, unknown>> {
  const hubspot = resolveHubSpotMapping({});
  const salesforce = resolveSalesforceMapping({});
  const pipedrive = resolvePipedriveMapping({});
  const csv = resolveCsvMapping({});
  return {
    hubspot: {
      lifecycleStages: hubspot.lifecycleStages,
      openDealMilestone: hubspot.openDealMilestone,
      wonDealMilestone: hubspot.wonDealMilestone,
      anonymousIdProperty: hubspot.anonymousIdProperty,
      lostReasonProperty: hubspot.lostReasonProperty,
    },
    salesforce: {
      leadStatuses: salesforce.leadStatuses,
      openOpportunityMilestone: salesforce.openOpportunityMilestone,
      wonOpportunityMilestone: salesforce.wonOpportunityMilestone,
      convertedLeadMilestone: salesforce.convertedLeadMilestone,
      createdLeadMilestone: salesforce.createdLeadMilestone,
      createdContactMilestone: salesforce.createdContactMilestone,
      anonymousIdField: salesforce.anonymousIdField,
      lostReasonField: salesforce.lostReasonField,
    },
    pipedrive: {
      openDealMilestone: pipedrive.openDealMilestone,
      wonDealMilestone: pipedrive.wonDealMilestone,
      lostDealMilestone: pipedrive.lostDealMilestone,
      personMilestone: pipedrive.personMilestone,
      anonymousIdField: pipedrive.anonymousIdField,
    },
    csv: {
      contactStages: csv.contactStages,
      createdContactMilestone: csv.createdContactMilestone,
      openDealMilestone: csv.openDealMilestone,
      wonDealMilestone: csv.wonDealMilestone,
      lostDealMilestone: csv.lostDealMilestone,
    },
  };
}
