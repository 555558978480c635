// Salesforce opportunities as change records: each stage in OpportunityHistory (or the current
// stage), with its amount in minor units of its currency and its contacts by role; and the records an
// Outbound Message's snapshots give.

import { decimalToMinor } from '../crm/amount.js';
import {
  emptyMatchKeys,
  type CrmChangeRecord,
  type CrmMoney,
  type CrmTimeSource,
} from '../crm/records.js';
import { opportunityStageRule, type SalesforceMapping, type StageHints } from './mapping.js';
import type { OutboundRecords } from './outbound-message.js';
import {
  cmp,
  contactChanges,
  leadChanges,
  record,
  snapshotTime,
  text,
  unique,
  type Base,
  type ChangeOptions,
  type MappingIssue,
} from './person-changes.js';
import {
  type SalesforceOpportunity,
  type SalesforceOpportunityContactRole,
  type SalesforceOpportunityHistory,
} from './schemas.js';

export function money(
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
