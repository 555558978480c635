// Which CRM lifecycle stages say a lead was disqualified: the product rule as data, with its JavaScript
// reference. The lead-quality report renders the same list into its SQL
// (store/engines/neutral/pipeline-report-queries.ts). A lead is disqualified when the latest lifecycle
// stage of one of its CRM contacts or leads is one of these, compared in lower case with the ends trimmed:
// the stock "no milestone" stages of the connectors that name a disqualification (the CSV format's
// `unqualified` and `disqualified`, Salesforce's `Closed - Not Converted`), and the spellings CRMs commonly
// give them. HubSpot's stock lifecycle stages have none (`other` is not a judgement on the lead).

export const DISQUALIFIED_STAGES = [
  'unqualified',
  'disqualified',
  'closed - not converted',
  'closed_not_converted',
  'not qualified',
  'not_qualified',
  'junk',
] as const;

/** Whether a lifecycle stage, as the CRM spells it, says the lead was disqualified. */
export function isDisqualifiedStage(stage: string | null): boolean {
  return (
    stage !== null &&
    (DISQUALIFIED_STAGES as readonly string[]).includes(stage.trim().toLowerCase())
  );
}
