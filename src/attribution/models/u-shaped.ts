import type { RuleKernel } from '../journey-view.js';
import { anchored } from './anchored.js';

/**
 * U-shaped, lead-anchored (HubSpot, Marketo Measure): 40% first touch, 40% lead-creation touch (the
 * last touch at or before the lead milestone), 20% shared by the others.
 */
export function uShaped(): RuleKernel {
  return anchored(['first', 'lead'], [0.4, 0.4], 0.2);
}
