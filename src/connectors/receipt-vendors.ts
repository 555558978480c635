// What each vendor's stored receipts become, for the receipt loader (receipt-loader.ts): a registry of
// one function per vendor, so a vendor is added by registering its own (Stripe's revenue loader, later).
// A vendor with none registered keeps its receipts, unloaded, and nothing fails.
import type { CrmChangeRecord } from '../sources/crm/index.js';
import {
  objectsToRefetch,
  parseWebhookBody as parseHubSpotBody,
  resolveHubSpotMapping,
  webhookChanges as hubspotWebhookChanges,
} from '../sources/hubspot/index.js';
import { refetchHubSpotChanges } from '../sources/hubspot/refetch.js';
import {
  cdcChanges,
  cdcRefetches,
  foldChangeEvents,
  parseChangeEvents,
  resolveSalesforceMapping,
} from '../sources/salesforce/index.js';
import type { SalesforceClient } from '../sources/salesforce/client-types.js';
import { refetchSalesforceChanges } from '../sources/salesforce/refetch.js';
import type { WebhookReceipt } from '../store/areas/webhook-receipts.js';
import type { Store } from '../store/store.js';
import { receiptMeaning, type ReceiptMappings } from './receipt-changes.js';
import type { OpenedConnector } from './settings.js';
import {
  ReceiptLoadError,
  hubspotClientOf,
  salesforceClientOf,
  type ClientTuning,
} from './vendor-clients.js';

/** A batch of a workspace's unloaded receipts of one vendor, and what reading them may need. */
export interface ReceiptBatch {
  store: Store;
  workspaceId: string;
  /** The receipts to load now, in arrival order. */
  receipts: readonly WebhookReceipt[];
  /** The vendor's connector with its secrets (re-fetches), or undefined when it was deleted. */
  connector: OpenedConnector | undefined;
  /** The workspace's CRM mapping settings per vendor (its funnel's `crm`). */
  crm: CrmSettings;
  tuning: ClientTuning;
}

/** Each CRM's mapping settings as the funnel holds them (each vendor's resolver reads its own). */
export interface CrmSettings {
  hubspot?: unknown;
  salesforce?: unknown;
  pipedrive?: unknown;
}

/** The change records a batch means (re-fetching what it must); throws to leave the batch unloaded. */
export type ReceiptVendorLoader = (batch: ReceiptBatch) => Promise<CrmChangeRecord[]>;

const registry = new Map<string, ReceiptVendorLoader>();

/** Registers (or replaces) the loader of a vendor's receipts. */
export function registerReceiptLoader(vendor: string, loader: ReceiptVendorLoader): void {
  registry.set(vendor, loader);
}

export function receiptLoaderOf(vendor: string): ReceiptVendorLoader | undefined {
  return registry.get(vendor);
}

export function receiptVendors(): string[] {
  return [...registry.keys()];
}

function mappingsOf(b: ReceiptBatch): ReceiptMappings {
  const org = b.connector?.options.organizationId;
  return {
    salesforce: b.crm.salesforce ?? {},
    pipedrive: b.crm.pipedrive ?? {},
    salesforceOrganizationId: typeof org === 'string' ? org : null,
  };
}

const pipedrive: ReceiptVendorLoader = (b) => {
  const mappings = mappingsOf(b);
  return Promise.resolve(b.receipts.flatMap((r) => receiptMeaning(r, mappings).changes));
};

// deletions, restores and merges come with the events; every object an event named is read again
// (webhooks carry no previous value), with the portal it came from
const hubspot: ReceiptVendorLoader = async (b) => {
  const events = b.receipts.flatMap((r) => parseHubSpotBody(JSON.parse(r.body)));
  const portals = new Map<string, string>();
  for (const e of events)
    if ('objectId' in e) portals.set(`${e.objectType}:${e.objectId}`, e.portalId);
  const refetch = objectsToRefetch(events).map((o) => ({
    ...o,
    portalId: portals.get(`${o.objectType}:${o.objectId}`) ?? null,
  }));
  const out = hubspotWebhookChanges(events);
  if (refetch.some((o) => o.objectType !== 'company')) {
    const client = hubspotClientOf(b.connector, b.tuning);
    const mapping = resolveHubSpotMapping(b.crm.hubspot ?? {});
    out.push(...(await refetchHubSpotChanges(client, refetch, mapping)));
  }
  return out;
};

// Outbound Messages carry whole records; CDC events fold into one state across deliveries (a later
// event completes an earlier one), so their changes are read from every CDC receipt stored (same
// records, same keys), and only the records this batch names are read again
const salesforce: ReceiptVendorLoader = async (b) => {
  const mappings = mappingsOf(b);
  const out: CrmChangeRecord[] = [];
  const named = new Set<string>();
  for (const r of b.receipts) {
    if (r.contentType.includes('xml')) out.push(...receiptMeaning(r, mappings).changes);
    else
      for (const e of parseChangeEvents(JSON.parse(r.body)))
        for (const id of e.recordIds) named.add(`${e.entityName}:${id}`);
  }
  if (named.size === 0) return out;
  const all = await b.store.listWebhookReceipts({
    workspaceId: b.workspaceId,
    vendor: 'salesforce',
    limit: 1_000_000,
  });
  const events = all
    .filter((r) => !r.contentType.includes('xml'))
    .flatMap((r) => parseChangeEvents(JSON.parse(r.body)));
  const mapping = resolveSalesforceMapping(mappings.salesforce ?? {});
  const organizationId = mappings.salesforceOrganizationId ?? null;
  const fromEvents = cdcChanges(events, mapping, { organizationId });
  const refetch = cdcRefetches(foldChangeEvents(events)).records.filter((x) =>
    named.has(`${x.entityName}:${x.recordId}`),
  );
  // an UPDATE sends only what changed: a stage entered by an opportunity the events never gave an
  // amount (or, multi-currency, a currency) is read again, and the re-read's record of that stage, the
  // same key valued from OpportunityHistory, is the one stored. Without API credentials the events
  // load as they are (the amount unknown); only gap events need the re-read to load at all.
  const required = refetch.length;
  const listed = new Set(refetch.map((x) => `${x.entityName}:${x.recordId}`));
  for (const r of fromEvents) {
    const ref = `Opportunity:${r.objectId}`;
    if (r.change !== 'deal_stage' || r.amount !== null || listed.has(ref) || !named.has(ref))
      continue;
    listed.add(ref);
    refetch.push({ entityName: 'Opportunity', recordId: r.objectId });
  }
  if (refetch.length === 0) return [...out, ...fromEvents];
  let client: SalesforceClient;
  try {
    client = salesforceClientOf(b.connector, b.tuning);
  } catch (err) {
    if (required === 0 && err instanceof ReceiptLoadError) return [...out, ...fromEvents];
    throw err;
  }
  const reread = await refetchSalesforceChanges(client, refetch, mapping, { organizationId });
  const rereadKeys = new Set(reread.map((r) => r.key));
  return [...out, ...fromEvents.filter((r) => !rereadKeys.has(r.key)), ...reread];
};

registerReceiptLoader('hubspot', hubspot);
registerReceiptLoader('salesforce', salesforce);
registerReceiptLoader('pipedrive', pipedrive);
