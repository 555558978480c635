// The store's credits area: its types and what an engine must implement for it.
import type { ValueConversion } from './fx.js';

/** What attribution reads: conversions of one milestone, role milestones and touches, per person. */
export interface AttributionInputs {
  /** Reached milestones of the conversion kind (epoch ms), value 0 when the milestone has none. */
  conversions: { personId: string; at: number; value: number }[];
  /** First time each person reached each role milestone (lead, opportunity, won). */
  roles: { personId: string; milestone: string; at: number }[];
  /** Touches (sessions) of the persons, ordered by person then time. */
  touches: { personId: string; touchId: string; channel: string; at: number }[];
}

/**
 * Touches of every person without a conversion, columnar (a workspace has millions): person after
 * person, each in time order; person j's touches are [offsets[j], offsets[j+1]), channels by index.
 */
export interface NonConvertingTouches {
  channels: string[];
  channel: Int32Array;
  at: Float64Array;
  offsets: Int32Array;
}

/** One credited touch of one conversion under one model; touchId null is "(no touchpoint)". */
export interface CreditRow {
  model: string;
  personId: string;
  convertedAt: number;
  touchId: string | null;
  touchedAt: number | null;
  channel: string;
  weight: number;
  conversions: number;
  value: number;
}

/** Dimensions credits can be grouped by: the touch's session fields. */
export const CREDIT_DIMENSIONS = [
  'channel',
  'source',
  'medium',
  'campaign',
  'term',
  'content',
  'landing_page',
  'platform',
  'country',
] as const;

export type CreditDimension = (typeof CREDIT_DIMENSIONS)[number];

export interface CreditQuery {
  model: string;
  milestone: string;
  groupBy: readonly CreditDimension[];
  /** Conversions from (inclusive) / to (exclusive), epoch ms. */
  from?: number;
  to?: number;
  /**
   * Values in another currency than the stored one (the workspace's): `currency` the asked one,
   * `valueCurrency` the stored one (neutral/value-fx.ts). Absent: as stored.
   */
  money?: ValueConversion;
}

export interface CreditGroup {
  key: Record<string, string | null>;
  conversions: number;
  value: number;
  /** Distinct conversions that gave this group any credit. */
  touchedConversions: number;
}

/** Attribution: its inputs read from derived tables, and the stored credits and fits. */
export interface CreditsStore {
  /** Conversions of one milestone, role milestones and touches (of the listed persons, or all). */
  /** `convertingOnly`: touches of persons with a conversion only (the rest come from nonConvertingTouches). */
  attributionInputs(
    workspaceId: string,
    milestone: string,
    personIds?: readonly string[],
    opts?: { convertingOnly?: boolean },
  ): Promise<AttributionInputs>;
  nonConvertingTouches(workspaceId: string, milestone: string): Promise<NonConvertingTouches>;
  /**
   * Replaces credits of `models` for `milestone` (listed persons only, or all when personIds is
   * undefined) and, on a full run, the models' channel fits. One transaction.
   */
  replaceCredits(
    workspaceId: string,
    scope: { milestone: string; models: readonly string[]; personIds?: readonly string[] },
    rows: readonly CreditRow[],
    fits?: readonly { model: string; channel: string; score: number }[],
  ): Promise<void>;
  creditReport(workspaceId: string, query: CreditQuery): Promise<CreditGroup[]>;
  /** creditReport of each of these models, from one read of the credits (every model listed: [] when none). */
  creditReports(
    workspaceId: string,
    query: Omit<CreditQuery, 'model'> & { models: readonly string[] },
  ): Promise<Record<string, CreditGroup[]>>;
  attributionFits(
    workspaceId: string,
    milestone: string,
  ): Promise<{ model: string; channel: string; score: number }[]>;
  /** Persons whose credits are out of step with their milestones: converted without credits, or credited without converting. */
  creditsOutOfStep(workspaceId: string, milestone: string): Promise<string[]>;
}
