// The change records one Pipedrive webhook makes (v2 or v1): a re-delivery gives the same records.

import {
  emptyMatchKeys,
  type CrmChangeRecord,
  type CrmMatchKeys,
  type CrmObjectType,
} from '../crm/records.js';
import {
  dealMatch,
  dedupe,
  goneRecord,
  stageRecord,
  statusRecord,
  type ChangeOptions,
  type DealPoint,
} from './deal-changes.js';
import { type PipedriveMapping } from './mapping.js';
import { activityChanges, personChanges } from './person-changes.js';
import { isEntityEvent, type PipedriveWebhookEvent } from './webhook-schemas.js';
import { pipedriveTime } from './schemas.js';

export function webhookChanges(
  event: PipedriveWebhookEvent,
  mapping: PipedriveMapping,
  options: Omit<ChangeOptions, 'companyId'> = {},
): CrmChangeRecord[] {
  const opts: ChangeOptions = { ...options, companyId: event.companyId };
  const objectType: CrmObjectType | null =
    event.entity === 'deal'
      ? 'deal'
      : event.entity === 'person'
        ? 'contact'
        : event.entity === 'organization'
          ? 'company'
          : event.entity === 'activity'
            ? 'activity'
            : null;
  if (objectType === null) return [];
  const eventTime: DealPoint = { at: event.timestamp, timeSource: 'event' };
  const out: CrmChangeRecord[] = [];
  const idMatch = (): CrmMatchKeys => ({
    ...emptyMatchKeys(),
    contactIds: objectType === 'contact' ? [event.entityId] : [],
    companyIds: objectType === 'company' ? [event.entityId] : [],
  });
  if (event.action === 'delete') {
    out.push(
      goneRecord(
        objectType,
        event.entityId,
        event.timestamp,
        'event',
        event.mergedToId,
        event.companyId,
        idMatch(),
      ),
    );
    return out;
  }
  if (event.mergedFromId) {
    out.push(
      goneRecord(
        objectType,
        event.mergedFromId,
        event.timestamp,
        'event',
        event.entityId,
        event.companyId,
        {
          ...emptyMatchKeys(),
          contactIds: objectType === 'contact' ? [event.mergedFromId] : [],
          companyIds: objectType === 'company' ? [event.mergedFromId] : [],
        },
      ),
    );
  }
  if (isEntityEvent(event, 'person') && event.data) {
    if (event.action === 'create')
      out.push(...personChanges(event.data, mapping, opts).filter((r) => r.change !== 'deleted'));
  } else if (isEntityEvent(event, 'activity') && event.data) {
    const retyped =
      event.action === 'change' && event.previous !== null && 'type' in event.previous;
    if (event.action === 'create' || retyped)
      out.push(...activityChanges(event.data, mapping, opts));
  } else if (isEntityEvent(event, 'deal') && event.data) {
    const deal = event.data;
    const prev = event.previous ?? {};
    const stage = deal.stage_id;
    const pipeline = deal.pipeline_id;
    const dated = (time: string | null | undefined): DealPoint => {
      const at = pipedriveTime(time);
      return at !== null ? { at, timeSource: 'stage_date' } : eventTime;
    };
    if (event.action === 'create') {
      out.push(stageRecord(deal, mapping, opts, stage, pipeline, dated(deal.add_time)));
      if (deal.status === 'won' || deal.status === 'lost')
        out.push(
          statusRecord(
            deal,
            mapping,
            opts,
            deal.status,
            stage,
            pipeline,
            dated(
              deal.status === 'won'
                ? (deal.won_time ?? deal.close_time)
                : (deal.lost_time ?? deal.close_time),
            ),
          ),
        );
    } else {
      if ('stage_id' in prev && prev.stage_id !== stage && (deal.status ?? 'open') === 'open')
        out.push(stageRecord(deal, mapping, opts, stage, pipeline, dated(deal.stage_change_time)));
      if ('status' in prev && prev.status !== deal.status && deal.status) {
        if (deal.status === 'deleted')
          out.push(
            goneRecord(
              'deal',
              deal.id,
              event.timestamp,
              'event',
              null,
              event.companyId,
              dealMatch(deal),
            ),
          );
        else if (deal.status === 'open')
          out.push(
            statusRecord(deal, mapping, opts, 'open', stage, pipeline, dated(deal.update_time)),
          );
        else
          out.push(
            statusRecord(
              deal,
              mapping,
              opts,
              deal.status,
              stage,
              pipeline,
              dated(
                deal.status === 'won'
                  ? (deal.won_time ?? deal.close_time)
                  : (deal.lost_time ?? deal.close_time),
              ),
            ),
          );
      }
    }
  }
  return dedupe(out);
}
