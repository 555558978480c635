/**
 * The simulated company's ad accounts: campaigns, ad groups, keywords and creatives on each platform, with
 * their bids and click rates. Static across seeds, with ids shaped as each platform's are, so they stay
 * stable for fixtures and docs.
 */
import type { ChannelId } from './channels.js';
import type { AdPlatform } from './types.js';

/** A stable numeric id of `digits` digits from a name (FNV-1a), so catalogue ids look like real ones. */
function numericId(name: string, digits: number): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < name.length; i++) {
    h1 = Math.imul(h1 ^ name.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ name.charCodeAt(i), 0x85ebca6b) >>> 0;
  }
  let s = String(1 + (h1 % 9)) + String(h2).padStart(10, '0') + String(h1).padStart(10, '0');
  while (s.length < digits) s += s;
  return s.slice(0, digits);
}

export interface Keyword {
  text: string;
  /** ValueTrack match type: e exact, p phrase, b broad. */
  matchType: 'e' | 'p' | 'b';
  cpc: number;
  ctr: number;
}

export interface AdGroup {
  id: string;
  name: string;
  keywords: readonly Keyword[];
  /** Used when the group has no keywords (display, social). */
  cpc: number;
  ctr: number;
  creatives: readonly string[];
  landing: readonly string[];
}

export interface Campaign {
  id: string;
  name: string;
  platform: AdPlatform;
  channel: ChannelId;
  /** Retargeting only reaches people who have visited before. */
  retargeting: boolean;
  utmSource: string;
  utmMedium: string;
  adGroups: readonly AdGroup[];
}

interface GroupSpec {
  name: string;
  keywords?: readonly (readonly [string, Keyword['matchType']])[];
  cpc: number;
  ctr: number;
  landing: readonly string[];
}

function campaign(
  platform: AdPlatform,
  channel: ChannelId,
  name: string,
  utm: [string, string],
  groups: readonly GroupSpec[],
  retargeting = false,
): Campaign {
  const [cDigits, gDigits, crDigits] =
    platform === 'google_ads'
      ? [11, 12, 12]
      : platform === 'microsoft_ads'
        ? [9, 10, 11]
        : platform === 'meta_ads'
          ? [18, 18, 18]
          : [9, 9, 9];
  const id = numericId(`${platform}:${name}`, cDigits);
  return {
    id,
    name,
    platform,
    channel,
    retargeting,
    utmSource: utm[0],
    utmMedium: utm[1],
    adGroups: groups.map((g, gi) => ({
      id: numericId(`${platform}:${name}:${g.name}`, gDigits),
      name: g.name,
      keywords: (g.keywords ?? []).map(([text, matchType], ki) => ({
        text,
        matchType,
        // Keyword-level bids vary around the group's CPC; exact match costs a little more and clicks better.
        cpc: round2(g.cpc * (0.8 + ((ki * 37) % 10) / 20) * (matchType === 'e' ? 1.1 : 1)),
        ctr: g.ctr * (matchType === 'e' ? 1.3 : matchType === 'p' ? 1 : 0.7),
      })),
      cpc: g.cpc,
      ctr: g.ctr,
      creatives: [0, 1, 2].map((k) =>
        numericId(`${platform}:${name}:${g.name}:${gi}:${k}`, crDigits),
      ),
      landing: g.landing,
    })),
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

const brandGroups: GroupSpec[] = [
  {
    name: 'Brand - Exact',
    keywords: [
      ['brightpipe', 'e'],
      ['brightpipe pricing', 'e'],
      ['brightpipe demo', 'e'],
    ],
    cpc: 1.6,
    ctr: 0.22,
    landing: ['/', '/pricing', '/demo'],
  },
  {
    name: 'Brand - Phrase',
    keywords: [
      ['brightpipe attribution', 'p'],
      ['brightpipe reviews', 'p'],
    ],
    cpc: 2.1,
    ctr: 0.14,
    landing: ['/', '/pricing'],
  },
];
const attributionGroups: GroupSpec[] = [
  {
    name: 'Marketing Attribution',
    keywords: [
      ['marketing attribution software', 'p'],
      ['multi touch attribution', 'b'],
      ['b2b attribution tool', 'e'],
      ['attribution platform', 'p'],
    ],
    cpc: 14.5,
    ctr: 0.035,
    landing: ['/lp/marketing-attribution-software', '/features/attribution'],
  },
  {
    name: 'Revenue Analytics',
    keywords: [
      ['revenue analytics software', 'p'],
      ['pipeline analytics', 'b'],
      ['marketing roi reporting', 'b'],
    ],
    cpc: 11.2,
    ctr: 0.03,
    landing: ['/lp/b2b-revenue-analytics', '/features/pipeline-analytics'],
  },
];
const competitorGroups: GroupSpec[] = [
  {
    name: 'Alternatives',
    keywords: [
      ['attribution software alternative', 'p'],
      ['cheaper attribution tool', 'b'],
    ],
    cpc: 19.8,
    ctr: 0.025,
    landing: ['/lp/attribution-demo', '/pricing'],
  },
];

export const CAMPAIGNS: readonly Campaign[] = [
  campaign(
    'google_ads',
    'paid_search_brand',
    'Brand | Search | Global',
    ['google', 'cpc'],
    brandGroups,
  ),
  campaign(
    'google_ads',
    'paid_search_nonbrand',
    'NonBrand | Search | Attribution',
    ['google', 'cpc'],
    attributionGroups,
  ),
  campaign(
    'google_ads',
    'paid_search_nonbrand',
    'NonBrand | Search | Competitors',
    ['google', 'cpc'],
    competitorGroups,
  ),
  campaign(
    'microsoft_ads',
    'paid_search_brand',
    'Brand | Search | Global',
    ['bing', 'cpc'],
    brandGroups.map((g) => ({ ...g, cpc: g.cpc * 0.7 })),
  ),
  campaign(
    'microsoft_ads',
    'paid_search_nonbrand',
    'NonBrand | Search | Attribution',
    ['bing', 'cpc'],
    attributionGroups.map((g) => ({ ...g, cpc: g.cpc * 0.65 })),
  ),
  campaign(
    'google_ads',
    'display',
    'Display | Prospecting | B2B Marketers',
    ['google', 'display'],
    [
      {
        name: 'In-market: Business Software',
        cpc: 0.9,
        ctr: 0.004,
        landing: ['/whitepapers/state-of-b2b-attribution-2026', '/'],
      },
      {
        name: 'Custom Intent: Attribution',
        cpc: 1.2,
        ctr: 0.005,
        landing: ['/lp/marketing-attribution-software'],
      },
    ],
  ),
  campaign(
    'google_ads',
    'display',
    'Display | Retargeting | 30d',
    ['google', 'display'],
    [
      {
        name: 'All Visitors 30d',
        cpc: 0.7,
        ctr: 0.006,
        landing: ['/case-studies/northwind-logistics', '/pricing'],
      },
      { name: 'Pricing Visitors', cpc: 1.1, ctr: 0.008, landing: ['/demo', '/pricing'] },
    ],
    true,
  ),
  campaign(
    'meta_ads',
    'paid_social_meta',
    'Prospecting | Lookalike | Whitepaper',
    ['facebook', 'paid_social'],
    [
      {
        name: 'LAL 1% Customers',
        cpc: 2.8,
        ctr: 0.011,
        landing: [
          '/whitepapers/state-of-b2b-attribution-2026',
          '/whitepapers/cmo-reporting-playbook',
        ],
      },
      {
        name: 'Interests: Marketing Ops',
        cpc: 2.2,
        ctr: 0.009,
        landing: [
          '/whitepapers/ad-spend-efficiency-benchmarks',
          '/blog/what-is-multi-touch-attribution',
        ],
      },
    ],
  ),
  campaign(
    'meta_ads',
    'paid_social_meta',
    'Retargeting | Demo',
    ['facebook', 'paid_social'],
    [
      {
        name: 'Site Visitors 60d',
        cpc: 1.9,
        ctr: 0.014,
        landing: ['/demo', '/case-studies/contoso-fintech'],
      },
    ],
    true,
  ),
  campaign(
    'linkedin_ads',
    'paid_social_linkedin',
    'ABM | Sponsored Content | Marketing Ops',
    ['linkedin', 'paid_social'],
    [
      {
        name: 'Sponsored Content - Directors+',
        cpc: 9.5,
        ctr: 0.006,
        landing: ['/whitepapers/revops-maturity-model', '/case-studies/fabrikam-health'],
      },
      {
        name: 'Document Ads - Playbook',
        cpc: 8.1,
        ctr: 0.007,
        landing: ['/whitepapers/cmo-reporting-playbook'],
      },
    ],
  ),
  campaign(
    'linkedin_ads',
    'paid_social_linkedin',
    'ABM | Conversation Ads | Demo',
    ['linkedin', 'paid_social'],
    [
      {
        name: 'Conversation - Demo Offer',
        cpc: 11.8,
        ctr: 0.005,
        landing: ['/demo', '/lp/attribution-demo'],
      },
    ],
    true,
  ),
];
