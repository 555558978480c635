// The store's sessions area: its types and what an engine must implement for it.
import type { DeriveStage } from './derive-scope.js';

/** A distinct session landing, as the derive step hands it to the channel rules. */
export interface Landing {
  landingUrl: string | null;
  referrer: string | null;
  /** `context.campaign` of the landing event as JSON text (server-side SDKs send UTMs there). */
  campaignContext: string | null;
}

/** The acquisition the channel rules decided for a landing. */
export interface Acquisition {
  source: string;
  medium: string;
  campaign: string | null;
  term: string | null;
  content: string | null;
  campaignId: string | null;
  clickIds: Record<string, string>;
  adIds: Record<string, string | null>;
  channel: string;
  platform: string;
  channelRule: string;
  decidedBy: string;
}

export interface SessionRow extends Acquisition {
  sessionId: string;
  anonymousId: string;
  startedAt: string;
  endedAt: string;
  landingUrl: string | null;
  referrer: string | null;
  pageViews: number;
  eventCount: number;
  userAgent: string | null;
  country: string | null;
}

/**
 * Sessions that share the inputs the channel rules read (and their current channel): one group, with
 * how many sessions it stands for and one of their landing URLs.
 */
export interface SessionTouchGroup {
  source: string;
  medium: string;
  campaign: string | null;
  term: string | null;
  content: string | null;
  campaignId: string | null;
  decidedBy: string;
  /** The click ids present, each `~` (their values blinded, as the rules see them). */
  clickIds: Record<string, string>;
  channel: string;
  landingUrl: string | null;
  sessions: number;
}

/** Sessions whose channel went from `from` to `to` in a re-derive (null: the session is new, or gone). */
export interface ChannelMove {
  from: string | null;
  to: string | null;
  sessions: number;
}

/** Derived sessions: boundaries in the engine, acquisitions from the channel rules. */
export interface SessionsStore {
  /**
   * Re-derives sessions for a workspace (or only for the given anonymous ids): boundaries in the engine,
   * each distinct landing's acquisition from `classify`, then the old sessions replaced in one transaction.
   * Landings reach `classify` with the values of `clickIdParams` blinded (`gclid=~`); each session gets
   * its own click id values back. `reportMoves` adds sessions per (old channel, new channel).
   */
  deriveSessions(
    workspaceId: string,
    opts: {
      inactivityMinutes: number;
      clickIdParams: readonly string[];
      anonymousIds?: readonly string[];
      stage?: DeriveStage;
      reportMoves?: boolean;
    },
    classify: (landings: readonly Landing[]) => Acquisition[],
  ): Promise<{ sessions: number; landings: number; moves?: ChannelMove[] }>;
  /**
   * The stored sessions grouped by what the channel rules read (source, medium, campaign, term, content,
   * campaign id, decided by, which of `clickIdParams` are present: each `~`, as the rules see them) and
   * their current channel, largest groups first, at most `limit` groups: a rule change's preview
   * classifies these without writing anything.
   */
  sessionTouches(
    workspaceId: string,
    opts: { limit: number; clickIdParams: readonly string[] },
  ): Promise<SessionTouchGroup[]>;
}
