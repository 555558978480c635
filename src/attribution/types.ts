/**
 * Shapes shared by the attribution models. The models are pure functions over these: nothing here
 * knows about the store, the server or the CLI.
 */

/** One marketing touch of a person: a session's channel, a call, an offline touch. */
export interface Touch {
  id: string;
  channel: string;
  /** Epoch milliseconds. */
  at: number;
}

/**
 * One conversion and the touches that may have led to it. Milestone times locate the key touches of
 * the B2B models: the lead-creation touch is the last touch at or before `leadAt`, and likewise for
 * `opportunityAt` (W-shaped, full path) and `wonAt` (full path).
 */
export interface Journey {
  touches: readonly Touch[];
  /** Epoch milliseconds of the conversion. */
  convertedAt: number;
  value: number;
  leadAt?: number;
  opportunityAt?: number;
  wonAt?: number;
}

/** One row of a path summary: journeys that shared a path, and how many of them converted. */
export interface PathSummaryRow {
  path: readonly string[];
  conversions: number;
  value: number;
  /** Journeys on this path that did not convert. */
  nulls: number;
}

/** The credit one channel receives from one model. */
export interface ChannelCredit {
  channel: string;
  conversions: number;
  value: number;
}

/** The channel that receives conversions with no touch left in the window (never dropped). */
export const NO_TOUCHPOINT = '(no touchpoint)';

/** Rule-based models: per-touch weights summing to 1 for each journey. */
export type RuleModelName =
  | 'first_touch'
  | 'last_touch'
  | 'last_non_direct'
  | 'linear'
  | 'time_decay'
  | 'position_based'
  | 'u_shaped'
  | 'w_shaped'
  | 'full_path'
  | 'custom';

export const RULE_MODEL_NAMES: readonly RuleModelName[] = [
  'first_touch',
  'last_touch',
  'last_non_direct',
  'linear',
  'time_decay',
  'position_based',
  'u_shaped',
  'w_shaped',
  'full_path',
  'custom',
];

/** Role weights of the custom model (any non-negative numbers; they are renormalised). */
export interface RoleWeights {
  first?: number;
  lead?: number;
  opportunity?: number;
  won?: number;
  last?: number;
  /** Shared equally by the touches that hold no other role. */
  middle?: number;
}

export interface CustomModelOptions {
  weights: RoleWeights;
  /** Multiplies each touch's weight by its channel's factor (default 1), before renormalising. */
  channelMultipliers?: Readonly<Record<string, number>>;
}

/** Options of the rule-based models, resolved once per run. */
export interface RuleModelOptions {
  /** Time decay half-life in days (default 7). */
  halfLifeDays?: number;
  /** Channels that count as Direct for last non-direct (default: "Direct" and "(direct)", any case). */
  directChannels?: readonly string[];
  custom?: CustomModelOptions;
}
