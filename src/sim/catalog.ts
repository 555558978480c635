/**
 * The simulated company's fixed world: its website, ad accounts and the sites that link to it.
 * Static across seeds (the seed decides who visits and what they do, not what exists), so ids stay
 * stable for fixtures and docs.
 */
import type { ChannelId } from './channels.js';
import type { AdPlatform } from './types.js';

export const SITE = {
  name: 'Brightpipe',
  origin: 'https://www.brightpipe.example',
  brandTerm: 'brightpipe',
  currency: 'USD',
} as const;

export interface PageDef {
  path: string;
  name: string;
  title: string;
  section:
    | 'thanks'
    | 'home'
    | 'pricing'
    | 'features'
    | 'blog'
    | 'case_study'
    | 'whitepaper'
    | 'lp'
    | 'demo'
    | 'contact'
    | 'about'
    | 'integrations';
}

function page(path: string, name: string, title: string, section: PageDef['section']): PageDef {
  return { path, name, title: `${title} | ${SITE.name}`, section };
}

const BLOG = [
  'what-is-multi-touch-attribution',
  'first-touch-vs-last-touch',
  'utm-parameters-guide',
  'b2b-pipeline-metrics',
  'marketing-mix-vs-attribution',
  'offline-conversions-google-ads',
  'crm-hygiene-for-marketers',
  'data-driven-attribution-explained',
  'linkedin-ads-benchmarks',
  'dark-social-and-attribution',
  'measuring-brand-search',
  'incrementality-testing-101',
  'cac-payback-period',
  'lead-scoring-that-works',
  'attribution-windows',
  'call-tracking-for-b2b',
  'cookie-consent-and-analytics',
  'server-side-tracking',
  'pipeline-velocity',
  'closed-loop-reporting',
  'w-shaped-attribution',
  'time-decay-model',
  'revenue-operations-stack',
  'demo-request-conversion-rate',
  'saas-churn-benchmarks',
  'expansion-revenue-playbook',
  'account-based-marketing-metrics',
  'ga4-channel-groups',
];
const CASE_STUDIES = [
  'northwind-logistics',
  'fabrikam-health',
  'contoso-fintech',
  'tailspin-software',
  'litware-security',
  'adventure-works-retail',
  'proseware-edtech',
  'wingtip-hr',
];
export const WHITEPAPERS = [
  'state-of-b2b-attribution-2026',
  'pipeline-forecasting-guide',
  'cmo-reporting-playbook',
  'ad-spend-efficiency-benchmarks',
  'revops-maturity-model',
  'privacy-first-measurement',
];
const FEATURES = ['attribution', 'pipeline-analytics', 'identity-resolution', 'ad-spend-sync'];
const LANDING = ['marketing-attribution-software', 'b2b-revenue-analytics', 'attribution-demo'];

export const PAGES: readonly PageDef[] = [
  page('/', 'Home', 'Revenue attribution for B2B teams', 'home'),
  page('/pricing', 'Pricing', 'Pricing', 'pricing'),
  ...FEATURES.map((f) => page(`/features/${f}`, 'Feature', titleCase(f), 'features')),
  page('/integrations', 'Integrations', 'Integrations', 'integrations'),
  ...BLOG.map((b) => page(`/blog/${b}`, 'Blog Post', titleCase(b), 'blog')),
  ...CASE_STUDIES.map((c) =>
    page(`/case-studies/${c}`, 'Case Study', `Case study: ${titleCase(c)}`, 'case_study'),
  ),
  ...WHITEPAPERS.map((w) => page(`/whitepapers/${w}`, 'Whitepaper', titleCase(w), 'whitepaper')),
  ...LANDING.map((l) => page(`/lp/${l}`, 'Landing Page', titleCase(l), 'lp')),
  page('/demo', 'Book a Demo', 'Book a demo', 'demo'),
  page('/demo/thank-you', 'Demo Booked', 'Thank you', 'thanks'),
  page('/contact', 'Contact', 'Contact sales', 'contact'),
  page('/about', 'About', 'About us', 'about'),
];

const byPath = new Map(PAGES.map((p) => [p.path, p]));
export function pageAt(path: string): PageDef {
  const p = byPath.get(path);
  if (p === undefined) throw new RangeError(`unknown page ${path}`);
  return p;
}
export function pagesIn(section: PageDef['section']): PageDef[] {
  return PAGES.filter((p) => p.section === section);
}

function titleCase(slug: string): string {
  const s = slug.replace(/-/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A stable numeric id of `digits` digits from a name (FNV-1a), so catalogue ids look like real ones. */
export function numericId(name: string, digits: number): string {
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

export function campaignsFor(channel: ChannelId): Campaign[] {
  return CAMPAIGNS.filter((c) => c.channel === channel);
}

export interface EmailCampaign {
  name: string;
  source: string;
  landing: readonly string[];
}

export const NEWSLETTER_LANDINGS = [
  '/blog/ga4-channel-groups',
  '/blog/incrementality-testing-101',
  '/case-studies/tailspin-software',
  '/whitepapers/pipeline-forecasting-guide',
  '/blog/cac-payback-period',
];
export const NURTURE_STEPS = [
  'nurture_demo_followup_1',
  'nurture_demo_followup_2',
  'nurture_case_study',
  'nurture_pricing',
];
export const NURTURE_LANDINGS = [
  '/case-studies/litware-security',
  '/pricing',
  '/whitepapers/revops-maturity-model',
  '/blog/closed-loop-reporting',
];

/** Where email clicks come from, as the referrer the browser sends (most desktop clients send none). */
export const EMAIL_REFERRERS: readonly (readonly [string, number])[] = [
  ['', 0.55],
  ['android-app://com.google.android.gm/', 0.14],
  ['https://mail.google.com/', 0.16],
  ['https://outlook.office.com/', 0.09],
  ['https://outlook.live.com/', 0.06],
];

export const SEARCH_REFERRERS: readonly (readonly [string, number])[] = [
  ['https://www.google.com/', 0.74],
  ['https://www.google.co.uk/', 0.04],
  ['https://www.google.de/', 0.03],
  ['android-app://com.google.android.googlequicksearchbox/', 0.02],
  ['https://www.bing.com/', 0.11],
  ['https://duckduckgo.com/', 0.05],
  ['https://search.yahoo.com/', 0.01],
];

/** Organic social: referrer, whether Meta's link shim appends fbclid, and typical landings. */
export const SOCIAL_REFERRERS: readonly (readonly [
  { referrer: string; fbclid: boolean },
  number,
])[] = [
  [{ referrer: 'https://www.linkedin.com/', fbclid: false }, 0.38],
  [{ referrer: 'https://lnkd.in/', fbclid: false }, 0.1],
  [{ referrer: 'https://t.co/', fbclid: false }, 0.15],
  [{ referrer: 'https://l.facebook.com/', fbclid: true }, 0.14],
  [{ referrer: 'https://m.facebook.com/', fbclid: true }, 0.06],
  [{ referrer: 'https://l.instagram.com/', fbclid: true }, 0.04],
  [{ referrer: 'https://www.reddit.com/', fbclid: false }, 0.13],
];

export const REFERRAL_SITES: readonly (readonly [
  { referrer: string; landing: readonly string[] },
  number,
])[] = [
  [{ referrer: 'https://www.g2.com/products/brightpipe/reviews', landing: ['/', '/pricing'] }, 0.3],
  [{ referrer: 'https://www.capterra.com/p/214365/Brightpipe/', landing: ['/', '/pricing'] }, 0.17],
  [{ referrer: 'https://www.trustradius.com/products/brightpipe/reviews', landing: ['/'] }, 0.06],
  [
    {
      referrer: 'https://www.ledgerworks.example/integrations/brightpipe',
      landing: ['/integrations', '/features/ad-spend-sync'],
    },
    0.15,
  ],
  [
    {
      referrer: 'https://blog.growthstack.example/best-attribution-tools-2026',
      landing: ['/', '/features/attribution'],
    },
    0.18,
  ],
  [
    {
      referrer: 'https://www.getapp.com/marketing-software/a/brightpipe/',
      landing: ['/', '/pricing'],
    },
    0.06,
  ],
  [{ referrer: 'https://www.producthunt.com/products/brightpipe', landing: ['/'] }, 0.08],
];

export const FIRST_NAMES = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'John',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Charles',
  'Karen',
  'Daniel',
  'Lisa',
  'Matthew',
  'Nancy',
  'Anthony',
  'Sandra',
  'Mark',
  'Ashley',
  'Steven',
  'Emily',
  'Paul',
  'Michelle',
  'Andrew',
  'Amanda',
  'Joshua',
  'Melissa',
  'Oliver',
  'Amelia',
  'Harry',
  'Isla',
  'George',
  'Ava',
  'Noah',
  'Mia',
  'Leo',
  'Sophie',
  'Lukas',
  'Anna',
  'Felix',
  'Lena',
  'Hugo',
  'Chloe',
  'Lucas',
  'Emma',
  'Sem',
  'Julia',
  'Liam',
  'Zoe',
  'Mateo',
  'Priya',
  'Arjun',
  'Wei',
  'Yuki',
  'Omar',
];
export const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Thompson',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Green',
  'Baker',
  'Adams',
  'Nelson',
  'Evans',
  'Roberts',
  'Hughes',
  'Wood',
  'Patel',
  'Khan',
  'Murphy',
  'Kelly',
  'Muller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Bernard',
  'Dubois',
  'Moreau',
  'Laurent',
  'de Vries',
  'Jansen',
  'Bakker',
  'Visser',
  'Rossi',
  'Novak',
  'Kowalski',
  'Nguyen',
  'Chen',
  'Tanaka',
  'Singh',
  'Silva',
  'Andersen',
  'Nilsen',
  'OBrien',
  'Walsh',
  'Fraser',
  'Campbell',
];
export const COMPANY_STEMS = [
  'North',
  'Blue',
  'Iron',
  'Silver',
  'Bright',
  'Clear',
  'Swift',
  'Cedar',
  'Summit',
  'Harbor',
  'Pixel',
  'Quantum',
  'Vertex',
  'Atlas',
  'Nova',
  'Lumen',
  'Falcon',
  'Orbit',
  'Maple',
  'Granite',
  'Coral',
  'Echo',
  'Delta',
  'Apex',
  'Zen',
  'Arc',
  'Beacon',
  'Crest',
  'Ember',
  'Fjord',
  'Glacier',
  'Helix',
  'Indigo',
  'Juniper',
  'Kite',
  'Lattice',
  'Meridian',
  'Nimbus',
  'Onyx',
  'Prism',
];
export const COMPANY_TAILS = [
  'soft',
  'labs',
  'works',
  'ly',
  'io',
  'stack',
  'metrics',
  'cloud',
  'data',
  'logic',
  'flow',
  'base',
  'grid',
  'wave',
  'forge',
  'point',
  'path',
  'scale',
  'hub',
  'sync',
  'ware',
  'systems',
  'health',
  'pay',
  'logistics',
];
/** Ten distinct endings: company domains must be unique (emails are built from them). */
export const COMPANY_TLDS = [
  '.com',
  '.io',
  '.co',
  '.de',
  '.co.uk',
  '.ai',
  '.nl',
  '.fr',
  '.net',
  '.tech',
];
export const JOB_TITLES = [
  'Marketing Manager',
  'Head of Growth',
  'VP Marketing',
  'Demand Generation Manager',
  'Marketing Operations Manager',
  'CMO',
  'RevOps Lead',
  'Performance Marketing Lead',
  'Director of Marketing',
  'Founder',
  'Data Analyst',
  'Sales Director',
];
