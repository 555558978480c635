// The objects a HubSpot webhook names, read again as they are now (webhooks carry no previous value,
// no pipeline and no amount) and mapped to change records as a backfill maps them: a deal with its
// `dealstage` history and its contacts, a contact with its lifecycle dates. An object gone since the
// webhook (404) gives nothing here: its deletion or merge came with the webhook itself.
import type { CrmChangeRecord } from '../crm/records.js';
import type { HubSpotClient } from './client.js';
import { contactChanges } from './contact-changes.js';
import { dealChanges } from './deal-changes.js';
import type { HubSpotMapping } from './mapping.js';

/** An object to read again: `deal:123`, `contact:456` (companies give no change records). */
export interface HubSpotRefetch {
  objectType: string;
  objectId: string;
  /** The portal the webhook came from, carried into each record's `account`. */
  portalId?: string | null;
}

/** Each object read once, in turn; a failed read throws (the caller keeps what named it, to retry). */
export async function refetchHubSpotChanges(
  client: HubSpotClient,
  objects: readonly HubSpotRefetch[],
  mapping: HubSpotMapping,
): Promise<CrmChangeRecord[]> {
  const out: CrmChangeRecord[] = [];
  const deals = objects.filter((o) => o.objectType === 'deal');
  const contacts = await client.dealContacts(deals.map((d) => d.objectId));
  const contactsOf = new Map(
    contacts.map((d) => [d.dealId, d.contacts.map((c) => String(c.toObjectId))]),
  );
  for (const o of deals) {
    const deal = await client.getObject('deals', o.objectId);
    if (!deal) continue;
    out.push(
      ...dealChanges(deal, mapping, {
        portalId: o.portalId ?? null,
        contactIds: contactsOf.get(o.objectId) ?? [],
      }),
    );
  }
  for (const o of objects.filter((x) => x.objectType === 'contact')) {
    const contact = await client.getObject('contacts', o.objectId);
    if (contact) out.push(...contactChanges(contact, mapping, { portalId: o.portalId ?? null }));
  }
  return out;
}
