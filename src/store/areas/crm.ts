// The store's CRM area: its types and what an engine must implement for it. CRM changes are facts,
// append-only and keyed (a change re-delivered by a webhook, a backfill or a re-import is stored once);
// the CRM milestones are derived from them under the workspace's funnel, which the domain hands in as
// a mapping from stage keys to milestones (docs/crm.md).

/** An amount in its currency's minor units; the currency lower-case ISO 4217. */
export interface CrmAmount {
  minor: number;
  currency: string;
}

/**
 * One change of one CRM object, vendor-neutral: the shape of src/sources/crm's CrmChangeRecord (the
 * store names it again, as it may not import the sources; the compiler holds the two together where
 * the domain hands one to the other).
 */
export interface CrmChangeFact {
  key: string;
  source: string;
  account: string | null;
  objectType: string;
  objectId: string;
  change: string;
  /** Epoch ms. */
  occurredAt: number;
  timeSource: string;
  stage: string | null;
  pipeline: string | null;
  /** The milestone the connector's mapping gave at intake (kept; the derive maps again). */
  milestone: string | null;
  outcome: string | null;
  amount: CrmAmount | null;
  lostReason: string | null;
  mergedInto: string | null;
  match: {
    emails: string[];
    phones: string[];
    anonymousIds: string[];
    contactIds: string[];
    companyIds: string[];
  };
  convertedTo?: {
    contactId: string | null;
    companyId: string | null;
    dealId: string | null;
  } | null;
}

/**
 * One-off revenue as a source hands it on (src/sources/crm's RevenueRecord): a payment, a refund
 * (negative) or an invoice paid outside any subscription. Its match keys are stored with the changes'.
 */
export interface RevenueFact {
  key: string;
  source: string;
  account: string | null;
  paymentId: string | null;
  /** Epoch ms. */
  occurredAt: number;
  amount: CrmAmount;
  dealId: string | null;
  description: string | null;
  match: CrmChangeFact['match'];
}

export interface CrmAppendResult {
  /** Changes stored now. */
  inserted: number;
  /** Changes whose key was stored already (or repeated in the batch): left as they were. */
  duplicates: number;
  /**
   * Changes naming an erased person (an e-mail or anonymous id erased after the change's time): not
   * stored, as a re-sent event of theirs is not (neutral/crm-erased.ts).
   */
  erased: number;
}

/**
 * A kind of change a funnel maps, with how many facts have it (the derive's mapping is per key), once
 * per currency its amounts are in.
 */
export interface CrmStageKey {
  /** `stageKeyOf` of the fields below: what the derive's mapping is keyed by. */
  stageKey: string;
  source: string;
  objectType: string;
  change: string;
  stage: string | null;
  pipeline: string | null;
  outcome: string | null;
  currency: string | null;
  /** The milestone the connector gave at intake (the mapping's answer when it has no better one). */
  intakeMilestone: string | null;
  changes: number;
}

/** What the derive needs: each stage key's milestone (absent: none), each currency's decimals. */
export interface CrmMilestoneMapping {
  milestones: ReadonlyMap<string, string>;
  /** Decimals of each currency's major unit (2 when absent). */
  exponents: ReadonlyMap<string, number>;
  /** The workspace's currency: amounts are converted to it at their day's rate (none: no value). */
  currency: string;
}

/** Milestones of one kind whose amount in `currency` on `day` (YYYY-MM-DD, UTC) has no rate. */
export interface CrmMissingRate {
  milestone: string;
  currency: string;
  day: string;
  milestones: number;
}

/** CRM objects of one source and type, and how many of them reached a person. */
export interface CrmMatchCount {
  source: string;
  objectType: string;
  objects: number;
  matched: number;
}

/** The current state of a deal: its latest change's stage, outcome, amount and lost reason. */
export interface CrmDealState {
  source: string;
  dealId: string;
  stage: string | null;
  pipeline: string | null;
  outcome: string | null;
  amount: CrmAmount | null;
  lostReason: string | null;
  /** Epoch ms of the latest change. */
  updatedAt: number;
  /** The person the deal was matched to, or null. */
  personId: string | null;
}

/** The text a change's mapping is keyed by: its source, object type, change, stage, pipeline, outcome. */
export function stageKeyOf(f: {
  source: string;
  objectType: string;
  change: string;
  stage: string | null;
  pipeline: string | null;
  outcome: string | null;
}): string {
  // U+001F never appears in a CRM's stage names, so the parts cannot run into each other
  return [f.source, f.objectType, f.change, f.stage ?? '', f.pipeline ?? '', f.outcome ?? ''].join(
    '\u001f',
  );
}

export interface CrmStore {
  /**
   * Stores a batch of change records as facts, durably (committed before it resolves), each key once:
   * a key already stored, or repeated in the batch, is left as it was.
   */
  appendCrmChanges(
    workspaceId: string,
    changes: readonly CrmChangeFact[],
  ): Promise<CrmAppendResult>;
  /** Stores one-off revenue records as facts, as appendCrmChanges does changes (each key once). */
  appendRevenueRecords(
    workspaceId: string,
    records: readonly RevenueFact[],
  ): Promise<CrmAppendResult>;
  /** The workspace's revenue records as stored, by time then key. */
  revenueRecords(workspaceId: string): Promise<RevenueFact[]>;
  /** The workspace's changes as stored, by time then key. */
  crmChanges(workspaceId: string): Promise<CrmChangeFact[]>;
  /** The distinct stage keys of the workspace's changes (what a funnel maps). */
  crmStageKeys(workspaceId: string): Promise<CrmStageKey[]>;
  /**
   * Re-derives the workspace's CRM milestones (every milestone row whose source is `crm:*`) from the
   * changes, the mapping and the persons of the identities table: each person's first time at each
   * milestone, with the amount of the change that reached it in major units. Milestones named `lead`
   * stay the tracker's (rules/lead-milestone.ts). How many milestone rows were written.
   */
  deriveCrmMilestones(workspaceId: string, mapping: CrmMilestoneMapping): Promise<number>;
  /** CRM objects per source and type, and how many reached a person (unmatched ones stay as facts). */
  crmMatchCounts(workspaceId: string): Promise<CrmMatchCount[]>;
  /** Each deal's current state (its latest change), by source and id. */
  crmDeals(workspaceId: string): Promise<CrmDealState[]>;
  /**
   * The CRM milestones (under the mapping) whose amount has no exchange rate to the mapping's currency
   * on its day: their value is unknown, and a report must say so.
   */
  crmMissingRates(workspaceId: string, mapping: CrmMilestoneMapping): Promise<CrmMissingRate[]>;
}
