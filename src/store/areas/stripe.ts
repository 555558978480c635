// The store's Stripe area: Stripe's payloads as facts (each verified webhook event, each backfilled
// object), appended once per key, and the revenue milestones the domain derives from them. The facts
// are the payloads as Stripe sent them: MRR and its movements are computed from them in the domain
// (src/revenue), so a better mapping re-reads history while the facts stay (docs/revenue.md).
import type { CrmAppendResult, CrmChangeFact, CrmMilestoneMapping } from './crm.js';

/** One Stripe payload as stored. */
export interface StripeFact {
  /** `stripe:evt_...` for an event; `stripe:<type>:<id>:<sha256 of the body>` for a backfilled object. */
  key: string;
  /** Where it came from: a webhook event or a backfill page. */
  origin: 'event' | 'backfill';
  /** `customer`, `subscription`, `invoice`, `discount` (the object the payload is about), else `other`. */
  objectType: string;
  objectId: string;
  /** The Stripe customer the payload belongs to, when it names one. */
  customerId: string | null;
  /** Epoch ms: the event's `created`, or a backfilled object's own `created` (never after its read). */
  occurredAt: number;
  /**
   * Epoch ms: when a backfill read the object (stored as the row's recorded_at; read back for every
   * fact, an event's being when it was stored). Orders two reads of one object.
   */
  readAt?: number;
  /** The event or object as JSON text, exactly as read. */
  body: string;
  /** A customer's keys to a person (stored as the CRM facts' are); empty lists for other objects. */
  match: CrmChangeFact['match'];
}

/** A person's revenue milestone, as the domain derived it from the Stripe facts. */
export interface RevenueMilestone {
  personId: string;
  milestone: string;
  /** Epoch ms. */
  reachedAt: number;
  /** The fact that reached it (its key). */
  messageId: string;
  /** In major units of the workspace's currency; null when an exchange rate it needs is missing. */
  value: number | null;
}

/** A person's CRM milestone of one name, as the CRM derive makes it (not read from the table). */
export interface CrmReachedMilestone {
  personId: string;
  /** Epoch ms. */
  reachedAt: number;
  /** In the workspace's currency; null when the CRM gave no amount or it had no rate. */
  value: number | null;
  source: string;
  messageId: string | null;
}

/** The milestone rows of this area carry this source (the CRM derive leaves them alone). */
export const REVENUE_MILESTONE_SOURCE = 'revenue:stripe';

export interface StripeStore {
  /** Stores Stripe payloads as facts, durably, each key once (as appendCrmChanges does changes). */
  appendStripeFacts(workspaceId: string, facts: readonly StripeFact[]): Promise<CrmAppendResult>;
  /** How many Stripe facts the workspace has (cheap: whether there is anything to derive). */
  countStripeFacts(workspaceId: string): Promise<number>;
  /** The workspace's Stripe facts, by time then key. */
  stripeFacts(workspaceId: string): Promise<StripeFact[]>;
  /**
   * Replaces the workspace's revenue milestones (source `revenue:stripe`) with these, and removes the
   * CRM rows they stand for (`supersedes`: the CRM's milestone of that name of these persons, merged
   * into theirs); how many were written.
   */
  replaceRevenueMilestones(
    workspaceId: string,
    milestones: readonly RevenueMilestone[],
    supersedes?: { milestone: string; personIds: readonly string[] },
  ): Promise<number>;
  /**
   * Each person's CRM milestone of this name under the mapping, as the CRM derive computes it from the
   * facts (the table's row may have been merged into a revenue milestone).
   */
  crmReachedMilestones(
    workspaceId: string,
    mapping: CrmMilestoneMapping,
    milestone: string,
  ): Promise<CrmReachedMilestone[]>;
}
