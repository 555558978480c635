// The store's journeys area: its types and what an engine must implement for it.
import type { SessionRow } from './sessions.js';

export type JourneyItem =
  | {
      kind: 'session';
      at: string;
      session: SessionRow;
      pages: { at: string; url: string | null; title: string | null }[];
    }
  | {
      kind: 'event';
      at: string;
      type: string;
      event: string | null;
      anonymousId: string | null;
      userId: string | null;
      properties: unknown;
      traits: unknown;
    }
  | {
      kind: 'milestone';
      at: string;
      milestone: string;
      source: string;
      messageId: string | null;
      /** The milestone's value in the workspace currency (an opportunity's pipeline, a customer's revenue). */
      value: number | null;
    }
  | {
      kind: 'identity';
      at: string;
      change: string;
      others: string[];
      reason: string | null;
      detail: string | null;
    }
  | {
      /** A CRM change of an object that resolves to the person (a contact's, a deal's stage change). */
      kind: 'crm';
      at: string;
      source: string;
      objectType: string;
      objectId: string;
      change: string;
      stage: string | null;
      pipeline: string | null;
      outcome: string | null;
      /** The amount in the currency's minor units (cents), as the CRM gave it. */
      amountMinor: number | null;
      currency: string | null;
      lostReason: string | null;
    }
  | {
      /** One-off revenue (a payment, a refund) whose match keys name one of the person's identifiers. */
      kind: 'revenue';
      at: string;
      source: string;
      paymentId: string | null;
      /** In the currency's minor units; negative for a refund. */
      amountMinor: number;
      currency: string;
      dealId: string | null;
      description: string | null;
    };

export interface PersonJourney {
  personId: string;
  identifiers: { kind: string; value: string }[];
  firstSeen: string | null;
  lastSeen: string | null;
  /** Every session, event, milestone, identity change, CRM change and revenue record, oldest first. */
  timeline: JourneyItem[];
}

/** A person's whole journey on one time axis. */
export interface JourneysStore {
  personJourney(workspaceId: string, personId: string): Promise<PersonJourney | undefined>;
}
