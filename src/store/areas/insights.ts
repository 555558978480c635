// The store's insights area: the reads behind the journeys, identity-health, realtime and goals reports
// (src/reports/), each written once in the neutral form (engines/neutral/insights-*.ts).
import type { CrmMatchCount } from './crm.js';

/** A segment of converted persons: who reached a milestone in a range, filtered, one page of them. */
export interface JourneySegmentQuery {
  milestone: string;
  /** Epoch ms: first reached at or after `from`, before `to`. */
  from: number;
  to: number;
  /** Persons with a touch of one of these channels (any, when absent). */
  channels?: readonly string[];
  /** Persons with a touch of one of these campaigns (utm_campaign as the session carries it). */
  campaigns?: readonly string[];
  /** Persons with a touch of one of these ad groups (the ad group id its landing URL carried). */
  adGroups?: readonly string[];
  /** Persons with a touch of one of these ads (the ad id its landing URL carried). */
  ads?: readonly string[];
  /** Persons with a touch of one of these keywords (the URL's keyword, else utm_term). */
  keywords?: readonly string[];
  /** Persons with an e-mail, user id or name containing this text (case-insensitive). */
  search?: string;
  limit: number;
  offset: number;
}

export interface JourneyTouch {
  sessionId: string;
  /** Epoch ms of the session's start. */
  at: number;
  channel: string;
  source: string;
  medium: string;
  campaign: string | null;
}

export interface JourneySegmentRow {
  personId: string;
  /** Epoch ms the person first reached the milestone. */
  reachedAt: number;
  value: number | null;
  /** The person's first e-mail identifier (as the people API shows it), null when none. */
  email: string | null;
  /** Touches up to the conversion, oldest first (the last `maxTouches` of them). */
  touches: JourneyTouch[];
  touchCount: number;
}

export interface JourneySegment {
  total: number;
  rows: JourneySegmentRow[];
}

/** Persons at a milestone, by the source of their first time there, and how many had visits stitched. */
export interface StitchedRow {
  milestone: string;
  source: string;
  persons: number;
  stitched: number;
}

/** A CRM object no person was found for, with the kinds of match key it carried. */
export interface UnmatchedCrmRecord {
  source: string;
  objectType: string;
  objectId: string;
  /** Distinct kinds of its match keys (email, phone, anonymous_id, contact_id), sorted. */
  keyKinds: string[];
}

export interface RealtimeActivity {
  visitors: number;
  events: number;
  pageViews: number;
  /** Per minute (epoch ms of its start) with any event, oldest first. */
  perMinute: { minute: number; events: number; visitors: number }[];
  topPages: { page: string; views: number; visitors: number }[];
  /** Sessions active in the window by source, medium and channel. */
  topSources: { source: string; medium: string; channel: string; sessions: number }[];
}

/** Milestone counts and values in a range of time (epoch ms, [from, to)). */
export interface GoalActuals {
  leads: number;
  pipeline: number;
  revenue: number;
}

export interface InsightsStore {
  /** The segment's persons (newest conversion first), one page, each with the path to its conversion. */
  journeySegment(
    workspaceId: string,
    q: JourneySegmentQuery,
    maxTouches: number,
  ): Promise<JourneySegment>;
  /** Persons at each milestone by its source, and how many of them have a visit (a session) stitched. */
  stitchedByMilestone(workspaceId: string): Promise<StitchedRow[]>;
  /**
   * CRM objects by source and type and how many reached a person (as CrmStore.crmMatchCounts), and
   * those that reached none, up to `limit`, by source, type and id: one read.
   */
  crmMatchHealth(
    workspaceId: string,
    limit: number,
  ): Promise<{ counts: CrmMatchCount[]; unmatched: UnmatchedCrmRecord[] }>;
  /** Events with a time in [since, until) and the sessions active in it. */
  realtimeActivity(
    workspaceId: string,
    since: number,
    until: number,
    top: number,
  ): Promise<RealtimeActivity>;
  /** Leads, pipeline and revenue reached in [from, to) (epoch ms). */
  goalActuals(workspaceId: string, from: number, to: number): Promise<GoalActuals>;
}
