import type { Store } from '../store/store.js';
import type { Acquisition, Landing, AffectedEvents } from '../store/types.js';
import { CLICK_ID_PARAMS } from '../rules/campaign-params.js';
import {
  createSourceMediumDeriver,
  defaultCompiledRules,
  type CompiledRules,
} from './channels/index.js';

export interface SessionSettings {
  /** A new session starts after this many minutes without events (default 30). */
  inactivityMinutes: number;
  /** The channel rules (default: the GA4 default channel group). */
  rules: CompiledRules;
  /** The site's own hostnames: their referrers are not a source. */
  ownHosts: readonly string[];
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = {
  inactivityMinutes: 30,
  rules: defaultCompiledRules(),
  ownHosts: [],
};

const UTM_FROM_CONTEXT: Record<string, string> = {
  source: 'utm_source',
  medium: 'utm_medium',
  name: 'utm_campaign',
  term: 'utm_term',
  content: 'utm_content',
};

/**
 * Server-side SDKs put UTMs in `context.campaign` rather than in the page URL: carry them onto the URL
 * (when it has none of its own) so one derivation serves both.
 */
export function landingUrlWithCampaign(
  url: string | null,
  campaignContext: string | null,
): string | null {
  if (!campaignContext) return url;
  let campaign: unknown;
  try {
    campaign = JSON.parse(campaignContext);
  } catch {
    return url;
  }
  if (!campaign || typeof campaign !== 'object') return url;
  let u: URL;
  try {
    u = new URL(url ?? 'https://unknown.invalid/');
  } catch {
    return url;
  }
  if ([...u.searchParams.keys()].some((k) => k.toLowerCase().startsWith('utm_'))) return url;
  for (const [k, v] of Object.entries(campaign as Record<string, unknown>)) {
    const param = UTM_FROM_CONTEXT[k] ?? (k.startsWith('utm_') ? k : undefined);
    if (param && typeof v === 'string' && v !== '') u.searchParams.set(param, v);
  }
  return u.toString();
}

/** The channel rules over distinct landings: source/medium from UTMs, click ids or the referrer, then the channel. */
export function classifyLandings(
  landings: readonly Landing[],
  settings: SessionSettings,
): Acquisition[] {
  const derive = createSourceMediumDeriver({ ownHosts: settings.ownHosts });
  return landings.map((l) => {
    const sm = derive({
      url: landingUrlWithCampaign(l.landingUrl, l.campaignContext) ?? undefined,
      referrer: l.referrer ?? undefined,
    });
    const c = settings.rules.classify(sm);
    return {
      source: sm.source,
      medium: sm.medium,
      campaign: sm.campaign,
      term: sm.term,
      content: sm.content,
      campaignId: sm.campaignId,
      clickIds: { ...sm.clickIds },
      adIds: { ...sm.adIds },
      channel: c.channel,
      platform: c.platform,
      channelRule: c.ruleId ?? '(unassigned)',
      decidedBy: sm.decidedBy,
    };
  });
}

/** Click id parameters: their values identify one click and never change a landing's classification. */

/**
 * Re-derives the sessions of a workspace, or only of some anonymous ids (incremental), read from their
 * staged events when given so.
 */
export function deriveSessions(
  store: Store,
  workspaceId: string,
  settings: SessionSettings = DEFAULT_SESSION_SETTINGS,
  affected?: readonly string[] | AffectedEvents,
  reportMoves = false,
) {
  const scope =
    affected === undefined
      ? {}
      : isStaged(affected)
        ? { anonymousIds: affected.anonymousIds, stage: affected.stage }
        : { anonymousIds: affected };
  return store.deriveSessions(
    workspaceId,
    {
      inactivityMinutes: settings.inactivityMinutes,
      clickIdParams: CLICK_ID_PARAMS,
      reportMoves,
      ...scope,
    },
    (landings) => classifyLandings(landings, settings),
  );
}

function isStaged(t: readonly string[] | AffectedEvents): t is AffectedEvents {
  return !Array.isArray(t);
}
