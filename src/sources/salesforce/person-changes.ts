// Salesforce leads and contacts as change records (../crm/records.ts): a lead's Status changes, its
// conversion with its links, a contact's creation and deletion; and the helpers every Salesforce
// record shares (match keys, keys, times).

import {
  type CrmChangeRecord,
  type CrmMatchKeys,
  type CrmObjectType,
  type CrmTimeSource,
} from '../crm/records.js';
import { leadStatusMilestone, type SalesforceMapping } from './mapping.js';
import {
  type SalesforceContact,
  type SalesforceLead,
  type SalesforceLeadHistory,
} from './schemas.js';

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

export const text = (v: unknown): string | null => {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t ? t : null;
};
export const unique = (list: Array<string | null>): string[] => [
  ...new Set(list.filter((v): v is string => v !== null)),
];
const dateMs = (date: string | null): number | null => {
  if (!date) return null;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) ? null : ms;
};
export const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function personMatch(
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

export interface Base {
  account: string | null;
  objectType: CrmObjectType;
  objectId: string;
  match: CrmMatchKeys;
}

export function record(
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
export function snapshotTime(
  r: { LastModifiedDate?: number; SystemModstamp?: number },
  fallback?: number,
) {
  return r.LastModifiedDate ?? r.SystemModstamp ?? fallback ?? null;
}

export function statusRecord(
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

export function conversionRecord(
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

export function leadBase(
  lead: SalesforceLead,
  mapping: SalesforceMapping,
  options: ChangeOptions,
): Base {
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
 * (`createdLeadMilestone`), its current status (dated by the snapshot), its conversion (dated by
 * ConvertedDate, linking the contact, account and opportunity it became) and its deletion (queryAll's
 * IsDeleted). With its LeadHistory rows (field history tracking on Status), every status it passed
 * through is dated to the second, and so is its conversion (the `leadConverted` row): a status passed
 * on the way to the current one is otherwise lost, and ConvertedDate holds no time.
 */
export function leadChanges(
  lead: SalesforceLead,
  mapping: SalesforceMapping,
  options: ChangeOptions & {
    receivedAt?: number;
    history?: readonly SalesforceLeadHistory[];
  } = {},
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
  const rows = (options.history ?? []).filter((h) => h.LeadId === lead.Id && !h.IsDeleted);
  for (const h of rows) {
    const value = h.Field === 'Status' ? text(h.NewValue) : null;
    if (value)
      out.push(statusRecord(base, mapping, value, h.CreatedDate, 'history', options.issues));
  }
  const status = text(lead.Status);
  const at = snapshotTime(lead, options.receivedAt);
  if (status && at !== null)
    out.push(statusRecord(base, mapping, status, at, 'snapshot', options.issues));
  if (lead.IsConverted) {
    const convertedAt = rows
      .filter((h) => h.Field === 'leadConverted')
      .reduce<number | null>((m, h) => (m === null || h.CreatedDate < m ? h.CreatedDate : m), null);
    const converted = dateMs(lead.ConvertedDate);
    if (convertedAt !== null)
      out.push(conversionRecord(base, lead, mapping, convertedAt, 'history'));
    else if (converted !== null)
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
