import type { JourneyView, RuleKernel } from '../journey-view.js';

/** Last touch: all credit to the latest touch at or before the conversion. */
export const lastTouch: RuleKernel = (v: JourneyView, out: Float64Array): void => {
  out.fill(0, v.start, v.end);
  out[v.end - 1] = 1;
};
