// The touch dimensions the credit reports (attribution, model-comparison) group by: the API's
// CREDIT_DIMENSIONS. Their `from`/`to` are instants (`to` exclusive), so a page's inclusive days end at
// the day after.
export const CREDIT_DIMENSIONS: { name: string; label: string }[] = [
  { name: 'channel', label: 'Channel' },
  { name: 'source', label: 'Source' },
  { name: 'medium', label: 'Medium' },
  { name: 'campaign', label: 'Campaign' },
  { name: 'term', label: 'Term' },
  { name: 'content', label: 'Content' },
  { name: 'landing_page', label: 'Landing page' },
  { name: 'platform', label: 'Platform' },
  { name: 'country', label: 'Country' },
];

/** The day after a day (the API's `to` is an exclusive instant; the range's `to` an inclusive day). */
export const dayAfter = (d: string): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
