// The records a Change Data Capture event left incomplete (a gap event, a diff-only field), read again
// by id over REST (SOQL `WHERE Id IN`) and mapped as a backfill maps them: leads with their history, contacts from their
// snapshot, opportunities with their stage history and contact roles. A record gone since the event
// gives nothing here (its deletion came with the events).
import type { CrmChangeRecord } from '../crm/records.js';
import type { SalesforceClient } from './client-types.js';
import type { SalesforceMapping } from './mapping.js';
import { opportunitiesChanges } from './opportunity-changes.js';
import { contactChanges, leadChanges } from './person-changes.js';

/** A record to read again: its object (`Lead`, `Contact`, `Opportunity`) and id. */
export interface SalesforceRefetch {
  entityName: string;
  recordId: string;
}

const idsOf = (refs: readonly SalesforceRefetch[], entity: string) => [
  ...new Set(refs.filter((r) => r.entityName === entity).map((r) => r.recordId)),
];

/** Each object's records read in one query; a failed read throws (the caller retries later). */
export async function refetchSalesforceChanges(
  client: SalesforceClient,
  refs: readonly SalesforceRefetch[],
  mapping: SalesforceMapping,
  options: { organizationId?: string | null; receivedAt?: number } = {},
): Promise<CrmChangeRecord[]> {
  const out: CrmChangeRecord[] = [];
  // only the records asked for, whatever else an answer holds
  const asked = (ids: readonly string[]) => {
    const set = new Set(ids);
    return (r: { Id: string }) => set.has(r.Id);
  };
  const leads = idsOf(refs, 'Lead');
  if (leads.length > 0) {
    const history = await client.leadHistory(leads);
    for (const l of (await client.byIds('Lead', leads)).filter(asked(leads)))
      out.push(...leadChanges(l, mapping, { ...options, history }));
  }
  const contacts = idsOf(refs, 'Contact');
  if (contacts.length > 0)
    for (const c of (await client.byIds('Contact', contacts)).filter(asked(contacts)))
      out.push(...contactChanges(c, mapping, options));
  const opportunities = idsOf(refs, 'Opportunity');
  if (opportunities.length > 0) {
    const details = await client.opportunityDetails(opportunities);
    const mine = (r: { OpportunityId: string }) => opportunities.includes(r.OpportunityId);
    out.push(
      ...opportunitiesChanges(
        {
          opportunities: details.opportunities.filter(asked(opportunities)),
          history: details.history.filter(mine),
          contactRoles: details.contactRoles.filter(mine),
        },
        mapping,
        options,
      ),
    );
  }
  return out;
}
