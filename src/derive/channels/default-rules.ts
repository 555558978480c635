/**
 * The default channel rules: GA4's default channel group, as data (18 channels; nothing matched →
 * Unassigned). Order pinned where copies of Google's page disagree: Referral, then Email, then
 * Affiliates (the order of the project's reference), so `utm_source=email&utm_medium=referral` is Referral.
 */
import type { ChannelRule, Condition, RuleSet } from './rule-schema.js';

/** GA4's "paid" medium: anything containing "cp" (cpc, cpm, cpv, ...), ppc, retargeting, paid*. */
export const PAID_MEDIUM = '^(.*cp.*|ppc|retargeting|paid.*)$';
/** GA4's shopping campaign: "shop" not preceded by a letter (other than e) or "shopping" anywhere. */
export const SHOP_CAMPAIGN = '^(.*(([^a-df-z]|^)shop|shopping).*)$';

export const UNASSIGNED = 'Unassigned';

const paid: Condition = { field: 'medium', op: 'matches', value: PAID_MEDIUM };
const inList = (value: string): Condition => ({ field: 'source', op: 'in_list', value });
const shopping: Condition = {
  any: [inList('shopping'), { field: 'campaign', op: 'matches', value: SHOP_CAMPAIGN }],
};

export const DEFAULT_RULES: readonly ChannelRule[] = [
  {
    id: 'direct',
    channel: 'Direct',
    when: {
      all: [
        { field: 'source', op: 'equals', value: '(direct)' },
        { field: 'medium', op: 'in', value: ['(not set)', '(none)'] },
      ],
    },
  },
  {
    id: 'cross-network',
    channel: 'Cross-network',
    when: { field: 'campaign', op: 'contains', value: 'cross-network' },
  },
  { id: 'paid-shopping', channel: 'Paid Shopping', when: { all: [shopping, paid] } },
  { id: 'paid-search', channel: 'Paid Search', when: { all: [inList('search'), paid] } },
  { id: 'paid-social', channel: 'Paid Social', when: { all: [inList('social'), paid] } },
  { id: 'paid-video', channel: 'Paid Video', when: { all: [inList('video'), paid] } },
  {
    id: 'display',
    channel: 'Display',
    when: {
      field: 'medium',
      op: 'in',
      value: ['display', 'banner', 'expandable', 'interstitial', 'cpm'],
    },
  },
  { id: 'paid-other', channel: 'Paid Other', when: paid },
  { id: 'organic-shopping', channel: 'Organic Shopping', when: shopping },
  {
    id: 'organic-social',
    channel: 'Organic Social',
    when: {
      any: [
        inList('social'),
        {
          field: 'medium',
          op: 'in',
          value: [
            'social',
            'social-network',
            'social-media',
            'sm',
            'social network',
            'social media',
          ],
        },
      ],
    },
  },
  {
    id: 'organic-video',
    channel: 'Organic Video',
    when: { any: [inList('video'), { field: 'medium', op: 'matches', value: '^(.*video.*)$' }] },
  },
  {
    id: 'organic-search',
    channel: 'Organic Search',
    when: { any: [inList('search'), { field: 'medium', op: 'equals', value: 'organic' }] },
  },
  {
    id: 'referral',
    channel: 'Referral',
    when: { field: 'medium', op: 'in', value: ['referral', 'app', 'link'] },
  },
  {
    id: 'email',
    channel: 'Email',
    when: {
      any: [
        { field: 'source', op: 'in', value: ['email', 'e-mail', 'e_mail', 'e mail'] },
        { field: 'medium', op: 'in', value: ['email', 'e-mail', 'e_mail', 'e mail'] },
      ],
    },
  },
  {
    id: 'affiliates',
    channel: 'Affiliates',
    when: { field: 'medium', op: 'equals', value: 'affiliate' },
  },
  { id: 'audio', channel: 'Audio', when: { field: 'medium', op: 'equals', value: 'audio' } },
  {
    id: 'sms',
    channel: 'SMS',
    when: {
      any: [
        { field: 'source', op: 'equals', value: 'sms' },
        { field: 'medium', op: 'equals', value: 'sms' },
      ],
    },
  },
  {
    id: 'mobile-push',
    channel: 'Mobile Push Notifications',
    when: {
      any: [
        { field: 'medium', op: 'ends_with', value: 'push' },
        { field: 'medium', op: 'contains', value: 'mobile' },
        { field: 'medium', op: 'contains', value: 'notification' },
        { field: 'source', op: 'equals', value: 'firebase' },
      ],
    },
  },
];

export const DEFAULT_RULE_SET: RuleSet = { rules: DEFAULT_RULES };
