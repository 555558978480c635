import type { RuleKernel } from '../journey-view.js';
import { anchored } from './anchored.js';

/** Position-based (Google's U-shape): 40% first, 40% last, 20% shared by the touches in between. */
export function positionBased(): RuleKernel {
  return anchored(['first', 'last'], [0.4, 0.4], 0.2);
}
