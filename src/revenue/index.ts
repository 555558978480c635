// The revenue layer's surface: MRR per subscription and its movements per customer (docs/revenue.md).
export * from './types.js';
export { minorUnitExponent, toMajorUnits } from './currency.js';
export { monthsPerInterval, periodAt, addMonthsClamped } from './billing-periods.js';
export { subscriptionMrrAt, subscriptionMrrSteps, type MrrStep } from './subscription-mrr.js';
export { mrrMovements, customerMonths, monthOf } from './movements.js';
export {
  anniversaryMrr,
  anniversaryRateNeeds,
  convertedRevenue,
  convertMovements,
  distinctNeeds,
  movementRateNeeds,
  utcDay,
  type ConvertedMovements,
  type RateNeed,
  type RateOf,
} from './mrr-fx.js';
