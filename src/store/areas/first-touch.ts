// The store's first-touch area: each person's first touch, derived once and stored (person_first_touch),
// read by every report that groups by it (docs/reports.md, "First touch").
//
// A person's **first touch** is their first visit: the earliest session with a page view (by start, then
// session id) of any of their anonymous ids, a shared device's only within the person's span. A person
// with none has no row. Reports label what is missing with one vocabulary: NO_TOUCHPOINT for a person
// with no visit (or a row that reached no person), NOT_SET for a first visit without the value.

/** Shown for a person with no visit (or no person at all), in every first-touch dimension. */
export const NO_TOUCHPOINT = '(no touchpoint)';
/** Shown for a first visit without the dimension's value (a session without a campaign). */
export const NOT_SET = '(not set)';

/** The first visit's attributes stored per person (person_first_touch's columns of the same name). */
export const FIRST_TOUCH_ATTRIBUTES = [
  'channel',
  'platform',
  'source',
  'medium',
  'campaign',
  'landing_page',
  'device',
  'country',
] as const;
export type FirstTouchAttribute = (typeof FIRST_TOUCH_ATTRIBUTES)[number];

export interface FirstTouchStore {
  /**
   * Recomputes the stored first touch of every person of the workspace, or (scoped) of these persons
   * (persons merged away or gone lose their row). Run after identity resolution. Rows written.
   */
  deriveFirstTouches(workspaceId: string, persons?: readonly string[]): Promise<number>;
}

/**
 * Values kept per first-touch attribute, compared with the labels reports show (so `(not set)` and
 * `(no touchpoint)` can be kept too); an attribute not named keeps every value.
 */
export type FirstTouchFilter = Partial<Record<FirstTouchAttribute, readonly string[]>>;
