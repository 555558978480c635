// The store's report-sessions area: each session as the reports read it, derived once and stored
// (report_sessions), read by the overview, performance, costs and tagging-health reports (docs/reports.md,
// "Speed").
//
// A row per session of the workspace: the session's own columns (its dimensions and what the costs
// matching reads), its **person** (the smallest person whose anonymous-id row holds the session's start:
// a shared device's only within its span; none when no person has the id) and its **visitor** (that
// person, else the anonymous id), and the matching's parsed inputs: its utm_campaign as a campaign name
// key, the ad group, ad, campaign id and keyword its URL carried (rules/campaign-name-key.ts spells the
// keys). Nothing in a row depends on a setting beyond the sessions' own (channel rules): the matching's
// range, mapping rules and currency are applied when a report reads the rows.

export interface ReportSessionsStore {
  /**
   * Recomputes the stored sessions of the workspace, or (scoped) those of these anonymous ids and of
   * the sessions of these persons (a merge, a split or a new id moves a session's person). Run after
   * identity resolution. Rows written.
   */
  deriveReportSessions(
    workspaceId: string,
    scope?: { anonymousIds: readonly string[]; persons: readonly string[] },
  ): Promise<number>;
}
