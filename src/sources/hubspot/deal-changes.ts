// HubSpot deals: flattened as they are now (stage read by the mapping, amount in minor units), and
// each stage in their `dealstage` history as a change record.

import { decimalToMinor } from '../crm/amount.js';
import {
  type CrmChangeRecord,
  type CrmMoney,
  type CrmTimeSource,
  type DealOutcome,
  emptyMatchKeys,
} from '../crm/records.js';
import {
  type ChangeOptions,
  type MappingIssue,
  type RecordBase,
  changesOf,
  stageRecord,
  text,
  timeOf,
} from './contact-changes.js';
import { type HubSpotMapping, type StageHints, dealStageRule } from './mapping.js';
import type { HubSpotCrmObject } from './schemas.js';

export interface HubSpotDealRecord {
  id: string;
  name: string | null;
  pipeline: string | null;
  stage: string | null;
  outcome: DealOutcome;
  milestone: string | null;
  amount: CrmMoney | null;
  lostReason: string | null;
  createdAt: number;
  closedAt: number | null;
  contactIds: string[];
  analyticsSource: { source: string | null; detail1: string | null; detail2: string | null };
  archived: boolean;
}

function dealAmount(
  deal: HubSpotCrmObject,
  mapping: HubSpotMapping,
  issues: MappingIssue[] | undefined,
): CrmMoney | null {
  const raw = text(deal.properties.amount);
  if (raw === null) return null;
  const currency = text(deal.properties.deal_currency_code)?.toLowerCase() ?? mapping.currency;
  if (!currency) {
    issues?.push({
      objectType: 'deal',
      objectId: deal.id,
      message: `amount ${raw} has no currency: the deal has no deal_currency_code and the mapping sets no currency`,
    });
    return null;
  }
  const minor = decimalToMinor(raw, currency);
  if (minor === null)
    issues?.push({
      objectType: 'deal',
      objectId: deal.id,
      message: `amount "${raw}" is not a number`,
    });
  return minor === null ? null : { minor, currency };
}

function hintsOf(deal: HubSpotCrmObject): StageHints {
  const flag = (v: string | null | undefined) =>
    v === 'true' ? true : v === 'false' ? false : undefined;
  return {
    isClosed: flag(deal.properties.hs_is_closed),
    isClosedWon: flag(deal.properties.hs_is_closed_won),
  };
}

/** A deal as it is now: its stage read by the mapping, its amount in minor units of its currency. */
export function dealRecord(
  deal: HubSpotCrmObject,
  mapping: HubSpotMapping,
  contactIds: readonly string[] = [],
  issues?: MappingIssue[],
): HubSpotDealRecord {
  const p = deal.properties;
  const pipeline = text(p.pipeline);
  const stage = text(p.dealstage);
  const rule = stage
    ? dealStageRule(mapping, pipeline, stage, hintsOf(deal))
    : { outcome: 'open' as const, milestone: null, known: true };
  if (!rule.known) {
    issues?.push({
      objectType: 'deal',
      objectId: deal.id,
      message: `stage ${stage} of pipeline ${pipeline ?? '(none)'} is not mapped: counted as open`,
    });
  }
  return {
    id: deal.id,
    name: text(p.dealname),
    pipeline,
    stage,
    outcome: rule.outcome,
    milestone: rule.milestone,
    amount: dealAmount(deal, mapping, issues),
    lostReason: rule.outcome === 'lost' ? text(p[mapping.lostReasonProperty]) : null,
    createdAt: Date.parse(deal.createdAt),
    closedAt: timeOf(p.closedate),
    contactIds: [...contactIds],
    analyticsSource: {
      source: text(p.hs_analytics_source),
      detail1: text(p.hs_analytics_source_data_1),
      detail2: text(p.hs_analytics_source_data_2),
    },
    archived: deal.archived === true,
  };
}

/**
 * Every stage a deal entered, dated by its `dealstage` history (a backfill and a re-fetch ask for it),
 * else by `hs_date_entered_<stage>`, else by the snapshot's update time. Each record carries the
 * deal's current pipeline and amount (HubSpot keeps no history of those unless asked), its contacts
 * for matching, and for a lost stage the lost reason. An archived deal adds a `deleted` record.
 */
export function dealChanges(
  deal: HubSpotCrmObject,
  mapping: HubSpotMapping,
  options: ChangeOptions & { contactIds?: readonly string[] } = {},
): CrmChangeRecord[] {
  const now = dealRecord(deal, mapping, options.contactIds, options.issues);
  const match = { ...emptyMatchKeys(), contactIds: [...now.contactIds] };
  const base: RecordBase = {
    account: options.portalId ?? null,
    objectType: 'deal',
    objectId: deal.id,
    match,
  };
  const hints = hintsOf(deal);
  const record = (stage: string, at: number, source: CrmTimeSource) => {
    // HubSpot's verdict on a stage holds only for the stage the deal is in now
    const rule = dealStageRule(mapping, now.pipeline, stage, stage === now.stage ? hints : {});
    return stageRecord(base, 'deal_stage', stage, at, source, {
      pipeline: now.pipeline,
      milestone: rule.milestone,
      outcome: rule.outcome,
      amount: now.amount,
      lostReason:
        rule.outcome === 'lost' ? text(deal.properties[mapping.lostReasonProperty]) : null,
    });
  };
  const out: CrmChangeRecord[] = changesOf(deal, 'dealstage').map((h) =>
    record(h.value, h.at, 'history'),
  );
  if (out.length === 0 && now.stage) {
    const entered = timeOf(deal.properties[`hs_date_entered_${now.stage}`]);
    out.push(
      entered !== null
        ? record(now.stage, entered, 'stage_date')
        : record(now.stage, Date.parse(deal.updatedAt), 'snapshot'),
    );
  }
  if (deal.archived) {
    const at = timeOf(deal.archivedAt) ?? Date.parse(deal.updatedAt);
    out.push({
      ...record(now.stage ?? '', at, 'snapshot'),
      key: `hubspot:deal:${deal.id}:deleted:${at}`,
      change: 'deleted',
      stage: null,
      milestone: null,
      outcome: null,
      lostReason: null,
    });
  }
  return out;
}

/**
 * The records webhook events make on their own: deletions, restores and merges of contacts, companies
 * and deals. Stage changes are not among them: a webhook carries no previous value and no pipeline or
 * amount, so the receiver re-fetches the object and maps the snapshot (dealChanges, contactChanges).
 */
