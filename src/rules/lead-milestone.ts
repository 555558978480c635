// The lead milestone: the product rule as data, with its JavaScript reference. The engines render the
// same data into their SQL (store/engines/neutral/lead-queries.ts); a property test holds it to this
// reference.

/** Track events that make a lead, by the source the milestone records (Segment's and snake_case names). */
export const LEAD_TRACK_EVENTS = {
  form: ['form_submitted', 'Form Submitted'],
  chat: ['chat_started', 'Chat Started'],
  call: ['phone_call', 'Phone Call'],
} as const;
export type LeadSource = keyof typeof LEAD_TRACK_EVENTS | 'identify';

/** A form, chat or call this long after the first identify still names the lead's source. */
export const LEAD_SOURCE_WINDOW_MS = 60_000;

export interface LeadCandidate {
  messageId: string;
  /** Epoch milliseconds. */
  ts: number;
  type: string;
  event: string | null;
  email: string | null;
  phone: string | null;
}

/** The source an event would give a lead, or undefined when the event makes no lead. */
export function leadSourceOf(e: LeadCandidate): LeadSource | undefined {
  if (e.type === 'identify') return (e.email ?? e.phone) !== null ? 'identify' : undefined;
  if (e.type !== 'track' || e.event === null) return undefined;
  for (const [source, names] of Object.entries(LEAD_TRACK_EVENTS))
    if ((names as readonly string[]).includes(e.event)) return source as LeadSource;
  return undefined;
}

/**
 * One person's lead: the time of their first lead event (an identify with an e-mail or phone, or a form,
 * chat or call), and its source: among the lead events up to LEAD_SOURCE_WINDOW_MS after that time, the
 * first form, chat or call (by time, then messageId), else the first identify. Undefined: no lead.
 */
export function leadOf(
  events: readonly LeadCandidate[],
): { at: number; source: LeadSource; messageId: string } | undefined {
  const candidates = events.flatMap((e) => {
    const source = leadSourceOf(e);
    return source ? [{ e, source }] : [];
  });
  if (candidates.length === 0) return undefined;
  const at = Math.min(...candidates.map((c) => c.e.ts));
  const within = candidates.filter((c) => c.e.ts <= at + LEAD_SOURCE_WINDOW_MS);
  within.sort(
    (a, b) =>
      Number(a.source === 'identify') - Number(b.source === 'identify') ||
      a.e.ts - b.e.ts ||
      (a.e.messageId < b.e.messageId ? -1 : a.e.messageId > b.e.messageId ? 1 : 0),
  );
  const best = within[0]!;
  return { at, source: best.source, messageId: best.e.messageId };
}
