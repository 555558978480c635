/**
 * Path-summary mode: attribution of path data a user brings (path, conversions, value, nulls), with
 * the models that need no timestamps or milestones. Rows with an empty path (no touch, or every touch
 * removed by the settings) are credited to "(no touchpoint)" by every model.
 */
import { creditBatch } from './attribute-journeys.js';
import { creditRows, emptyTotals, type CreditTotals } from './credits.js';
import { encodePaths, type EncodedPaths } from './encoded-paths.js';
import type { JourneyBatch } from './journey-batch.js';
import { markov } from './models/markov.js';
import { shapleySimplified } from './models/shapley-simplified.js';
import { shapley, type ShapleyValueFunction } from './models/shapley.js';
import type { PathSettings } from './transforms.js';
import type { ChannelCredit, PathSummaryRow, RuleModelName } from './types.js';

export const PATH_MODEL_NAMES = [
  'first_touch',
  'last_touch',
  'last_non_direct',
  'linear',
  'position_based',
  'markov',
  'shapley',
  'shapley_simplified',
] as const;
export type PathModelName = (typeof PATH_MODEL_NAMES)[number];

export interface PathAttributionOptions extends PathSettings {
  /** Default: every path model. */
  models?: readonly PathModelName[];
  /** Markov order, 1..4 (default 1). */
  order?: number;
  /** Shapley coalition worth (default conversions; see models/shapley.ts). */
  shapleyValue?: ShapleyValueFunction;
  /** Channels that count as Direct for last non-direct. */
  directChannels?: readonly string[];
}

export interface RemovalEffect {
  channel: string;
  removal_effect: number;
}

export interface PathAttribution {
  totals: { conversions: number; value: number };
  models: Partial<Record<PathModelName, ChannelCredit[]>>;
  /** Markov removal effects (empty when Markov was not requested). */
  removal_effects: RemovalEffect[];
}

export function attributePaths(
  rows: readonly PathSummaryRow[],
  options: PathAttributionOptions = {},
): PathAttribution {
  return attributeEncodedPaths(encodePaths(rows, options), options);
}

/** The same over already-encoded paths (settings such as exclusions must have been applied). */
export function attributeEncodedPaths(
  paths: EncodedPaths,
  options: PathAttributionOptions = {},
): PathAttribution {
  const models = options.models ?? PATH_MODEL_NAMES;
  const nPaths = paths.offsets.length - 1;
  let conversions = 0;
  let value = 0;
  let emptyConversions = 0;
  let emptyValue = 0;
  for (let p = 0; p < nPaths; p++) {
    conversions += paths.conversions[p]!;
    value += paths.value[p]!;
    if (paths.offsets[p + 1] === paths.offsets[p]) {
      emptyConversions += paths.conversions[p]!;
      emptyValue += paths.value[p]!;
    }
  }
  const result: PathAttribution = {
    totals: { conversions, value },
    models: {},
    removal_effects: [],
  };

  const ruleNames = models.filter((m): m is PathModelName & RuleModelName => isRuleModel(m));
  if (ruleNames.length > 0) {
    const totals = creditBatch(asBatch(paths), ruleNames, {
      directChannels: options.directChannels,
    });
    ruleNames.forEach((m, i) => {
      result.models[m] = creditRows(paths.channels, totals[i]!);
    });
  }
  const withEmpty = (conv: Float64Array, val: Float64Array): CreditTotals => ({
    ...emptyTotals(0),
    conversions: conv,
    value: val,
    noTouchConversions: emptyConversions,
    noTouchValue: emptyValue,
  });
  for (const m of models) {
    if (m === 'markov') {
      const r = markov(paths, options.order ?? 1);
      result.models.markov = creditRows(paths.channels, withEmpty(r.conversions, r.value));
      result.removal_effects = paths.channels
        .map((channel, c) => ({ channel, removal_effect: r.removalEffects[c]! }))
        .sort(
          (a, b) =>
            b.removal_effect - a.removal_effect ||
            (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0),
        );
    } else if (m === 'shapley') {
      const r = shapley(paths, options.shapleyValue ?? 'conversions');
      result.models.shapley = creditRows(paths.channels, withEmpty(r.conversions, r.value));
    } else if (m === 'shapley_simplified') {
      const r = shapleySimplified(paths);
      result.models.shapley_simplified = creditRows(
        paths.channels,
        withEmpty(r.conversions, r.value),
      );
    }
  }
  return result;
}

function isRuleModel(m: PathModelName): boolean {
  return (
    m === 'first_touch' ||
    m === 'last_touch' ||
    m === 'last_non_direct' ||
    m === 'linear' ||
    m === 'position_based'
  );
}

/** Paths as a journey batch for the rule-based kernels (no timestamps, no milestones). */
function asBatch(paths: EncodedPaths): JourneyBatch {
  const n = paths.offsets.length - 1;
  return {
    channels: paths.channels,
    touchChannel: paths.tokens,
    touchAt: new Float64Array(paths.tokens.length).fill(NaN),
    offsets: paths.offsets,
    convertedAt: new Float64Array(n).fill(NaN),
    value: paths.value,
    conversions: paths.conversions,
  };
}
