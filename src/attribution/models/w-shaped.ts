import type { RuleKernel } from '../journey-view.js';
import { anchored } from './anchored.js';

/** W-shaped: 30% first, 30% lead creation, 30% opportunity creation, 10% shared by the rest. */
export function wShaped(): RuleKernel {
  return anchored(['first', 'lead', 'opportunity'], [0.3, 0.3, 0.3], 0.1);
}
