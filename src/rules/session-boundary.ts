// When a visitor's next hit starts a new session: the product rule as data, with its JavaScript
// reference. The engines render the same data into one copy of SQL (store/engines/neutral/
// sessions-queries.ts), and a property test holds the engine to this reference on random histories.
import { CAMPAIGN_PARAMS } from './campaign-params.js';

/** Hits whose URL can carry a campaign (other hits never change it). */
export const CAMPAIGN_HIT_TYPES = ['page', 'screen'] as const;
/** The keys of a server-side `context.campaign` that name a campaign too. */
export const CAMPAIGN_CONTEXT_KEYS = ['source', 'medium', 'name'] as const;
export { CAMPAIGN_PARAMS };

/**
 * Per anonymous id, in time order (ties by messageId), a hit starts a new session when it is the first,
 * when more than `inactivityMinutes` passed since the previous hit, or when it carries a campaign other
 * than the last campaign seen (on any earlier hit, across sessions). Sessions do not split at midnight.
 *
 * A hit's campaign is the multiset of its `name=value` campaign URL parameters (from the query string:
 * the text between the first `?` and the next `?` or `#`, split on `&`, compared lower-cased and not
 * decoded) and its campaign context's source, medium and name; none of them: no campaign.
 */
export interface SessionHit {
  anonymousId: string;
  messageId: string;
  /** Epoch microseconds. */
  ts: number;
  type: string;
  pageUrl: string | null;
  campaign: Partial<Record<string, unknown>> | null;
}

/** A hit's campaign as a canonical string, or null when it carries none. */
export function campaignOf(hit: Pick<SessionHit, 'type' | 'pageUrl' | 'campaign'>): string | null {
  if (!(CAMPAIGN_HIT_TYPES as readonly string[]).includes(hit.type)) return null;
  const url = hit.pageUrl ?? '';
  if (!url.includes('?') && hit.campaign === null) return null;
  const query = (url.split('#')[0] ?? '').split('?')[1] ?? '';
  const parts = query
    .toLowerCase()
    .split('&')
    .filter((p) => CAMPAIGN_PARAMS.includes(p.split('=')[0]!));
  for (const k of CAMPAIGN_CONTEXT_KEYS) {
    const v = hit.campaign?.[k];
    if (v !== undefined && v !== null)
      parts.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return parts.length === 0 ? null : parts.sort().join('\u0000');
}

/** Each hit's session number (1, 2, ...) within its anonymous id, keyed by messageId. */
export function sessionNumbers(
  hits: readonly SessionHit[],
  inactivityMinutes: number,
): Map<string, number> {
  const gap = inactivityMinutes * 60_000_000;
  const byId = new Map<string, SessionHit[]>();
  for (const h of hits) {
    const list = byId.get(h.anonymousId) ?? [];
    list.push(h);
    byId.set(h.anonymousId, list);
  }
  const out = new Map<string, number>();
  for (const list of byId.values()) {
    list.sort(
      (a, b) => a.ts - b.ts || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0),
    );
    let session = 0;
    let prevTs: number | undefined;
    let lastCampaign: string | null = null;
    for (const h of list) {
      const c = campaignOf(h);
      if (prevTs === undefined || h.ts > prevTs + gap || (c !== null && c !== lastCampaign))
        session++;
      if (c !== null) lastCampaign = c;
      prevTs = h.ts;
      out.set(h.messageId, session);
    }
  }
  return out;
}
