/**
 * Where the simulated company's unpaid visits come from: the e-mail programmes and their landings, and the
 * referrers the browser sends for mail clients, search engines, social networks and sites that link to it.
 * The referrer lists are weighted: each entry's share of its channel's visits.
 */

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
