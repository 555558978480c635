// What a stored webhook receipt means, read again from the receipt alone (pure): the CRM change records
// its vendor's mapping gives, the objects to re-fetch (HubSpot and Salesforce CDC deliveries carry no
// previous values), and Stripe's events for the revenue layer. Receipts are facts, so a mapping change
// re-reads them; the same receipt always gives the same records (same keys).
import type { CrmChangeRecord } from '../sources/crm/index.js';
import {
  objectsToRefetch,
  parseWebhookBody as parseHubSpotBody,
  webhookChanges as hubspotWebhookChanges,
} from '../sources/hubspot/index.js';
import {
  parseWebhookText as parsePipedriveText,
  resolvePipedriveMapping,
  webhookChanges as pipedriveWebhookChanges,
} from '../sources/pipedrive/index.js';
import {
  cdcChanges,
  cdcRefetches,
  foldChangeEvents,
  outboundChanges,
  outboundRecords,
  parseChangeEvents,
  parseOutboundMessage,
  resolveSalesforceMapping,
} from '../sources/salesforce/index.js';
import { parseStripeEvent, type ParsedStripeEvent } from '../sources/stripe/index.js';
import type { WebhookReceipt } from '../store/areas/webhook-receipts.js';
import type { Store } from '../store/store.js';

export interface ReceiptMeaning {
  /** CRM change records (HubSpot: deletions, restores, merges; stage changes come from the re-fetch). */
  changes: CrmChangeRecord[];
  /** Objects whose current state must be read from the vendor's API (`${objectType}:${id}`). */
  refetch: string[];
  /** Stripe's events, for the revenue layer's histories (historiesFromEvents). */
  stripeEvents: ParsedStripeEvent[];
}

/** The funnel mappings of a workspace's CRM connectors (each vendor's settings; defaults when unset). */
export interface ReceiptMappings {
  salesforce?: unknown;
  pipedrive?: unknown;
  salesforceOrganizationId?: string | null;
}

const none = (): ReceiptMeaning => ({ changes: [], refetch: [], stripeEvents: [] });

/** One receipt's meaning. It was verified and read once already: a receipt that no longer reads throws. */
export function receiptMeaning(r: WebhookReceipt, mappings: ReceiptMappings = {}): ReceiptMeaning {
  const out = none();
  switch (r.vendor) {
    case 'hubspot': {
      const events = parseHubSpotBody(JSON.parse(r.body));
      out.changes = hubspotWebhookChanges(events);
      out.refetch = objectsToRefetch(events).map((o) => `${o.objectType}:${o.objectId}`);
      return out;
    }
    case 'pipedrive':
      out.changes = pipedriveWebhookChanges(
        parsePipedriveText(r.body),
        resolvePipedriveMapping(mappings.pipedrive ?? {}),
      );
      return out;
    case 'salesforce': {
      const mapping = resolveSalesforceMapping(mappings.salesforce ?? {});
      const organizationId = mappings.salesforceOrganizationId ?? null;
      if (r.contentType.includes('xml')) {
        const message = parseOutboundMessage(r.body);
        out.changes = outboundChanges(outboundRecords(message), mapping, { organizationId });
        return out;
      }
      const events = parseChangeEvents(JSON.parse(r.body));
      out.changes = cdcChanges(events, mapping, { organizationId });
      out.refetch = cdcRefetches(foldChangeEvents(events)).records.map(
        (x) => `${x.entityName}:${x.recordId}`,
      );
      return out;
    }
    case 'stripe':
      out.stripeEvents = [parseStripeEvent(JSON.parse(r.body))];
      return out;
    default:
      return out;
  }
}

/**
 * A workspace's stored receipts of one vendor, read into change records (by key: a record given by two
 * receipts is one), without re-fetching. The receipt loader (receipt-loader.ts) is what hands receipts
 * on to the CRM facts, re-fetching what they name; this reads them all at once (inspection, tests).
 */
export async function workspaceReceiptChanges(
  store: Store,
  workspaceId: string,
  vendor: string,
  mappings: ReceiptMappings = {},
): Promise<ReceiptMeaning> {
  const receipts = await store.listWebhookReceipts({ workspaceId, vendor, limit: 1_000_000 });
  const changes = new Map<string, CrmChangeRecord>();
  const refetch = new Set<string>();
  const stripeEvents: ParsedStripeEvent[] = [];
  // change events fold into one state across deliveries (a later event completes an earlier one), so
  // Salesforce CDC and HubSpot events are read together, not receipt by receipt
  const cdc: ReturnType<typeof parseChangeEvents> = [];
  const hubspot: ReturnType<typeof parseHubSpotBody> = [];
  for (const r of receipts) {
    if (r.vendor === 'salesforce' && !r.contentType.includes('xml')) {
      cdc.push(...parseChangeEvents(JSON.parse(r.body)));
      continue;
    }
    if (r.vendor === 'hubspot') {
      hubspot.push(...parseHubSpotBody(JSON.parse(r.body)));
      continue;
    }
    const m = receiptMeaning(r, mappings);
    for (const c of m.changes) if (!changes.has(c.key)) changes.set(c.key, c);
    stripeEvents.push(...m.stripeEvents);
  }
  const folded: ReceiptMeaning[] = [];
  if (cdc.length > 0) {
    const mapping = resolveSalesforceMapping(mappings.salesforce ?? {});
    const organizationId = mappings.salesforceOrganizationId ?? null;
    folded.push({
      changes: cdcChanges(cdc, mapping, { organizationId }),
      refetch: cdcRefetches(foldChangeEvents(cdc)).records.map(
        (x) => `${x.entityName}:${x.recordId}`,
      ),
      stripeEvents: [],
    });
  }
  if (hubspot.length > 0)
    folded.push({
      changes: hubspotWebhookChanges(hubspot),
      refetch: objectsToRefetch(hubspot).map((o) => `${o.objectType}:${o.objectId}`),
      stripeEvents: [],
    });
  for (const m of folded) {
    for (const c of m.changes) if (!changes.has(c.key)) changes.set(c.key, c);
    for (const x of m.refetch) refetch.add(x);
  }
  return { changes: [...changes.values()], refetch: [...refetch], stripeEvents };
}
