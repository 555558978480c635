// How a campaign name is compared when a session's utm_campaign is matched to an ad platform's campaign
// (issue 16, "normalised names"): the product rule as data, with its JavaScript reference. A marketer
// types `Spring Sale` in the ad platform and `spring_sale`, `spring-sale` or `Spring+Sale` in the URL:
// all are one key. The engines render the same steps (store/engines/neutral/costs-queries.ts), held to
// this reference by campaign-name-key.test.ts on both.

/** An encoded space a URL may keep undecoded. */
export const ENCODED_SPACE = '%20';

/**
 * Runs of separators and ASCII white space, each one space in the key. Spelled out, not `\s`: RE2's and
 * JavaScript's differ beyond ASCII.
 */
export const SEPARATORS = '[\\t\\n\\f\\r _+.|:/-]+';

/** The reference: lower case, `%20` and separators as one space, no space at either end; '' for none. */
export function campaignNameKey(name: string | null): string {
  if (name === null) return '';
  return name
    .toLowerCase()
    .replaceAll(ENCODED_SPACE, ' ')
    .replace(new RegExp(SEPARATORS, 'g'), ' ')
    .replace(/^ | $/g, '');
}
