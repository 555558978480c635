// The change records a HubSpot webhook array gives on its own (deletions, merges); property changes
// come from the re-fetched object (webhooks carry no previous value).

import { emptyMatchKeys, type CrmChangeRecord, type CrmObjectType } from '../crm/records.js';

import type { HubSpotWebhookEvent } from './webhook-schemas.js';

export function webhookChanges(events: readonly HubSpotWebhookEvent[]): CrmChangeRecord[] {
  const out: CrmChangeRecord[] = [];
  for (const e of events) {
    if (e.objectType !== 'contact' && e.objectType !== 'company' && e.objectType !== 'deal')
      continue;
    const objectType: CrmObjectType = e.objectType;
    const base = (objectId: string) => ({
      source: 'hubspot' as const,
      account: e.portalId,
      objectType,
      objectId,
      occurredAt: e.occurredAt,
      timeSource: 'event' as const,
      stage: null,
      pipeline: null,
      milestone: null,
      outcome: null,
      amount: null,
      lostReason: null,
      mergedInto: null,
      match: {
        ...emptyMatchKeys(),
        contactIds: objectType === 'contact' ? [objectId] : [],
        companyIds: objectType === 'company' ? [objectId] : [],
      },
    });
    if (e.action === 'deletion' || e.action === 'privacyDeletion') {
      out.push({
        ...base(e.objectId),
        key: `hubspot:${objectType}:${e.objectId}:deleted:${e.occurredAt}`,
        change: 'deleted',
      });
    } else if (e.action === 'restore') {
      out.push({
        ...base(e.objectId),
        key: `hubspot:${objectType}:${e.objectId}:restored:${e.occurredAt}`,
        change: 'restored',
      });
    } else if (e.action === 'merge') {
      for (const merged of e.mergedObjectIds) {
        if (merged === e.primaryObjectId) continue;
        out.push({
          ...base(merged),
          key: `hubspot:${objectType}:${merged}:merged:${e.primaryObjectId}`,
          change: 'merged',
          mergedInto: e.primaryObjectId,
        });
      }
    }
  }
  return out;
}
