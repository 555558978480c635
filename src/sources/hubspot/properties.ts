// What the HubSpot client asks for: the object lists, the properties (and histories) a backfill, a
// re-fetch and a search read, and HubSpot's page limits.

/** The object lists a backfill reads. */
export type HubSpotObjectList = 'contacts' | 'companies' | 'deals';

// the stock lifecycle stages, each with a date property HubSpot sets when a contact enters it
const LIFECYCLE_DATES = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
].map((s) => `hs_lifecyclestage_${s}_date`);

/** The properties a backfill and a re-fetch ask for (HubSpot ignores names a portal lacks). */
export const BACKFILL_PROPERTIES: Record<HubSpotObjectList, readonly string[]> = {
  contacts: [
    'email',
    'hs_additional_emails',
    'phone',
    'mobilephone',
    'firstname',
    'lastname',
    'lifecyclestage',
    'hs_lead_status',
    ...LIFECYCLE_DATES,
    'createdate',
    'lastmodifieddate',
    'associatedcompanyid',
    'hs_analytics_source',
    'hs_analytics_source_data_1',
    'hs_analytics_source_data_2',
    'hs_analytics_first_url',
    // the tracker's anonymous id, when a form carried it into a contact property (docs/crm.md)
    'closedloop_anonymous_id',
  ],
  companies: ['name', 'domain', 'lifecyclestage', 'createdate', 'hs_lastmodifieddate'],
  deals: [
    'dealname',
    'amount',
    'deal_currency_code',
    'pipeline',
    'dealstage',
    'closedate',
    'createdate',
    'hs_lastmodifieddate',
    'hs_is_closed',
    'hs_is_closed_won',
    'closed_lost_reason',
    'closed_won_reason',
    'hs_analytics_source',
    'hs_analytics_source_data_1',
    'hs_analytics_source_data_2',
  ],
};

/** Properties read with their history: every stage a deal passed through, with its time. */
export const BACKFILL_HISTORY: Record<HubSpotObjectList, readonly string[]> = {
  contacts: [],
  companies: [],
  deals: ['dealstage'],
};

/** HubSpot answers at most this many objects a page when history is asked for. */
export const HISTORY_PAGE_LIMIT = 50;
/** Inputs of one v4 associations batch read. */
export const ASSOCIATION_BATCH_LIMIT = 1000;

/** The lists an incremental pass searches (companies give no change records). */
export type SearchableList = 'contacts' | 'deals';

/**
 * The last-modified property a search filters and sorts on: contacts keep HubSpot's original
 * `lastmodifieddate`, other objects `hs_lastmodifieddate`.
 */
export const MODIFIED_PROPERTY: Record<SearchableList, string> = {
  contacts: 'lastmodifieddate',
  deals: 'hs_lastmodifieddate',
};

/** Objects a search answers at most per page. */
export const SEARCH_PAGE_LIMIT = 200;
/** Results one search query can page through; beyond, HubSpot answers 400. */
export const SEARCH_RESULT_LIMIT = 10_000;
/** Inputs of one v3 batch read. */
export const BATCH_READ_LIMIT = 100;
