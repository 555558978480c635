/**
 * The simulated company and its website: the pages a visit can see, by section. Static across seeds (the
 * seed decides who visits and what they do, not what exists), so paths and titles stay stable for
 * fixtures and docs.
 */

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
function titleCase(slug: string): string {
  const s = slug.replace(/-/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
