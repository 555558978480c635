// The change records of Change Data Capture events, read from the state they leave a record in
// (cdc-state.ts).

import { emptyMatchKeys, type CrmChangeRecord, type CrmObjectType } from '../crm/records.js';
import { foldChangeEvents, stateAsRecord, type CdcState } from './cdc-state.js';
import { opportunityStageRule, type SalesforceMapping } from './mapping.js';
import { money } from './opportunity-changes.js';
import {
  cmp,
  conversionRecord,
  leadBase,
  personMatch,
  record,
  statusRecord,
  text,
  unique,
  type Base,
  type ChangeOptions,
  type MappingIssue,
} from './person-changes.js';
import {
  SalesforcePayloadError,
  parseRecord,
  type SalesforceObjectName,
  type SalesforceRecordOf,
} from './schemas.js';
import { type SalesforceChangeEvent } from './cdc-schemas.js';

const ENTITY_TYPES: Record<string, CrmObjectType> = {
  Lead: 'lead',
  Contact: 'contact',
  Opportunity: 'deal',
  Account: 'company',
};

/** A boolean field as an event sends it (JSON, or the text of a decoded Pub/Sub event). */
const flag = (v: unknown): boolean | undefined =>
  v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined;

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
        // the event that converted it (the state may hold a later event's conversion already)
        if (lead?.IsConverted && sent('IsConverted') && flag(e.fields.IsConverted) === true)
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
        // an event carries no contact roles: the primary contact (Opportunity.ContactId) links the person
        if (o)
          base = {
            ...base,
            match: {
              ...emptyMatchKeys(),
              contactIds: unique([o.ContactId ?? null]),
              companyIds: unique([o.AccountId ?? null]),
            },
          };
        if (o && stage && sent('StageName')) {
          // IsClosed and IsWon change in the stage's own event; the folded state holds the latest
          // stage's, which say nothing of an earlier stage (a later event may already be folded in)
          const own = (name: 'IsClosed' | 'IsWon') =>
            Object.hasOwn(e.fields, name) ? flag(e.fields[name]) : undefined;
          const current = stage === text(o.StageName);
          const rule = opportunityStageRule(mapping, stage, {
            isClosed: own('IsClosed') ?? (current ? o.IsClosed : undefined),
            isWon: own('IsWon') ?? (current ? o.IsWon : undefined),
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
