import type { RuleKernel } from '../journey-view.js';
import { anchored } from './anchored.js';

/**
 * Full path (Z-shaped): 22.5% each to first, lead creation, opportunity creation and closed-won
 * (last touch before the win), 10% shared by the rest.
 */
export function fullPath(): RuleKernel {
  return anchored(['first', 'lead', 'opportunity', 'won'], [0.225, 0.225, 0.225, 0.225], 0.1);
}
