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
import { decimalToMinor } from '../crm/amount.js';
import {
  DEFAULT_MILESTONES,
  MILESTONE_NAME,
  emptyMatchKeys,
  type CrmChangeRecord,
  type CrmMatchKeys,
  type CrmMoney,
  type CrmObjectType,
  type CrmTimeSource,
  type DealOutcome,
} from '../crm/records.js';
import { foldChangeEvents, stateAsRecord, type CdcState } from './cdc-state.js';
import type { OutboundRecords } from './outbound-message.js';
import {
  parseRecord,
  SalesforcePayloadError,
  type SalesforceChangeEvent,
  type SalesforceContact,
  type SalesforceLead,
  type SalesforceLeadStatus,
  type SalesforceObjectName,
  type SalesforceOpportunity,
  type SalesforceOpportunityContactRole,
  type SalesforceOpportunityHistory,
  type SalesforceOpportunityStage,
  type SalesforceRecordOf,
} from './schemas.js';

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

// ---------------------------------------------------------------------------------------------------
// Records

/** Something a record did not tell us: the object and what is missing or unknown. */
export interface MappingIssue {
  objectType: CrmObjectType;
  objectId: string;
  message: string;
}

export interface ChangeOptions {
  /** The org's id (`00D...`): the records' `account`. */
  organizationId?: string | null;
  issues?: MappingIssue[];
}

const text = (v: unknown): string | null => {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t ? t : null;
};
const unique = (list: Array<string | null>): string[] => [
  ...new Set(list.filter((v): v is string => v !== null)),
];
const dateMs = (date: string | null): number | null => {
  if (!date) return null;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) ? null : ms;
};
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function personMatch(
  record: SalesforceLead | SalesforceContact,
  mapping: SalesforceMapping,
  ids: { contactIds: Array<string | null>; companyIds: Array<string | null> },
): CrmMatchKeys {
  return {
    emails: unique([text(record.Email)?.toLowerCase() ?? null]),
    phones: unique([text(record.Phone), text(record.MobilePhone)]),
    anonymousIds: unique([text(record[mapping.anonymousIdField])]),
    contactIds: unique(ids.contactIds),
    companyIds: unique(ids.companyIds),
  };
}

interface Base {
  account: string | null;
  objectType: CrmObjectType;
  objectId: string;
  match: CrmMatchKeys;
}

function record(
  base: Base,
  key: string,
  change: CrmChangeRecord['change'],
  at: number,
  timeSource: CrmTimeSource,
  fields: Partial<CrmChangeRecord> = {},
): CrmChangeRecord {
  return {
    key: `salesforce:${base.objectType}:${base.objectId}:${key}`,
    source: 'salesforce',
    account: base.account,
    objectType: base.objectType,
    objectId: base.objectId,
    change,
    occurredAt: at,
    timeSource,
    stage: null,
    pipeline: null,
    milestone: null,
    outcome: null,
    amount: null,
    lostReason: null,
    mergedInto: null,
    match: base.match,
    ...fields,
  };
}

/** The time a snapshot was read at: its last modification, else its system stamp, else `fallback`. */
function snapshotTime(
  r: { LastModifiedDate?: number; SystemModstamp?: number },
  fallback?: number,
) {
  return r.LastModifiedDate ?? r.SystemModstamp ?? fallback ?? null;
}

function statusRecord(
  base: Base,
  mapping: SalesforceMapping,
  status: string,
  at: number,
  timeSource: CrmTimeSource,
  issues: MappingIssue[] | undefined,
): CrmChangeRecord {
  const { milestone, known } = leadStatusMilestone(mapping, status);
  if (!known) {
    issues?.push({
      objectType: 'lead',
      objectId: base.objectId,
      message: `lead status ${JSON.stringify(status)} is not mapped: no milestone`,
    });
  }
  // a dated change is keyed by its time; an undated one (a snapshot's current value) only by its value,
  // so every later snapshot that still cannot date it is the same record
  const when = timeSource === 'snapshot' ? 'snapshot' : String(at);
  return record(base, `Status:${status}:${when}`, 'lifecycle_stage', at, timeSource, {
    stage: status,
    milestone,
  });
}

function conversionRecord(
  base: Base,
  lead: SalesforceLead,
  mapping: SalesforceMapping,
  at: number,
  timeSource: CrmTimeSource,
): CrmChangeRecord {
  const contactId = lead.ConvertedContactId ?? null;
  return record(base, `converted:${contactId ?? 'none'}`, 'converted', at, timeSource, {
    milestone: mapping.convertedLeadMilestone,
    mergedInto: contactId,
    convertedTo: {
      contactId,
      companyId: lead.ConvertedAccountId ?? null,
      dealId: lead.ConvertedOpportunityId ?? null,
    },
  });
}

function leadBase(lead: SalesforceLead, mapping: SalesforceMapping, options: ChangeOptions): Base {
  return {
    account: options.organizationId ?? null,
    objectType: 'lead',
    objectId: lead.Id,
    // a converted lead is matched through the contact and account it became, too
    match: personMatch(lead, mapping, {
      contactIds: [lead.ConvertedContactId ?? null],
      companyIds: [lead.ConvertedAccountId ?? null],
    }),
  };
}

/**
 * A lead's records from a snapshot (a backfill row, a re-fetch, an Outbound Message): its creation
 * (`createdLeadMilestone`), its current status (dated by the snapshot: Salesforce keeps a status's
 * history only with field history tracking), its conversion (dated by ConvertedDate, linking the
 * contact, account and opportunity it became) and its deletion (queryAll's IsDeleted).
 */
export function leadChanges(
  lead: SalesforceLead,
  mapping: SalesforceMapping,
  options: ChangeOptions & { receivedAt?: number } = {},
): CrmChangeRecord[] {
  const base = leadBase(lead, mapping, options);
  const out: CrmChangeRecord[] = [];
  if (lead.CreatedDate !== undefined) {
    out.push(
      record(base, 'created', 'lifecycle_stage', lead.CreatedDate, 'stage_date', {
        milestone: mapping.createdLeadMilestone,
      }),
    );
  }
  const status = text(lead.Status);
  const at = snapshotTime(lead, options.receivedAt);
  if (status && at !== null)
    out.push(statusRecord(base, mapping, status, at, 'snapshot', options.issues));
  if (lead.IsConverted) {
    const converted = dateMs(lead.ConvertedDate);
    if (converted !== null)
      out.push(conversionRecord(base, lead, mapping, converted, 'stage_date'));
    else if (at !== null) out.push(conversionRecord(base, lead, mapping, at, 'snapshot'));
  }
  if (lead.IsDeleted && at !== null)
    out.push(record(base, `deleted:${at}`, 'deleted', at, 'snapshot'));
  return out.sort((a, b) => a.occurredAt - b.occurredAt || cmp(a.key, b.key));
}

/** A contact's records from a snapshot: its creation (`createdContactMilestone`) and its deletion. */
export function contactChanges(
  contact: SalesforceContact,
  mapping: SalesforceMapping,
  options: ChangeOptions & { receivedAt?: number } = {},
): CrmChangeRecord[] {
  const base: Base = {
    account: options.organizationId ?? null,
    objectType: 'contact',
    objectId: contact.Id,
    match: personMatch(contact, mapping, {
      contactIds: [contact.Id],
      companyIds: [contact.AccountId ?? null],
    }),
  };
  const out: CrmChangeRecord[] = [];
  if (contact.CreatedDate !== undefined) {
    out.push(
      record(base, 'created', 'lifecycle_stage', contact.CreatedDate, 'stage_date', {
        milestone: mapping.createdContactMilestone,
      }),
    );
  }
  const at = snapshotTime(contact, options.receivedAt);
  if (contact.IsDeleted && at !== null)
    out.push(record(base, `deleted:${at}`, 'deleted', at, 'snapshot'));
  return out;
}

function money(
  opportunityId: string,
  amount: string | null,
  currencyIsoCode: unknown,
  mapping: SalesforceMapping,
  issues: MappingIssue[] | undefined,
): CrmMoney | null {
  if (amount === null) return null;
  const currency = text(currencyIsoCode)?.toLowerCase() ?? mapping.currency;
  if (!currency) {
    issues?.push({
      objectType: 'deal',
      objectId: opportunityId,
      message: `amount ${amount} has no currency: the org is not multi-currency (no CurrencyIsoCode) and the mapping sets no currency`,
    });
    return null;
  }
  const minor = decimalToMinor(amount, currency);
  if (minor === null) {
    issues?.push({
      objectType: 'deal',
      objectId: opportunityId,
      message: `amount "${amount}" is not a number`,
    });
  }
  return minor === null ? null : { minor, currency };
}

/** The contact ids of an opportunity's roles: the primary first, then the rest by id. */
function roleContacts(
  opportunityId: string,
  roles: readonly SalesforceOpportunityContactRole[],
): string[] {
  const own = roles.filter((r) => r.OpportunityId === opportunityId && !r.IsDeleted);
  own.sort(
    (a, b) => Number(!!b.IsPrimary) - Number(!!a.IsPrimary) || cmp(a.ContactId, b.ContactId),
  );
  return unique(own.map((r) => r.ContactId));
}

/**
 * Every stage an opportunity entered: from its OpportunityHistory rows (dated by their CreatedDate,
 * each with the amount it had then; a row that changed only the amount or the date is no stage change),
 * else its current stage dated by the snapshot. Each record carries the opportunity's contacts (its
 * contact roles, the primary first) and account for matching, and on a lost stage the lost reason. A
 * deleted opportunity (queryAll's IsDeleted) adds a `deleted` record.
 */
export function opportunityChanges(
  opportunity: SalesforceOpportunity,
  mapping: SalesforceMapping,
  options: ChangeOptions & {
    history?: readonly SalesforceOpportunityHistory[];
    contactRoles?: readonly SalesforceOpportunityContactRole[];
    receivedAt?: number;
  } = {},
): CrmChangeRecord[] {
  const o = opportunity;
  const base: Base = {
    account: options.organizationId ?? null,
    objectType: 'deal',
    objectId: o.Id,
    match: {
      ...emptyMatchKeys(),
      contactIds: roleContacts(o.Id, options.contactRoles ?? []),
      companyIds: unique([o.AccountId ?? null]),
    },
  };
  const current = text(o.StageName);
  const hints: StageHints = { isClosed: o.IsClosed, isWon: o.IsWon };
  const stageRecord = (
    stage: string,
    at: number,
    timeSource: CrmTimeSource,
    amount: string | null,
  ) => {
    // Salesforce's verdict holds only for the stage the opportunity is in now
    const rule = opportunityStageRule(mapping, stage, stage === current ? hints : {});
    if (!rule.known) {
      options.issues?.push({
        objectType: 'deal',
        objectId: o.Id,
        message: `stage ${JSON.stringify(stage)} is not mapped: counted as open`,
      });
    }
    const when = timeSource === 'snapshot' ? 'snapshot' : String(at);
    return record(base, `StageName:${stage}:${when}`, 'deal_stage', at, timeSource, {
      stage,
      milestone: rule.milestone,
      outcome: rule.outcome,
      amount: money(o.Id, amount ?? o.Amount ?? null, o.CurrencyIsoCode, mapping, options.issues),
      lostReason: rule.outcome === 'lost' ? text(o[mapping.lostReasonField]) : null,
    });
  };
  const rows = (options.history ?? [])
    .filter((h) => h.OpportunityId === o.Id && !h.IsDeleted && text(h.StageName) !== null)
    .sort((a, b) => a.CreatedDate - b.CreatedDate || cmp(a.Id, b.Id));
  const out: CrmChangeRecord[] = [];
  let previous: string | null = null;
  for (const h of rows) {
    const stage = text(h.StageName)!;
    if (stage === previous) continue;
    previous = stage;
    out.push(stageRecord(stage, h.CreatedDate, 'history', h.Amount ?? null));
  }
  const at = snapshotTime(o, options.receivedAt);
  if (out.length === 0 && current && at !== null)
    out.push(stageRecord(current, at, 'snapshot', null));
  if (o.IsDeleted && at !== null) {
    out.push(record(base, `deleted:${at}`, 'deleted', at, 'snapshot'));
  }
  return out;
}

/** Opportunities with their history and contact roles, grouped for `opportunityChanges`. */
export function opportunitiesChanges(
  details: {
    opportunities: readonly SalesforceOpportunity[];
    history?: readonly SalesforceOpportunityHistory[];
    contactRoles?: readonly SalesforceOpportunityContactRole[];
  },
  mapping: SalesforceMapping,
  options: ChangeOptions = {},
): CrmChangeRecord[] {
  const history = new Map<string, SalesforceOpportunityHistory[]>();
  for (const h of details.history ?? [])
    history.set(h.OpportunityId, [...(history.get(h.OpportunityId) ?? []), h]);
  return details.opportunities.flatMap((o) =>
    opportunityChanges(o, mapping, {
      ...options,
      history: history.get(o.Id) ?? [],
      contactRoles: (details.contactRoles ?? []).filter((r) => r.OpportunityId === o.Id),
    }),
  );
}

/** The records an Outbound Message's leads, contacts and opportunities give (snapshots, undated). */
export function outboundChanges(
  records: OutboundRecords,
  mapping: SalesforceMapping,
  options: ChangeOptions & { receivedAt?: number } = {},
): CrmChangeRecord[] {
  return [
    ...records.leads.flatMap((l) => leadChanges(l.record, mapping, options)),
    ...records.contacts.flatMap((c) => contactChanges(c.record, mapping, options)),
    ...records.opportunities.flatMap((o) => opportunityChanges(o.record, mapping, options)),
  ];
}

// ---------------------------------------------------------------------------------------------------
// Change Data Capture

const ENTITY_TYPES: Record<string, CrmObjectType> = {
  Lead: 'lead',
  Contact: 'contact',
  Opportunity: 'deal',
  Account: 'company',
};

/** A record's folded state read with its object's schema; what does not parse is reported and left. */
function stateRecord<K extends SalesforceObjectName>(
  object: K,
  state: CdcState,
  recordId: string,
  issues: MappingIssue[] | undefined,
): SalesforceRecordOf[K] | null {
  const s = state.records.get(`${object}:${recordId}`);
  if (!s) return null;
  try {
    return parseRecord(object, stateAsRecord(s));
  } catch (err) {
    if (!(err instanceof SalesforcePayloadError)) throw err;
    issues?.push({
      objectType: ENTITY_TYPES[object] ?? 'contact',
      objectId: recordId,
      message: `change events left a field unreadable (${err.message})`,
    });
    return null;
  }
}

/**
 * The records change events give, each dated by its commit (`timeSource: 'event'`): a lead's status, an
 * opportunity's stage (with its amount, outcome and lost reason as the events so far leave them), a
 * lead's conversion, creations, deletions and undeletions. One event with several record ids gives a
 * record for each. `state` is the fold of earlier events (these events are folded into it); gap and
 * overflow events give no records: re-fetch what `cdcRefetches` lists.
 */
export function cdcChanges(
  events: readonly SalesforceChangeEvent[],
  mapping: SalesforceMapping,
  options: ChangeOptions & { state?: CdcState } = {},
): CrmChangeRecord[] {
  const state = foldChangeEvents(events, options.state);
  const out = new Map<string, CrmChangeRecord>();
  const put = (r: CrmChangeRecord) => void (out.has(r.key) || out.set(r.key, r));
  for (const e of events) {
    const objectType = ENTITY_TYPES[e.entityName];
    if (!objectType || e.allRecords || e.changeType.startsWith('GAP_')) continue;
    const at = e.commitTimestamp;
    const sent = (name: string) =>
      e.changeType === 'UPDATE' && e.changedFields.length > 0
        ? e.changedFields.includes(name)
        : Object.hasOwn(e.fields, name);
    for (const id of e.recordIds) {
      const emptyBase: Base = {
        account: options.organizationId ?? null,
        objectType,
        objectId: id,
        match: emptyMatchKeys(),
      };
      let base = emptyBase;
      if (e.entityName === 'Lead') {
        const lead = stateRecord('Lead', state, id, options.issues);
        if (lead) base = leadBase(lead, mapping, options);
        if (e.changeType === 'CREATE')
          put(
            record(base, 'created', 'lifecycle_stage', at, 'event', {
              milestone: mapping.createdLeadMilestone,
            }),
          );
        const status = text(e.fields.Status);
        if (status && sent('Status'))
          put(statusRecord(base, mapping, status, at, 'event', options.issues));
        if (lead?.IsConverted && sent('IsConverted'))
          put(conversionRecord(base, lead, mapping, at, 'event'));
      } else if (e.entityName === 'Contact') {
        const contact = stateRecord('Contact', state, id, options.issues);
        if (contact) {
          base = {
            ...base,
            match: personMatch(contact, mapping, {
              contactIds: [id],
              companyIds: [contact.AccountId ?? null],
            }),
          };
        }
        if (e.changeType === 'CREATE')
          put(
            record(base, 'created', 'lifecycle_stage', at, 'event', {
              milestone: mapping.createdContactMilestone,
            }),
          );
      } else if (e.entityName === 'Opportunity') {
        const o = stateRecord('Opportunity', state, id, options.issues);
        const stage = text(e.fields.StageName);
        if (o)
          base = {
            ...base,
            match: { ...emptyMatchKeys(), companyIds: unique([o.AccountId ?? null]) },
          };
        if (o && stage && sent('StageName')) {
          // IsClosed and IsWon change in the stage's own transaction, so the state holds them
          const rule = opportunityStageRule(mapping, stage, {
            isClosed: o.IsClosed,
            isWon: o.IsWon,
          });
          if (!rule.known) {
            options.issues?.push({
              objectType: 'deal',
              objectId: id,
              message: `stage ${JSON.stringify(stage)} is not mapped: counted as open`,
            });
          }
          put(
            record(base, `StageName:${stage}:${at}`, 'deal_stage', at, 'event', {
              stage,
              milestone: rule.milestone,
              outcome: rule.outcome,
              amount: money(id, o.Amount ?? null, o.CurrencyIsoCode, mapping, options.issues),
              lostReason: rule.outcome === 'lost' ? text(o[mapping.lostReasonField]) : null,
            }),
          );
        }
      }
      if (e.changeType === 'DELETE') put(record(base, `deleted:${at}`, 'deleted', at, 'event'));
      if (e.changeType === 'UNDELETE') put(record(base, `restored:${at}`, 'restored', at, 'event'));
    }
  }
  return [...out.values()].sort((a, b) => a.occurredAt - b.occurredAt || cmp(a.key, b.key));
}
