// An ad account's id as the store keeps it, whichever way it was written: Google's `123-456-7890`
// and `1234567890`, Meta's `act_1234567890`, LinkedIn's `urn:li:sponsoredAccount:5123`. One key per
// account matters: an account's days are replaced by its latest import, so a file imported as
// `act_1` and a sync of `1` must name the same account, or their spend would count twice.
export const adAccountKey = (id: string): string =>
  id
    .trim()
    .replace(/^act_|^urn:li:sponsoredAccount:/, '')
    .replace(/-/g, '');
