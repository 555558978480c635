/** Public surface of the attribution models (pure functions: no store, server or CLI). */
export * from './types.js';
export {
  PathSelector,
  transformPath,
  parseTransform,
  type PathTransform,
  type PathSettings,
} from './transforms.js';
export { DEFAULT_LOOKBACK_DAYS, touchesInWindow, windowRange, lookbackMs } from './lookback.js';
export {
  encodeJourneys,
  prepareBatch,
  type JourneyBatch,
  type AttributionSettings,
} from './journey-batch.js';
export {
  attributeJourneys,
  creditBatch,
  weighBatch,
  weighJourney,
  type JourneyAttribution,
  type TouchCredit,
} from './attribute-journeys.js';
export { ruleKernel, needsMilestones } from './rule-models.js';
export type { JourneyView, RuleKernel } from './journey-view.js';
export { creditRows, type CreditTotals } from './credits.js';
export { encodePaths, type EncodedPaths } from './encoded-paths.js';
export { markov, MAX_MARKOV_ORDER, type MarkovResult } from './models/markov.js';
export { shapley, type ShapleyResult, type ShapleyValueFunction } from './models/shapley.js';
export {
  shapleySimplified,
  simplifiedShapleyFractions,
  type SimplifiedShapleyResult,
} from './models/shapley-simplified.js';
export { summariseBatches, type BatchPaths } from './batch-paths.js';
export {
  weighBatchDataDriven,
  DATA_DRIVEN_MODEL_NAMES,
  type DataDrivenModelName,
  type DataDrivenOptions,
  type DataDrivenWeights,
} from './data-driven-weights.js';
export { DEFAULT_HALF_LIFE_DAYS } from './models/time-decay.js';
export {
  attributePaths,
  attributeEncodedPaths,
  PATH_MODEL_NAMES,
  type PathModelName,
  type PathAttribution,
  type PathAttributionOptions,
  type RemovalEffect,
} from './path-summary.js';
