// What the Salesforce client asks for: the objects a backfill reads and their fields, and the SOQL it
// writes (Salesforce's query language, sent to its API; not an engine's SQL).

import { type SalesforceObjectName } from './schemas.js';

/** The objects a backfill reads, in its order. */
export const BACKFILL_OBJECTS = [
  'Lead',
  'Contact',
  'Opportunity',
  'OpportunityHistory',
  'OpportunityContactRole',
] as const satisfies readonly SalesforceObjectName[];

/** The fields each object is read with (`extraFields` adds custom ones). */
export const BACKFILL_FIELDS: Record<SalesforceObjectName, readonly string[]> = {
  Lead: [
    'Id',
    'Email',
    'Phone',
    'MobilePhone',
    'FirstName',
    'LastName',
    'Company',
    'Status',
    'LeadSource',
    'IsConverted',
    'ConvertedDate',
    'ConvertedContactId',
    'ConvertedAccountId',
    'ConvertedOpportunityId',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
  ],
  Contact: [
    'Id',
    'AccountId',
    'Email',
    'Phone',
    'MobilePhone',
    'FirstName',
    'LastName',
    'LeadSource',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
  ],
  Opportunity: [
    'Id',
    'Name',
    'AccountId',
    'StageName',
    'Amount',
    'CloseDate',
    'IsClosed',
    'IsWon',
    'Probability',
    'ForecastCategoryName',
    'Type',
    'LeadSource',
    'CampaignId',
    'CreatedDate',
    'LastModifiedDate',
    'SystemModstamp',
  ],
  OpportunityHistory: [
    'Id',
    'OpportunityId',
    'StageName',
    'Amount',
    'CloseDate',
    'Probability',
    'ForecastCategory',
    'CreatedDate',
    'SystemModstamp',
  ],
  OpportunityContactRole: [
    'Id',
    'OpportunityId',
    'ContactId',
    'Role',
    'IsPrimary',
    'CreatedDate',
    'SystemModstamp',
  ],
  // read with the leads it dates (it has no SystemModstamp: a lead's change moves the lead's own)
  LeadHistory: ['Id', 'LeadId', 'Field', 'OldValue', 'NewValue', 'CreatedDate'],
};

/** Salesforce's default API version for this client; any `vNN.N` can be configured. */
export const DEFAULT_API_VERSION = '62.0';
/** Ids in one `WHERE Id IN (...)` (keeps the query well under the URL length limit). */
export const IDS_PER_QUERY = 200;

export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/**
 * A SOQL statement: Salesforce's query language, run by Salesforce's API (not engine SQL, which the
 * lint keeps under src/store/engines/). Field and object names are ours or checked; ids are checked.
 */
export function soqlSelect(fields: readonly string[], object: string, rest = ''): string {
  // eslint-disable-next-line no-restricted-syntax -- SOQL sent to Salesforce, not an engine's SQL
  return `SELECT ${fields.join(', ')} FROM ${object}${rest}`;
}

/** SOQL's datetime literal: seconds precision, UTC. Floors milliseconds (the read is inclusive). */
export function soqlDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
