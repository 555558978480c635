import { equalWeights, type RuleKernel } from '../journey-view.js';

/** Linear: 1/n to each touch, repeats counted (a channel seen twice in four touches gets 2/4). */
export const linear: RuleKernel = equalWeights;
