/** The shapes the simulator hands to writers. Writers turn them into files (or anything else). */

/** Segment-spec event, as analytics.js would send it. */
export interface SegmentPageContext {
  url: string;
  path: string;
  referrer: string;
  title: string;
  search: string;
}

export interface SegmentCampaign {
  name?: string;
  source?: string;
  medium?: string;
  term?: string;
  content?: string;
}

export interface SegmentContext {
  page: SegmentPageContext;
  campaign?: SegmentCampaign;
  userAgent: string;
  ip: string;
  locale: string;
  timezone: string;
  library: { name: 'closedloop-sim'; version: '1' };
}

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface SegmentEvent {
  type: 'page' | 'track' | 'identify';
  messageId: string;
  anonymousId: string;
  userId?: string;
  timestamp: string;
  event?: string;
  name?: string;
  properties: { [key: string]: JsonValue };
  traits?: { [key: string]: JsonValue };
  context: SegmentContext;
}

export type AdPlatform = 'google_ads' | 'microsoft_ads' | 'meta_ads' | 'linkedin_ads';

/** One day of one ad group (and keyword, for search) on one platform. Internal format, see docs/simulator.md. */
export interface AdCostRow {
  date: string;
  platform: AdPlatform;
  account_currency: string;
  campaign_id: string;
  campaign_name: string;
  ad_group_id: string;
  ad_group_name: string;
  keyword: string | null;
  match_type: string | null;
  impressions: number;
  clicks: number;
  cost: number;
}

export type LifecycleStage = 'lead' | 'mql' | 'sql' | 'opportunity' | 'customer';
export type DealStage = 'open' | 'won' | 'lost';

/** A change in the simulated CRM, in time order. A CRM writer (HubSpot, Salesforce, ...) maps these. */
export type CrmChange =
  | {
      kind: 'contact_stage';
      at: string;
      contactId: string;
      email: string | null;
      phone: string | null;
      company: string;
      stage: LifecycleStage;
    }
  | {
      kind: 'deal';
      at: string;
      dealId: string;
      contactId: string;
      company: string;
      stage: DealStage;
      amount: number;
      currency: string;
    };

/** A change of a customer's subscription (MRR), in time order. A billing writer (Stripe, ...) maps these. */
export interface RevenueMovement {
  at: string;
  customerId: string;
  contactId: string;
  company: string;
  kind: 'new' | 'expansion' | 'contraction' | 'churn';
  mrrDelta: number;
  mrrAfter: number;
  currency: string;
}

/**
 * Receives the simulated world in time order. Only `event` and `close` are required, so a writer for a
 * new format implements just the methods it needs.
 */
export interface SimWriter {
  event(e: SegmentEvent): void;
  adCost?(row: AdCostRow): void;
  crm?(change: CrmChange): void;
  revenue?(movement: RevenueMovement): void;
  /** Called after each simulated day: a writer with work in flight (e.g. HTTP) waits here, bounding memory. */
  drain?(): Promise<void>;
  close(): Promise<void>;
}
