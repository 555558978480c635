// The CRM facts as rows, for every engine: a change record and a revenue record as their table rows
// (and match-key rows), the first of each key in a batch, and the rows of the CRM queries
// (crm-queries.ts) read back into the area's types. Each engine hands values over in its own JSON
// form; these read both alike.
import {
  stageKeyOf,
  type CrmChangeFact,
  type CrmDealState,
  type CrmMatchCount,
  type CrmMissingRate,
  type CrmStageKey,
  type RevenueFact,
} from '../../areas/crm.js';
import { text, num } from './rows.js';

type Row = Record<string, unknown>;

/** The columns of crm_changes, in order (each engine's schema has these). */
export const CRM_CHANGE_COLUMNS = [
  'workspace_id',
  'key',
  'source',
  'account',
  'object_type',
  'object_id',
  'change',
  'occurred_at',
  'time_source',
  'stage',
  'pipeline',
  'milestone',
  'outcome',
  'amount_minor',
  'currency',
  'lost_reason',
  'merged_into',
  'converted_contact_id',
  'converted_company_id',
  'converted_deal_id',
  'stage_key',
] as const;

/** The match keys' kinds: an identities kind for the first three, CRM ids for the last two. */
export const CRM_MATCH_KINDS = {
  emails: 'email',
  phones: 'phone',
  anonymousIds: 'anonymous_id',
  contactIds: 'contact_id',
  companyIds: 'company_id',
} as const;

/** A change as a crm_changes row (occurred_at as ISO text, each engine reads it as its time). */
export function crmChangeRow(
  ws: string,
  f: CrmChangeFact,
): Record<(typeof CRM_CHANGE_COLUMNS)[number], string | number | null> {
  return {
    workspace_id: ws,
    key: f.key,
    source: f.source,
    account: f.account,
    object_type: f.objectType,
    object_id: f.objectId,
    change: f.change,
    occurred_at: new Date(f.occurredAt).toISOString(),
    time_source: f.timeSource,
    stage: f.stage,
    pipeline: f.pipeline,
    milestone: f.milestone,
    outcome: f.outcome,
    amount_minor: f.amount?.minor ?? null,
    currency: f.amount?.currency ?? null,
    lost_reason: f.lostReason,
    merged_into: f.mergedInto,
    converted_contact_id: f.convertedTo?.contactId ?? null,
    converted_company_id: f.convertedTo?.companyId ?? null,
    converted_deal_id: f.convertedTo?.dealId ?? null,
    stage_key: stageKeyOf(f),
  };
}

export interface CrmMatchKeyRow {
  workspace_id: string;
  key: string;
  kind: string;
  value: string;
  position: number;
}

/** A change's match keys as crm_match_keys rows, each list in its order. */
export function crmMatchRows(
  ws: string,
  f: { key: string; match: CrmChangeFact['match'] },
): CrmMatchKeyRow[] {
  const out: CrmMatchKeyRow[] = [];
  for (const [field, kind] of Object.entries(CRM_MATCH_KINDS) as Array<
    [keyof typeof CRM_MATCH_KINDS, string]
  >)
    f.match[field].forEach((value, position) =>
      out.push({ workspace_id: ws, key: f.key, kind, value, position }),
    );
  return out;
}

/** The changes of a batch to store: the first of each key not stored already. */
export function freshChanges<T extends { key: string }>(
  changes: readonly T[],
  stored: ReadonlySet<string>,
): T[] {
  const seen = new Set(stored);
  const out: T[] = [];
  for (const c of changes) {
    if (seen.has(c.key)) continue;
    seen.add(c.key);
    out.push(c);
  }
  return out;
}

/** The columns of revenue_records, in order. */
export const REVENUE_COLUMNS = [
  'workspace_id',
  'key',
  'source',
  'account',
  'payment_id',
  'occurred_at',
  'amount_minor',
  'currency',
  'deal_id',
  'description',
] as const;

export function revenueRow(
  ws: string,
  r: RevenueFact,
): Record<(typeof REVENUE_COLUMNS)[number], string | number | null> {
  return {
    workspace_id: ws,
    key: r.key,
    source: r.source,
    account: r.account,
    payment_id: r.paymentId,
    occurred_at: new Date(r.occurredAt).toISOString(),
    amount_minor: r.amount.minor,
    currency: r.amount.currency,
    deal_id: r.dealId,
    description: r.description,
  };
}

export function toRevenueFact(
  r: Row,
  keys: ReadonlyMap<string, Map<string, string[]>>,
): RevenueFact {
  const k = keys.get(String(r.key));
  const list = (kind: string) => k?.get(kind) ?? [];
  return {
    key: String(r.key),
    source: String(r.source),
    account: text(r.account),
    paymentId: text(r.payment_id),
    occurredAt: Number(r.occurred_ms),
    amount: { minor: Number(r.amount_minor), currency: String(r.currency) },
    dealId: text(r.deal_id),
    description: text(r.description),
    match: {
      emails: list(CRM_MATCH_KINDS.emails),
      phones: list(CRM_MATCH_KINDS.phones),
      anonymousIds: list(CRM_MATCH_KINDS.anonymousIds),
      contactIds: list(CRM_MATCH_KINDS.contactIds),
      companyIds: list(CRM_MATCH_KINDS.companyIds),
    },
  };
}

/** A stored change, with its match keys (kind -> values in order). */
export function toCrmChange(
  r: Row,
  keys: ReadonlyMap<string, Map<string, string[]>>,
): CrmChangeFact {
  const k = keys.get(String(r.key));
  const list = (kind: string) => k?.get(kind) ?? [];
  const amount = num(r.amount_minor);
  const converted = [r.converted_contact_id, r.converted_company_id, r.converted_deal_id];
  return {
    key: String(r.key),
    source: String(r.source),
    account: text(r.account),
    objectType: String(r.object_type),
    objectId: String(r.object_id),
    change: String(r.change),
    occurredAt: Number(r.occurred_ms),
    timeSource: String(r.time_source),
    stage: text(r.stage),
    pipeline: text(r.pipeline),
    milestone: text(r.milestone),
    outcome: text(r.outcome),
    amount: amount === null ? null : { minor: amount, currency: String(r.currency) },
    lostReason: text(r.lost_reason),
    mergedInto: text(r.merged_into),
    match: {
      emails: list(CRM_MATCH_KINDS.emails),
      phones: list(CRM_MATCH_KINDS.phones),
      anonymousIds: list(CRM_MATCH_KINDS.anonymousIds),
      contactIds: list(CRM_MATCH_KINDS.contactIds),
      companyIds: list(CRM_MATCH_KINDS.companyIds),
    },
    ...(String(r.change) === 'converted'
      ? {
          convertedTo: {
            contactId: text(converted[0]),
            companyId: text(converted[1]),
            dealId: text(converted[2]),
          },
        }
      : {}),
  };
}

/** The match keys of stored rows, grouped: key -> kind -> values in position order. */
export function groupMatchKeys(rows: readonly Row[]): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  for (const r of rows) {
    const key = String(r.key);
    let kinds = out.get(key);
    if (!kinds) out.set(key, (kinds = new Map()));
    const kind = String(r.kind);
    const list = kinds.get(kind) ?? [];
    list.push(String(r.value));
    kinds.set(kind, list);
  }
  return out;
}

export function toCrmStageKey(r: Row): CrmStageKey {
  return {
    stageKey: String(r.stage_key),
    source: String(r.source),
    objectType: String(r.object_type),
    change: String(r.change),
    stage: text(r.stage),
    pipeline: text(r.pipeline),
    outcome: text(r.outcome),
    currency: text(r.currency),
    intakeMilestone: text(r.intake_milestone),
    changes: Number(r.n),
  };
}

export function toCrmMissingRate(r: Row): CrmMissingRate {
  return {
    milestone: String(r.milestone),
    currency: String(r.currency),
    day: String(r.on_day),
    milestones: Number(r.n),
  };
}

export function toCrmMatchCount(r: Row): CrmMatchCount {
  return {
    source: String(r.source),
    objectType: String(r.object_type),
    objects: Number(r.objects),
    matched: Number(r.matched),
  };
}

export function toCrmDeal(r: Row): CrmDealState {
  const amount = num(r.amount_minor);
  return {
    source: String(r.source),
    dealId: String(r.deal_id),
    stage: text(r.stage),
    pipeline: text(r.pipeline),
    outcome: text(r.outcome),
    amount: amount === null ? null : { minor: amount, currency: String(r.currency) },
    lostReason: text(r.lost_reason),
    updatedAt: Number(r.updated_ms),
    personId: text(r.person_id),
  };
}
