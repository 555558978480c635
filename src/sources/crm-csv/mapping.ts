// The CRM import's funnel mapping: which milestone a contact's stage and a deal's stage or status
// give, from the defaults and the workspace's settings.

import { z } from 'zod';
import { MILESTONE_NAME, type DealOutcome } from '../crm/records.js';

import { normalizeStage } from './values.js';

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

/** What a workspace may set for its imports (every field optional; the defaults fill the rest). */
export const CsvMappingSettings = z
  .object({
    /** A contact's stage (as written, any case) to a milestone, or null for none. */
    contactStages: z.record(z.string().min(1), milestoneName).optional(),
    /** Pipeline (as written, or `*`) to a deal stage to its outcome and milestone. */
    dealStages: z.record(z.string().min(1), z.record(z.string().min(1), stageRule)).optional(),
    /** A contact's `created_at`. Default `lead`. */
    createdContactMilestone: milestoneName.optional(),
    openDealMilestone: milestoneName.optional(),
    wonDealMilestone: milestoneName.optional(),
    lostDealMilestone: milestoneName.optional(),
  })
  .strict();
export type CsvMappingSettings = z.infer<typeof CsvMappingSettings>;

/** The default milestone of contact stages, by their normalized name. */
export const DEFAULT_CONTACT_STAGES: Readonly<Record<string, string | null>> = {
  subscriber: 'lead',
  new: 'lead',
  lead: 'lead',
  mql: 'mql',
  marketing_qualified_lead: 'mql',
  marketingqualifiedlead: 'mql',
  sql: 'sql',
  sales_qualified_lead: 'sql',
  salesqualifiedlead: 'sql',
  opportunity: 'opportunity',
  customer: 'customer',
  evangelist: 'customer',
  other: null,
  unqualified: null,
  disqualified: null,
};

/** Deal stages whose name says the outcome (Salesforce's "Closed Won", HubSpot's `closedwon`...). */
export const DEFAULT_DEAL_OUTCOMES: Readonly<Record<string, DealOutcome>> = {
  won: 'won',
  closed_won: 'won',
  closedwon: 'won',
  lost: 'lost',
  closed_lost: 'lost',
  closedlost: 'lost',
};

export interface CsvMapping {
  contactStages: Readonly<Record<string, string | null>>;
  dealStages: ReadonlyMap<string, ReadonlyMap<string, z.infer<typeof stageRule>>>;
  createdContactMilestone: string | null;
  openDealMilestone: string | null;
  wonDealMilestone: string | null;
  lostDealMilestone: string | null;
}

export class CsvMappingError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'CsvMappingError';
  }
}

export function resolveCsvMapping(settings: unknown = {}): CsvMapping {
  const parsed = CsvMappingSettings.safeParse(settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(root)';
    throw new CsvMappingError(path, `${path}: ${issue.message}`);
  }
  const s = parsed.data;
  const pick = (m: string | null | undefined, d: string | null) => (m === undefined ? d : m);
  const contactStages: Record<string, string | null> = { ...DEFAULT_CONTACT_STAGES };
  for (const [k, v] of Object.entries(s.contactStages ?? {})) contactStages[normalizeStage(k)] = v;
  const dealStages = new Map<string, Map<string, z.infer<typeof stageRule>>>();
  for (const [pipeline, rules] of Object.entries(s.dealStages ?? {}))
    dealStages.set(
      pipeline === '*' ? '*' : normalizeStage(pipeline),
      new Map(Object.entries(rules).map(([k, v]) => [normalizeStage(k), v])),
    );
  return {
    contactStages,
    dealStages,
    createdContactMilestone: pick(s.createdContactMilestone, 'lead'),
    openDealMilestone: pick(s.openDealMilestone, 'opportunity'),
    wonDealMilestone: pick(s.wonDealMilestone, 'customer'),
    lostDealMilestone: pick(s.lostDealMilestone, null),
  };
}
