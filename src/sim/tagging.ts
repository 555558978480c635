/**
 * How each channel's visits look to the website: landing URL parameters (UTMs, ValueTrack-style ad
 * parameters, click ids) and the referrer, as the ad platforms, social networks, mail clients and search
 * engines actually produce them. See docs/simulator.md for the full table.
 */
import { CAMPAIGNS, type AdGroup, type Campaign, type Keyword } from './ad-campaigns.js';
import { PAGES, type PageDef } from './site.js';
import {
  EMAIL_REFERRERS,
  NEWSLETTER_LANDINGS,
  NURTURE_LANDINGS,
  NURTURE_STEPS,
  REFERRAL_SITES,
  SEARCH_REFERRERS,
  SOCIAL_REFERRERS,
} from './traffic-sources.js';
import type { ChannelId } from './channels.js';
import type { DeviceKind } from './people.js';
import type { Rng } from './prng.js';
import type { AdPlatform } from './types.js';

export interface PaidClick {
  platform: AdPlatform;
  campaign: Campaign;
  adGroup: AdGroup;
  keyword: Keyword | null;
}

export interface Touch {
  landingPath: string;
  /** Landing URL query parameters, in order. */
  params: [string, string][];
  referrer: string;
  paid: PaidClick | null;
}

export interface TouchContext {
  /** First visit of the person: retargeting cannot reach them yet. */
  isFirst: boolean;
  deviceKind: DeviceKind;
  /** For email: the month of the newsletter, or the nurture step after a lead. */
  email: { kind: 'newsletter'; month: string } | { kind: 'nurture' };
}

const bySection = (section: PageDef['section']): string[] =>
  PAGES.filter((p) => p.section === section).map((p) => p.path);
const BLOG = bySection('blog');
const CASES = bySection('case_study');
const FEATURES = bySection('features');
const WHITEPAPERS = bySection('whitepaper');

const DISPLAY_REFERRERS: readonly (readonly [string, number])[] = [
  ['https://www.forbes.com/', 0.2],
  ['https://www.theverge.com/', 0.15],
  ['https://www.businessinsider.com/', 0.15],
  ['https://googleads.g.doubleclick.net/', 0.25],
  ['', 0.25],
];

/** `Brand | Search | Global` -> `brand_search_global`: what advertisers usually put in utm_campaign. */
export function slugName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

const VT_DEVICE: Record<DeviceKind, string> = { desktop: 'c', mobile: 'm', tablet: 't' };

export function gclid(rng: Rng): string {
  return `Cj0KCQ${rng.base64url(78)}_BwE`;
}

function pickCampaign(
  rng: Rng,
  channel: ChannelId,
  platform: AdPlatform,
  isFirst: boolean,
): Campaign {
  const options = CAMPAIGNS.filter(
    (c) => c.channel === channel && c.platform === platform && (!isFirst || !c.retargeting),
  );
  return rng.pick(options);
}

function pageOf(rng: Rng, mix: readonly (readonly [string[] | string, number])[]): string {
  const choice = rng.weighted(mix);
  return typeof choice === 'string' ? choice : rng.pick(choice);
}

export function buildTouch(rng: Rng, channel: ChannelId, ctx: TouchContext): Touch {
  switch (channel) {
    case 'direct':
      return {
        landingPath: pageOf(rng, [
          ['/', 0.55],
          ['/pricing', 0.14],
          ['/demo', 0.05],
          [BLOG, 0.14],
          ['/integrations', 0.05],
          [CASES, 0.07],
        ]),
        params: [],
        referrer: '',
        paid: null,
      };
    case 'organic_search':
      return {
        landingPath: pageOf(rng, [
          [BLOG, 0.55],
          ['/', 0.2],
          ['/pricing', 0.07],
          [FEATURES, 0.1],
          [CASES, 0.05],
          [WHITEPAPERS, 0.03],
        ]),
        params: [],
        referrer: rng.weighted(SEARCH_REFERRERS),
        paid: null,
      };
    case 'paid_search_brand':
    case 'paid_search_nonbrand':
      return rng.chance(0.78)
        ? googleSearch(rng, channel, ctx)
        : microsoftSearch(rng, channel, ctx);
    case 'display':
      return googleDisplay(rng, ctx);
    case 'paid_social_meta':
      return metaAd(rng, ctx);
    case 'paid_social_linkedin':
      return linkedInAd(rng, ctx);
    case 'organic_social': {
      const site = rng.weighted(SOCIAL_REFERRERS);
      // Meta's link shim appends fbclid to every outbound link, organic posts included.
      return {
        landingPath: pageOf(rng, [
          [BLOG, 0.7],
          ['/', 0.2],
          [CASES, 0.1],
        ]),
        params: site.fbclid ? [['fbclid', `IwAR${rng.base64url(59)}`]] : [],
        referrer: site.referrer,
        paid: null,
      };
    }
    case 'email':
      return emailClick(rng, ctx);
    case 'referral': {
      const site = rng.weighted(REFERRAL_SITES);
      const tagged = site.referrer.includes('g2.com') && rng.chance(0.3);
      return {
        landingPath: rng.pick(site.landing),
        params: tagged
          ? [
              ['utm_source', 'g2'],
              ['utm_medium', 'referral'],
              ['utm_campaign', 'g2_profile'],
            ]
          : [],
        referrer: site.referrer,
        paid: null,
      };
    }
  }
}

function googleSearch(rng: Rng, channel: ChannelId, ctx: TouchContext): Touch {
  const campaign = pickCampaign(rng, channel, 'google_ads', ctx.isFirst);
  const adGroup = rng.pick(campaign.adGroups);
  const keyword = rng.pick(adGroup.keywords);
  const creative = rng.pick(adGroup.creatives);
  // Final URL suffix with ValueTrack: {keyword}, {campaignid}, {adgroupid}, {creative}, {matchtype}, {network}, {device}; gclid by auto-tagging.
  const params: [string, string][] = [
    ['utm_source', 'google'],
    ['utm_medium', 'cpc'],
    ['utm_campaign', slugName(campaign.name)],
    ['utm_term', keyword.text],
    ['utm_content', creative],
    ['utm_id', campaign.id],
    ['campaignid', campaign.id],
    ['adgroupid', adGroup.id],
    ['creative', creative],
    ['keyword', keyword.text],
    ['matchtype', keyword.matchType],
    ['network', rng.chance(0.9) ? 'g' : 's'],
    ['device', VT_DEVICE[ctx.deviceKind]],
    ['gclid', gclid(rng)],
  ];
  return {
    landingPath: rng.pick(adGroup.landing),
    params,
    referrer: 'https://www.google.com/',
    paid: { platform: 'google_ads', campaign, adGroup, keyword },
  };
}

function microsoftSearch(rng: Rng, channel: ChannelId, ctx: TouchContext): Touch {
  const campaign = pickCampaign(rng, channel, 'microsoft_ads', ctx.isFirst);
  const adGroup = rng.pick(campaign.adGroups);
  const keyword = rng.pick(adGroup.keywords);
  // Microsoft's own URL parameters: {Campaign} and {AdGroup} give names, {MatchType} e/p/b, {Network} o (owned) or s (syndicated).
  const syndicated = rng.chance(0.12);
  const params: [string, string][] = [
    ['utm_source', 'bing'],
    ['utm_medium', 'cpc'],
    ['utm_campaign', campaign.name],
    ['utm_term', keyword.text],
    ['utm_content', adGroup.name],
    ['campaignid', campaign.id],
    ['adgroupid', adGroup.id],
    ['keyword', keyword.text],
    ['matchtype', keyword.matchType],
    ['network', syndicated ? 's' : 'o'],
    ['device', VT_DEVICE[ctx.deviceKind]],
    ['msclkid', rng.hex(32)],
  ];
  const referrer = syndicated ? 'https://duckduckgo.com/' : 'https://www.bing.com/';
  return {
    landingPath: rng.pick(adGroup.landing),
    params,
    referrer,
    paid: { platform: 'microsoft_ads', campaign, adGroup, keyword },
  };
}

function googleDisplay(rng: Rng, ctx: TouchContext): Touch {
  const campaign = pickCampaign(rng, 'display', 'google_ads', ctx.isFirst);
  const adGroup = rng.pick(campaign.adGroups);
  const creative = rng.pick(adGroup.creatives);
  const params: [string, string][] = [
    ['utm_source', 'google'],
    ['utm_medium', 'display'],
    ['utm_campaign', slugName(campaign.name)],
    ['utm_content', creative],
    ['utm_id', campaign.id],
    ['campaignid', campaign.id],
    ['adgroupid', adGroup.id],
    ['creative', creative],
    ['network', 'd'],
    ['device', VT_DEVICE[ctx.deviceKind]],
    ['gclid', gclid(rng)],
  ];
  return {
    landingPath: rng.pick(adGroup.landing),
    params,
    referrer: rng.weighted(DISPLAY_REFERRERS),
    paid: { platform: 'google_ads', campaign, adGroup, keyword: null },
  };
}

function metaAd(rng: Rng, ctx: TouchContext): Touch {
  const campaign = pickCampaign(rng, 'paid_social_meta', 'meta_ads', ctx.isFirst);
  const adSet = rng.pick(campaign.adGroups);
  const ad = rng.pick(adSet.creatives);
  const instagram = rng.chance(0.3);
  const mobile = ctx.deviceKind !== 'desktop';
  // URL parameters from Meta's {{campaign.name}}, {{adset.name}}, {{ad.id}}, {{campaign.id}}; fbclid appended by Meta.
  const params: [string, string][] = [
    ['utm_source', instagram ? 'instagram' : 'facebook'],
    ['utm_medium', 'paid_social'],
    ['utm_campaign', slugName(campaign.name)],
    ['utm_term', slugName(adSet.name)],
    ['utm_content', ad],
    ['utm_id', campaign.id],
    ['fbclid', `IwAR${rng.base64url(59)}`],
  ];
  // In-app browsers often send no referrer at all.
  const referrer = instagram
    ? rng.chance(0.5)
      ? 'https://l.instagram.com/'
      : ''
    : mobile
      ? rng.chance(0.6)
        ? 'https://m.facebook.com/'
        : ''
      : 'https://l.facebook.com/';
  return {
    landingPath: rng.pick(adSet.landing),
    params,
    referrer,
    paid: { platform: 'meta_ads', campaign, adGroup: adSet, keyword: null },
  };
}

function linkedInAd(rng: Rng, ctx: TouchContext): Touch {
  const campaign = pickCampaign(rng, 'paid_social_linkedin', 'linkedin_ads', ctx.isFirst);
  const adGroup = rng.pick(campaign.adGroups);
  const creative = rng.pick(adGroup.creatives);
  const params: [string, string][] = [
    ['utm_source', 'linkedin'],
    ['utm_medium', 'paid_social'],
    ['utm_campaign', slugName(campaign.name)],
    ['utm_content', creative],
    ['utm_id', campaign.id],
    // LinkedIn's click id, appended when enhanced conversion tracking is on.
    ['li_fat_id', rng.uuid()],
  ];
  const referrer = rng.chance(0.7) ? 'https://www.linkedin.com/' : '';
  return {
    landingPath: rng.pick(adGroup.landing),
    params,
    referrer,
    paid: { platform: 'linkedin_ads', campaign, adGroup, keyword: null },
  };
}

function emailClick(rng: Rng, ctx: TouchContext): Touch {
  const referrer = rng.weighted(EMAIL_REFERRERS);
  if (ctx.email.kind === 'newsletter') {
    return {
      landingPath: rng.pick(NEWSLETTER_LANDINGS),
      params: [
        ['utm_source', 'newsletter'],
        ['utm_medium', 'email'],
        ['utm_campaign', `newsletter_${ctx.email.month}`],
        ['utm_content', rng.pick(['header_link', 'cta_button', 'article_1', 'article_2'])],
      ],
      referrer,
      paid: null,
    };
  }
  return {
    landingPath: rng.pick(NURTURE_LANDINGS),
    params: [
      ['utm_source', 'nurture'],
      ['utm_medium', 'email'],
      ['utm_campaign', rng.pick(NURTURE_STEPS)],
      ['utm_content', 'cta_button'],
    ],
    referrer,
    paid: null,
  };
}

export function encodeSearch(params: readonly (readonly [string, string])[]): string {
  if (params.length === 0) return '';
  return `?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}
