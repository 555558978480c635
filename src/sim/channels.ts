/**
 * The simulator's channels and their true causal effects (see docs/simulator.md, "Causal model").
 *
 * Every planned session has a channel. Switching a channel off (counterfactual) changes each of its
 * sessions in one of three ways, decided by numbers drawn up front:
 *  - substituted: with probability `substitution` the person still comes, through `fallback`
 *    (a brand searcher who sees no ad clicks the organic result);
 *  - dropped: otherwise the session does not happen;
 *  - if it was the person's first session, with probability `awareness` the person never hears of
 *    the company at all and their whole journey disappears (demand the channel created).
 * Each session adds `weight × intent` to the person's cumulative conversion hazard, so `weight` is the
 * per-visit lift. `weight[fallback] <= weight[channel]` keeps switching a channel off from ever
 * raising conversions, which is what makes "true incremental" non-negative.
 */

export const CHANNELS = [
  'direct',
  'organic_search',
  'paid_search_brand',
  'paid_search_nonbrand',
  'display',
  'paid_social_meta',
  'paid_social_linkedin',
  'organic_social',
  'email',
  'referral',
] as const;

export type ChannelId = (typeof CHANNELS)[number];

/** GA4's default channel group names, the grouping the product reports by default. */
export type Ga4ChannelGroup =
  | 'Direct'
  | 'Organic Search'
  | 'Paid Search'
  | 'Display'
  | 'Paid Social'
  | 'Organic Social'
  | 'Email'
  | 'Referral';

export interface ChannelEffect {
  ga4: Ga4ChannelGroup;
  /** Added to cumulative conversion hazard per session, times the person's intent. */
  weight: number;
  /** Where the visit goes when this channel is switched off (null: nowhere). */
  fallback: ChannelId | null;
  /** Probability the visit still happens through `fallback` when this channel is off. */
  substitution: number;
  /** Probability that losing this channel as the first touch loses the person altogether. */
  awareness: number;
  /** Whether sessions are paid clicks (recorded in ad costs). */
  paid: boolean;
}

export const CHANNEL_EFFECTS: Readonly<Record<ChannelId, ChannelEffect>> = {
  direct: {
    ga4: 'Direct',
    weight: 0.6,
    fallback: null,
    substitution: 0,
    awareness: 0,
    paid: false,
  },
  organic_search: {
    ga4: 'Organic Search',
    weight: 0.8,
    fallback: 'direct',
    substitution: 0.25,
    awareness: 0.6,
    paid: false,
  },
  // Brand search mostly harvests demand that exists anyway: most clicks fall through to the organic result.
  paid_search_brand: {
    ga4: 'Paid Search',
    weight: 0.8,
    fallback: 'organic_search',
    substitution: 0.85,
    awareness: 0.05,
    paid: true,
  },
  paid_search_nonbrand: {
    ga4: 'Paid Search',
    weight: 1.0,
    fallback: 'organic_search',
    substitution: 0.3,
    awareness: 0.7,
    paid: true,
  },
  // Display and paid social create demand: without them most of their visitors never arrive.
  display: {
    ga4: 'Display',
    weight: 0.9,
    fallback: 'direct',
    substitution: 0.05,
    awareness: 0.9,
    paid: true,
  },
  paid_social_meta: {
    ga4: 'Paid Social',
    weight: 1.1,
    fallback: 'direct',
    substitution: 0.05,
    awareness: 0.9,
    paid: true,
  },
  paid_social_linkedin: {
    ga4: 'Paid Social',
    weight: 1.4,
    fallback: 'direct',
    substitution: 0.1,
    awareness: 0.85,
    paid: true,
  },
  organic_social: {
    ga4: 'Organic Social',
    weight: 0.9,
    fallback: 'direct',
    substitution: 0.2,
    awareness: 0.6,
    paid: false,
  },
  email: {
    ga4: 'Email',
    weight: 1.2,
    fallback: 'direct',
    substitution: 0.15,
    awareness: 0.2,
    paid: false,
  },
  referral: {
    ga4: 'Referral',
    weight: 1.2,
    fallback: 'organic_search',
    substitution: 0.3,
    awareness: 0.7,
    paid: false,
  },
};

/** How new visitors first arrive. Email first touches are people already on the mailing list. */
export const FIRST_TOUCH_MIX: readonly (readonly [ChannelId, number])[] = [
  ['organic_search', 0.3],
  ['direct', 0.11],
  ['paid_search_brand', 0.05],
  ['paid_search_nonbrand', 0.1],
  ['display', 0.05],
  ['paid_social_meta', 0.08],
  ['paid_social_linkedin', 0.07],
  ['organic_social', 0.07],
  ['email', 0.04],
  ['referral', 0.13],
];

/** How people come back. Email is only possible for people on the list; others get direct instead. */
export const RETURN_MIX: readonly (readonly [ChannelId, number])[] = [
  ['direct', 0.3],
  ['organic_search', 0.2],
  ['paid_search_brand', 0.14],
  ['paid_search_nonbrand', 0.03],
  ['email', 0.08],
  ['display', 0.06],
  ['paid_social_meta', 0.06],
  ['paid_social_linkedin', 0.04],
  ['organic_social', 0.04],
  ['referral', 0.05],
];

export const GA4_GROUPS: readonly Ga4ChannelGroup[] = [
  'Direct',
  'Organic Search',
  'Paid Search',
  'Display',
  'Paid Social',
  'Organic Social',
  'Email',
  'Referral',
];

/** Checks the invariants the truth computation relies on; returns the problems found (empty when sound). */
export function checkChannelModel(
  effects: Readonly<Record<ChannelId, ChannelEffect>> = CHANNEL_EFFECTS,
): string[] {
  const problems: string[] = [];
  for (const id of CHANNELS) {
    const e = effects[id];
    if (e.weight < 0) problems.push(`${id}: weight must be >= 0`);
    for (const [name, p] of [
      ['substitution', e.substitution],
      ['awareness', e.awareness],
    ] as const) {
      if (p < 0 || p > 1) problems.push(`${id}: ${name} must be in [0, 1]`);
    }
    if (e.fallback !== null) {
      if (e.fallback === id) problems.push(`${id}: fallback must differ from the channel`);
      if (effects[e.fallback].weight > e.weight)
        problems.push(`${id}: fallback ${e.fallback} must not weigh more`);
    } else if (e.substitution !== 0) {
      problems.push(`${id}: substitution without a fallback`);
    }
  }
  return problems;
}
