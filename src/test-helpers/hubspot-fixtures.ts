// The replayed HubSpot payloads under src/sources/hubspot/fixtures/, written by hand from HubSpot's
// documented shapes: a webhook array of every subscription type we read, two pages of contacts, one of
// companies, two of deals with their dealstage history, the deal-to-contact associations of those deals
// (v4 batch read) and the portal's deal pipelines (the stock one and a custom one).
import { readFileSync } from 'node:fs';

export const HUBSPOT_FIXTURES = [
  'webhook.batch',
  'contacts.page1',
  'contacts.page2',
  'companies.page1',
  'deals.page1',
  'deals.page2',
  'associations.deals-contacts.batch',
  'pipelines.deals',
] as const;
export type HubSpotFixture = (typeof HUBSPOT_FIXTURES)[number];

/** A fixture's raw text (what a webhook body or an API answer would be). */
export function hubspotFixtureText(name: HubSpotFixture): string {
  return readFileSync(new URL(`../sources/hubspot/fixtures/${name}.json`, import.meta.url), 'utf8');
}

/** A fixture, JSON-parsed: a fresh copy each call, free to change. */
export function hubspotFixture<T = unknown>(name: HubSpotFixture): T {
  return JSON.parse(hubspotFixtureText(name)) as T;
}
