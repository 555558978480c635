// The replayed Salesforce payloads under src/sources/salesforce/fixtures/, written by hand from
// Salesforce's documented shapes: SOQL pages (two of leads joined by nextRecordsUrl, contacts,
// opportunities in a multi-currency org, their OpportunityHistory and OpportunityContactRole rows, the
// org's OpportunityStage and LeadStatus settings, an org's empty LeadHistory: no field history tracking), an OAuth refresh answer, Change Data Capture events as
// a CometD client receives them, and two Outbound Messages (SOAP).
import { readFileSync } from 'node:fs';

export const SALESFORCE_JSON_FIXTURES = [
  'query.leads.page1',
  'query.leads.page2',
  'query.contacts',
  'query.opportunities',
  'query.opportunity-history',
  'query.contact-roles',
  'query.opportunity-stages',
  'query.lead-statuses',
  'query.lead-history',
  'token.refresh',
  'cdc.events',
] as const;
export type SalesforceJsonFixture = (typeof SALESFORCE_JSON_FIXTURES)[number];
export type SalesforceXmlFixture = 'outbound.opportunity' | 'outbound.lead';

const dir = new URL('../sources/salesforce/fixtures/', import.meta.url);

/** A JSON fixture, parsed: a fresh copy each call, free to change. */
export function salesforceFixture<T = unknown>(name: SalesforceJsonFixture): T {
  return JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as T;
}

/** An Outbound Message's raw body. */
export function salesforceXml(name: SalesforceXmlFixture): string {
  return readFileSync(new URL(`${name}.xml`, dir), 'utf8');
}

/** The fixtures' ids, by who they are. */
export const SF = {
  org: '00D5e0000ORG001AAA',
  adaLead: '00Q5e0000ADA001AAA',
  graceLead: '00Q5e0000GRACE1AAA',
  alanLead: '00Q5e0000ALAN01AAA',
  adaContact: '0035e0000ADA001AAA',
  globexContact: '0035e0000GLOBX1AAA',
  acme: '0015e0000ACME01AAA',
  globex: '0015e0000GLOBX1AAA',
  acmeDeal: '0065e0000DEAL01AAA',
  globexDeal: '0065e0000DEAL02AAA',
  otherDeal: '0065e0000DEAL03AAA',
  gapDeal: '0065e0000DEAL04AAA',
} as const;
