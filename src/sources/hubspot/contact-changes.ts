// HubSpot contacts and companies flattened for matching, and a contact's lifecycle stages as change
// records (../crm/records.ts); with the helpers every HubSpot record shares.

import { type CrmChangeRecord, type CrmMatchKeys, type CrmTimeSource } from '../crm/records.js';
import { lifecycleMilestone, type HubSpotMapping } from './mapping.js';
import type { HubSpotCrmObject } from './schemas.js';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Something a payload did not tell us: the object and what is missing or unknown. */
export interface MappingIssue {
  objectType: 'contact' | 'company' | 'deal';
  objectId: string;
  message: string;
}

export const text = (v: string | null | undefined): string | null => {
  const t = v?.trim();
  return t ? t : null;
};
export const timeOf = (iso: string | null | undefined): number | null => {
  const t = text(iso);
  if (!t) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
};
const unique = (list: Array<string | null>): string[] => [
  ...new Set(list.filter((v): v is string => v !== null)),
];

/** The e-mails of a contact: `email` and `hs_additional_emails` (`;`-separated), lower-cased. */
function emailsOf(p: HubSpotCrmObject['properties']): string[] {
  const extra = (p.hs_additional_emails ?? '').split(';');
  return unique([p.email ?? null, ...extra].map((e) => text(e)?.toLowerCase() ?? null));
}

function contactMatch(contact: HubSpotCrmObject, mapping: HubSpotMapping): CrmMatchKeys {
  const p = contact.properties;
  return {
    emails: emailsOf(p),
    phones: unique([text(p.phone), text(p.mobilephone)]),
    anonymousIds: unique([text(p[mapping.anonymousIdProperty])]),
    contactIds: [contact.id],
    companyIds: unique([text(p.associatedcompanyid)]),
  };
}

export interface HubSpotContactRecord {
  id: string;
  emails: string[];
  phones: string[];
  anonymousId: string | null;
  companyId: string | null;
  lifecycleStage: string | null;
  milestone: string | null;
  createdAt: number;
  updatedAt: number;
  /** HubSpot's original source (`PAID_SEARCH`...) and its two detail fields. */
  analyticsSource: { source: string | null; detail1: string | null; detail2: string | null };
  archived: boolean;
}

/** A contact as it is now, flattened for matching. */
export function contactRecord(
  contact: HubSpotCrmObject,
  mapping: HubSpotMapping,
): HubSpotContactRecord {
  const p = contact.properties;
  const match = contactMatch(contact, mapping);
  const stage = text(p.lifecyclestage);
  return {
    id: contact.id,
    emails: match.emails,
    phones: match.phones,
    anonymousId: match.anonymousIds[0] ?? null,
    companyId: match.companyIds[0] ?? null,
    lifecycleStage: stage,
    milestone: stage ? lifecycleMilestone(mapping, stage) : null,
    createdAt: Date.parse(contact.createdAt),
    updatedAt: Date.parse(contact.updatedAt),
    analyticsSource: {
      source: text(p.hs_analytics_source),
      detail1: text(p.hs_analytics_source_data_1),
      detail2: text(p.hs_analytics_source_data_2),
    },
    archived: contact.archived === true,
  };
}

export interface HubSpotCompanyRecord {
  id: string;
  name: string | null;
  /** Lower case, for matching accounts by domain. */
  domain: string | null;
  createdAt: number;
  archived: boolean;
}

export function companyRecord(company: HubSpotCrmObject): HubSpotCompanyRecord {
  return {
    id: company.id,
    name: text(company.properties.name),
    domain: text(company.properties.domain)?.toLowerCase() ?? null,
    createdAt: Date.parse(company.createdAt),
    archived: company.archived === true,
  };
}

/** Past values of a property, oldest first, each a change (a repeat of the value before is not). */
export function changesOf(
  object: HubSpotCrmObject,
  property: string,
): Array<{ value: string; at: number }> {
  const history = object.propertiesWithHistory?.[property] ?? [];
  const entries = history
    .map((h) => ({ value: text(h.value), at: Date.parse(h.timestamp) }))
    .filter((h): h is { value: string; at: number } => h.value !== null)
    .sort((a, b) => a.at - b.at);
  return entries.filter((h, i) => i === 0 || entries[i - 1]!.value !== h.value);
}

export interface RecordBase {
  account: string | null;
  objectType: 'contact' | 'deal';
  objectId: string;
  match: CrmMatchKeys;
}

export function stageRecord(
  base: RecordBase,
  change: 'lifecycle_stage' | 'deal_stage',
  stage: string,
  at: number,
  timeSource: CrmTimeSource,
  fields: Partial<CrmChangeRecord> = {},
): CrmChangeRecord {
  const property = change === 'lifecycle_stage' ? 'lifecyclestage' : 'dealstage';
  // a dated change is keyed by its time; an undated one (the snapshot's current value) only by its
  // value, so every later re-fetch that still cannot date it is the same record
  const when = timeSource === 'snapshot' ? 'snapshot' : String(at);
  return {
    key: `hubspot:${base.objectType}:${base.objectId}:${property}:${stage}:${when}`,
    source: 'hubspot',
    account: base.account,
    objectType: base.objectType,
    objectId: base.objectId,
    change,
    occurredAt: at,
    timeSource,
    stage,
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

export interface ChangeOptions {
  /** The portal id, carried into each record's `account`. */
  portalId?: string | null;
  /** Where to report what could not be mapped. */
  issues?: MappingIssue[];
}

/**
 * The lifecycle stages a contact reached, dated by its `lifecyclestage` history when the snapshot has
 * it, and the stages the history does not date by HubSpot's `hs_lifecyclestage_<stage>_date`; a current stage neither dates is
 * dated by the snapshot's update time (`timeSource: 'snapshot'`).
 */
export function contactChanges(
  contact: HubSpotCrmObject,
  mapping: HubSpotMapping,
  options: ChangeOptions = {},
): CrmChangeRecord[] {
  const base: RecordBase = {
    account: options.portalId ?? null,
    objectType: 'contact',
    objectId: contact.id,
    match: contactMatch(contact, mapping),
  };
  const out = new Map<string, CrmChangeRecord>();
  const put = (stage: string, at: number, source: CrmTimeSource) => {
    const r = stageRecord(base, 'lifecycle_stage', stage, at, source, {
      milestone: lifecycleMilestone(mapping, stage),
    });
    if (!out.has(r.key)) out.set(r.key, r);
  };
  const dated = new Set<string>();
  for (const h of changesOf(contact, 'lifecyclestage')) {
    put(h.value, h.at, 'history');
    dated.add(h.value);
  }
  const fromHistory = new Set(dated);
  for (const [name, value] of Object.entries(contact.properties)) {
    const m = /^hs_lifecyclestage_(.+)_date$/.exec(name);
    const at = timeOf(value);
    // the history, when there is one, dates its stages better (a date property moves on re-entry)
    if (!m || at === null || fromHistory.has(m[1]!)) continue;
    put(m[1]!, at, 'stage_date');
    dated.add(m[1]!);
  }
  const current = text(contact.properties.lifecyclestage);
  if (current && !dated.has(current)) put(current, Date.parse(contact.updatedAt), 'snapshot');
  return [...out.values()].sort((a, b) => a.occurredAt - b.occurredAt || cmp(a.key, b.key));
}
