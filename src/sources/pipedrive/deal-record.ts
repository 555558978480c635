// A Pipedrive deal flattened as it is now, for matching.

import { type CrmMoney, type DealOutcome } from '../crm/records.js';
import { dealAmount, deleted, text, type MappingIssue } from './deal-changes.js';
import { outcomeMilestone, type PipedriveMapping } from './mapping.js';
import { pipedriveTime, type PipedriveDeal } from './schemas.js';

export interface PipedriveDealRecord {
  id: string;
  title: string | null;
  pipeline: string | null;
  stage: string | null;
  stageName: string | null;
  outcome: DealOutcome;
  milestone: string | null;
  amount: CrmMoney | null;
  lostReason: string | null;
  personId: string | null;
  orgId: string | null;
  createdAt: number | null;
  closedAt: number | null;
  deleted: boolean;
}

/** A deal as it is now: its status and stage read by the mapping, its value in minor units. */
export function dealRecord(
  deal: PipedriveDeal,
  mapping: PipedriveMapping,
  issues?: MappingIssue[],
): PipedriveDealRecord {
  const outcome: DealOutcome =
    deal.status === 'won' || deal.status === 'lost' ? deal.status : 'open';
  return {
    id: deal.id,
    title: text(deal.title),
    pipeline: deal.pipeline_id,
    stage: deal.stage_id,
    stageName: deal.stage_id ? (mapping.stages.get(deal.stage_id)?.name ?? null) : null,
    outcome,
    milestone: outcomeMilestone(mapping, outcome, deal.stage_id),
    amount: dealAmount(deal, mapping, issues),
    lostReason: outcome === 'lost' ? text(deal.lost_reason) : null,
    personId: deal.person_id,
    orgId: deal.org_id,
    createdAt: pipedriveTime(deal.add_time),
    closedAt:
      pipedriveTime(deal.close_time) ??
      pipedriveTime(deal.won_time) ??
      pipedriveTime(deal.lost_time),
    deleted: deal.status === 'deleted' || deleted(deal),
  };
}
