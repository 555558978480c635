import type { RuleKernel } from './journey-view.js';
import { custom } from './models/custom.js';
import { firstTouch } from './models/first-touch.js';
import { fullPath } from './models/full-path.js';
import { directMask, lastNonDirect } from './models/last-non-direct.js';
import { lastTouch } from './models/last-touch.js';
import { linear } from './models/linear.js';
import { positionBased } from './models/position-based.js';
import { timeDecay } from './models/time-decay.js';
import { uShaped } from './models/u-shaped.js';
import { wShaped } from './models/w-shaped.js';
import type { RuleModelName, RuleModelOptions } from './types.js';

/** Models that need the milestone touches located (the others skip that scan). */
export function needsMilestones(name: RuleModelName): boolean {
  return name === 'u_shaped' || name === 'w_shaped' || name === 'full_path' || name === 'custom';
}

/** Resolves a rule-based model and its options once, against a channel dictionary. */
export function ruleKernel(
  name: RuleModelName,
  channels: readonly string[],
  options: RuleModelOptions = {},
): RuleKernel {
  switch (name) {
    case 'first_touch':
      return firstTouch;
    case 'last_touch':
      return lastTouch;
    case 'last_non_direct':
      return lastNonDirect(directMask(channels, options.directChannels));
    case 'linear':
      return linear;
    case 'time_decay':
      return timeDecay(options.halfLifeDays);
    case 'position_based':
      return positionBased();
    case 'u_shaped':
      return uShaped();
    case 'w_shaped':
      return wShaped();
    case 'full_path':
      return fullPath();
    case 'custom':
      if (options.custom === undefined)
        throw new RangeError('the custom model needs custom weights');
      return custom(options.custom, channels);
  }
}
