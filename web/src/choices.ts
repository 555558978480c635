// A page's own settings as choices for UrlSelect (components/url-select.tsx): the value the URL asks
// for when it is one of them, else the first (the page's default).
export interface Choice {
  value: string;
  label: string;
}

/** The URL's `name` when it is one of the choices, else the first choice. */
export const chosen = (
  query: URLSearchParams,
  name: string,
  choices: readonly Choice[],
): string => {
  const given = query.get(name);
  return choices.some((c) => c.value === given) ? given! : choices[0]!.value;
};

/** The first-touch dimensions the pipeline reports group by (store: FIRST_TOUCH_DIMENSIONS). */
export const FIRST_TOUCH_CHOICES: Choice[] = [
  { value: 'source', label: 'Source' },
  { value: 'channel', label: 'Channel' },
  { value: 'medium', label: 'Medium' },
  { value: 'campaign', label: 'Campaign' },
];
