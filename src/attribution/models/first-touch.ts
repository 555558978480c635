import type { JourneyView, RuleKernel } from '../journey-view.js';

/** First touch: all credit to the earliest touch in the window. */
export const firstTouch: RuleKernel = (v: JourneyView, out: Float64Array): void => {
  out.fill(0, v.start, v.end);
  out[v.start] = 1;
};
