// Pipedrive deals as the vendor-neutral change records of ../crm/records.ts.
//
// A Pipedrive deal has a stage (per pipeline, with account-specific ids) and, apart from it, a status:
// open, won, lost or deleted. A won deal stays in its last stage. So a deal gives two kinds of record:
// - entering a stage: outcome open, milestone by the workspace's rule for that stage, else
//   `openDealMilestone` (default `opportunity`);
// - its status changing: outcome won or lost (milestone `wonDealMilestone`, default `customer`;
//   `lostDealMilestone`, default none, with Pipedrive's `lost_reason`), or open again when reopened.
//
// Records are dated, in this order of preference:
// 1. by the deal's changelog (a backfill reads it);
// 2. by the deal's own times (`add_time`, `stage_change_time`, `won_time`, `lost_time`);
// 3. by the webhook's `meta.timestamp`.
// Keys hold the object, the change and the time to the second. A webhook and a backfill of the same
// change therefore give the same key, and a re-delivered webhook changes nothing.

import { decimalToMinor } from '../crm/amount.js';
import {
  emptyMatchKeys,
  type CrmChangeRecord,
  type CrmMatchKeys,
  type CrmMoney,
  type CrmObjectType,
  type CrmTimeSource,
} from '../crm/records.js';
import { outcomeMilestone, stageMilestone, type PipedriveMapping } from './mapping.js';
import {
  pipedriveTime,
  type PipedriveChangelogEntry,
  type PipedriveDeal,
  type PipedriveDealStatus,
} from './schemas.js';

/** Something a payload did not tell us: the object and what is missing or unknown. */
export interface MappingIssue {
  objectType: CrmObjectType;
  objectId: string;
  message: string;
}

export interface ChangeOptions {
  /** The company id (`meta.company_id`), carried into each record's `account`. */
  companyId?: string | null;
  issues?: MappingIssue[];
}

export const text = (v: string | null | undefined): string | null => {
  const t = v?.trim();
  return t ? t : null;
};
export const unique = (list: Array<string | null | undefined>): string[] => [
  ...new Set(list.filter((v): v is string => typeof v === 'string' && v !== '')),
];
/** Seconds are all Pipedrive keeps; a webhook's millisecond time is cut to match. */
export const toSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

export function deleted(o: {
  is_deleted?: boolean;
  active_flag?: boolean;
  deleted?: boolean;
  active?: boolean;
}) {
  return o.is_deleted === true || o.deleted === true || o.active_flag === false;
}

export function dealAmount(
  deal: Partial<PipedriveDeal> & { id: string },
  mapping: PipedriveMapping,
  issues?: MappingIssue[],
): CrmMoney | null {
  if (deal.value === null || deal.value === undefined) return null;
  const currency = text(deal.currency)?.toLowerCase() ?? mapping.currency;
  if (!currency) {
    issues?.push({
      objectType: 'deal',
      objectId: deal.id,
      message: `value ${deal.value} has no currency`,
    });
    return null;
  }
  // the value is a float in major units; its decimal text is read digit by digit
  const minor = decimalToMinor(String(deal.value), currency);
  if (minor === null)
    issues?.push({
      objectType: 'deal',
      objectId: deal.id,
      message: `value ${deal.value} is not an amount`,
    });
  return minor === null ? null : { minor, currency };
}

export function dealMatch(deal: Partial<PipedriveDeal>): CrmMatchKeys {
  return {
    ...emptyMatchKeys(),
    contactIds: unique([deal.person_id]),
    companyIds: unique([deal.org_id]),
  };
}

export interface DealPoint {
  at: number;
  timeSource: CrmTimeSource;
}

function dealRecordBase(
  deal: Partial<PipedriveDeal> & { id: string },
  mapping: PipedriveMapping,
  options: ChangeOptions,
) {
  return {
    source: 'pipedrive' as const,
    account: options.companyId ?? null,
    objectType: 'deal' as const,
    objectId: deal.id,
    amount: dealAmount(deal, mapping, options.issues),
    lostReason: null as string | null,
    mergedInto: null as string | null,
    match: dealMatch(deal),
  };
}

export function stageRecord(
  deal: Partial<PipedriveDeal> & { id: string },
  mapping: PipedriveMapping,
  options: ChangeOptions,
  stageId: string | null,
  pipelineId: string | null,
  when: DealPoint,
): CrmChangeRecord {
  const at = toSecond(when.at);
  return {
    ...dealRecordBase(deal, mapping, options),
    // a deal created in a stage we cannot name is keyed as created
    key:
      stageId === null
        ? `pipedrive:deal:${deal.id}:created:${at}`
        : `pipedrive:deal:${deal.id}:stage:${stageId}:${at}`,
    change: 'deal_stage',
    occurredAt: at,
    timeSource: when.timeSource,
    stage: stageId,
    pipeline: pipelineId ?? (stageId ? (mapping.stages.get(stageId)?.pipelineId ?? null) : null),
    milestone: stageMilestone(mapping, stageId),
    outcome: 'open',
  };
}

export function statusRecord(
  deal: Partial<PipedriveDeal> & { id: string },
  mapping: PipedriveMapping,
  options: ChangeOptions,
  status: Exclude<PipedriveDealStatus, 'deleted'>,
  stageId: string | null,
  pipelineId: string | null,
  when: DealPoint,
): CrmChangeRecord {
  const at = toSecond(when.at);
  return {
    ...dealRecordBase(deal, mapping, options),
    key: `pipedrive:deal:${deal.id}:status:${status}:${at}`,
    change: 'deal_stage',
    occurredAt: at,
    timeSource: when.timeSource,
    stage: stageId,
    pipeline: pipelineId ?? (stageId ? (mapping.stages.get(stageId)?.pipelineId ?? null) : null),
    milestone: outcomeMilestone(mapping, status, stageId),
    outcome: status,
    lostReason: status === 'lost' ? text(deal.lost_reason) : null,
  };
}

export function goneRecord(
  objectType: CrmObjectType,
  objectId: string,
  at: number,
  timeSource: CrmTimeSource,
  mergedInto: string | null,
  account: string | null,
  match: CrmMatchKeys,
): CrmChangeRecord {
  return {
    // a deletion or merge happens once: its key holds no time, so each report of it is one record
    key: mergedInto
      ? `pipedrive:${objectType}:${objectId}:merged:${mergedInto}`
      : `pipedrive:${objectType}:${objectId}:deleted`,
    source: 'pipedrive',
    account,
    objectType,
    objectId,
    change: mergedInto ? 'merged' : 'deleted',
    occurredAt: toSecond(at),
    timeSource,
    stage: null,
    pipeline: null,
    milestone: null,
    outcome: null,
    amount: null,
    lostReason: null,
    mergedInto,
    match,
  };
}

const isStatus = (v: string | null | undefined): v is PipedriveDealStatus =>
  v === 'open' || v === 'won' || v === 'lost' || v === 'deleted';

/**
 * Every stage a deal entered and every status it took, from a backfill: dated by its changelog when
 * one is given (`stage_id`, `pipeline_id` and `status` entries), else by its own times. The stage
 * it was created in is dated by `add_time`.
 */
export function dealChanges(
  deal: PipedriveDeal,
  mapping: PipedriveMapping,
  options: ChangeOptions & { changelog?: readonly PipedriveChangelogEntry[] } = {},
): CrmChangeRecord[] {
  const out: CrmChangeRecord[] = [];
  const added = pipedriveTime(deal.add_time);
  const updated = pipedriveTime(deal.update_time);
  const history = (options.changelog ?? []).filter(
    (e) =>
      (e.field_key === 'stage_id' || e.field_key === 'status' || e.field_key === 'pipeline_id') &&
      pipedriveTime(e.time) !== null,
  );
  const first = (key: string) => history.find((e) => e.field_key === key);
  // the state it was created in: each field's first change's old value, else its value now
  let stage = first('stage_id') ? text(first('stage_id')!.old_value) : deal.stage_id;
  let pipeline = first('pipeline_id') ? text(first('pipeline_id')!.old_value) : deal.pipeline_id;
  let status: PipedriveDealStatus = first('status')
    ? isStatus(first('status')!.old_value)
      ? (first('status')!.old_value as PipedriveDealStatus)
      : 'open'
    : history.length > 0
      ? (deal.status ?? 'open')
      : 'open';
  if (stage === '0') stage = null;
  if (history.length > 0) {
    if (added !== null)
      out.push(
        stageRecord(deal, mapping, options, stage, pipeline, {
          at: added,
          timeSource: 'stage_date',
        }),
      );
    if (status !== 'open' && status !== 'deleted' && added !== null)
      out.push(
        statusRecord(deal, mapping, options, status, stage, pipeline, {
          at: added,
          timeSource: 'stage_date',
        }),
      );
    for (const e of history) {
      const at = pipedriveTime(e.time)!;
      const value = text(e.new_value);
      if (e.field_key === 'pipeline_id') pipeline = value;
      else if (e.field_key === 'stage_id') {
        stage = value;
        if (status === 'open')
          out.push(
            stageRecord(deal, mapping, options, stage, pipeline, { at, timeSource: 'history' }),
          );
      } else if (isStatus(value) && value !== status) {
        status = value;
        if (status === 'deleted')
          out.push(
            goneRecord(
              'deal',
              deal.id,
              at,
              'history',
              null,
              options.companyId ?? null,
              dealMatch(deal),
            ),
          );
        else
          out.push(
            statusRecord(deal, mapping, options, status, stage, pipeline, {
              at,
              timeSource: 'history',
            }),
          );
      }
    }
  } else {
    // no changelog: the stage it is in since `stage_change_time`, and before that the creation
    const entered = pipedriveTime(deal.stage_change_time);
    if (added !== null && (entered === null || toSecond(entered) > toSecond(added)))
      out.push(
        stageRecord(deal, mapping, options, entered === null ? stage : null, pipeline, {
          at: added,
          timeSource: 'stage_date',
        }),
      );
    if (entered !== null)
      out.push(
        stageRecord(deal, mapping, options, stage, pipeline, {
          at: entered,
          timeSource: 'stage_date',
        }),
      );
    if (added === null && entered === null && updated !== null)
      out.push(
        stageRecord(deal, mapping, options, stage, pipeline, {
          at: updated,
          timeSource: 'snapshot',
        }),
      );
    const closed =
      deal.status === 'won'
        ? (pipedriveTime(deal.won_time) ?? pipedriveTime(deal.close_time))
        : deal.status === 'lost'
          ? (pipedriveTime(deal.lost_time) ?? pipedriveTime(deal.close_time))
          : null;
    if (deal.status === 'won' || deal.status === 'lost') {
      const when: DealPoint =
        closed !== null
          ? { at: closed, timeSource: 'stage_date' }
          : { at: updated ?? added ?? 0, timeSource: 'snapshot' };
      out.push(statusRecord(deal, mapping, options, deal.status, stage, pipeline, when));
    }
  }
  if (deal.status === 'deleted' || deleted(deal)) {
    if (!out.some((r) => r.change === 'deleted'))
      out.push(
        goneRecord(
          'deal',
          deal.id,
          updated ?? added ?? 0,
          'snapshot',
          null,
          options.companyId ?? null,
          dealMatch(deal),
        ),
      );
  }
  // the current amount and lost reason hold for every record (Pipedrive keeps no history of them here)
  return dedupe(out);
}

export function dedupe(records: CrmChangeRecord[]): CrmChangeRecord[] {
  const byKey = new Map<string, CrmChangeRecord>();
  for (const r of records) if (!byKey.has(r.key)) byKey.set(r.key, r);
  return [...byKey.values()].sort(
    (a, b) => a.occurredAt - b.occurredAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}
