// What a CRM connector hands on, whatever the vendor: typed change records (a contact reaching a
// lifecycle stage, a deal entering a pipeline stage, an object deleted or merged), each with the
// milestone the workspace's mapping gives it, the deal's amount in its own currency, the moment it
// happened and the keys a later step matches persons by. A later step stores them as facts; each
// record's `key` is the same however the change reached us (a backfill, a webhook, a re-fetch), so
// storing one twice changes nothing.

/** The funnel's milestones when a workspace has configured none (issue 15: lead -> customer). */
export const DEFAULT_MILESTONES = ['lead', 'mql', 'sql', 'opportunity', 'customer'] as const;

/** A milestone name: lower case, digits and underscores (`meeting_booked`). */
export const MILESTONE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export type CrmSource = 'hubspot' | 'salesforce' | 'pipedrive' | 'csv';
/**
 * `lead`: a person a CRM keeps apart from its contacts until converted (Salesforce's Lead).
 * `activity`: a logged call or meeting (Pipedrive's activities), when a workspace maps its type.
 */
export type CrmObjectType = 'contact' | 'company' | 'deal' | 'lead' | 'activity';
export type DealOutcome = 'open' | 'won' | 'lost';

/** An amount in its currency's minor units (as the revenue layer counts): 1200050 eur is €12,000.50. */
export interface CrmMoney {
  minor: number;
  /** ISO 4217, lower case (as the revenue layer and Stripe write it). */
  currency: string;
}

/** What a record can be matched to a person or account by; every list may be empty. */
export interface CrmMatchKeys {
  /** Trimmed and lower-cased. */
  emails: string[];
  phones: string[];
  /** The tracker's anonymous id, when a form carried it into the CRM. */
  anonymousIds: string[];
  /** The CRM's contact ids: the contact itself, or a deal's contacts. */
  contactIds: string[];
  companyIds: string[];
}

/**
 * Where a record's time comes from: the vendor's property history, a stage-entered date property, the
 * webhook event, or (last resort) the snapshot's own update time when nothing dates the change.
 */
export type CrmTimeSource = 'history' | 'stage_date' | 'event' | 'snapshot';

/** `activity`: an activity of a type the workspace maps to a milestone (a meeting booked). */
export type CrmChange =
  'lifecycle_stage' | 'deal_stage' | 'deleted' | 'restored' | 'merged' | 'converted' | 'activity';

export interface CrmChangeRecord {
  /** The same change has the same key however it reached us; a store keeps one per key. */
  key: string;
  source: CrmSource;
  /** The vendor account: HubSpot's portal id. */
  account: string | null;
  objectType: CrmObjectType;
  objectId: string;
  change: CrmChange;
  /** Epoch ms. */
  occurredAt: number;
  timeSource: CrmTimeSource;
  /** The vendor's own value: a lifecycle stage, a deal stage id, an activity type. */
  stage: string | null;
  pipeline: string | null;
  /** The funnel milestone the mapping gives the stage; null when it gives none. */
  milestone: string | null;
  /** Deals: open, won or lost. */
  outcome: DealOutcome | null;
  /** Deals: the amount as last known (vendors keep no history of it unless asked). */
  amount: CrmMoney | null;
  /** Lost deals: why, as the CRM says. */
  lostReason: string | null;
  /** Merged: the object that remains. */
  mergedInto: string | null;
  match: CrmMatchKeys;
  /** Converted leads: what the conversion made (absent on every other change). */
  convertedTo?: CrmConversion | null;
}

/**
 * What a lead became when it was converted: the contact that carries the person on, and the account
 * and deal the conversion made or joined (each null when the conversion made none).
 */
export interface CrmConversion {
  contactId: string | null;
  companyId: string | null;
  dealId: string | null;
}

export function emptyMatchKeys(): CrmMatchKeys {
  return { emails: [], phones: [], anonymousIds: [], contactIds: [], companyIds: [] };
}
