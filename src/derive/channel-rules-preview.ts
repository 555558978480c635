// What a channel rule change would do, before it is saved: the workspace's stored sessions, grouped by
// what the rules read, classified under the proposed rules in TypeScript (the same compiled rules the
// derive step runs) and compared with the channel each session has now. Nothing is written.
import { CLICK_ID_PARAMS } from '../rules/campaign-params.js';
import type { Store } from '../store/store.js';
import type { SessionTouchGroup } from '../store/types.js';
import {
  ChannelDiffAccumulator,
  compileRules,
  defaultCompiledRules,
  resolveRulesConfig,
  type ChannelCount,
  type ChannelTouch,
} from './channels/index.js';

/** Groups read at most: beyond it the preview is of the largest groups only (`sampled`). */
export const PREVIEW_GROUP_LIMIT = 50_000;
/** Landing URLs shown per from → to pair. */
export const EXAMPLES_PER_MOVE = 3;

export interface ChannelRulesPreview {
  /** Sessions classified (all of them unless `sampled`). */
  sessions: number;
  /** Sessions the workspace holds. */
  totalSessions: number;
  /** True when only the largest groups of sessions were classified. */
  sampled: boolean;
  /** Sessions whose channel would change. */
  moved: number;
  /** From → to, only the pairs that move, largest first, each with a few landing URLs. */
  moves: { from: string; to: string; sessions: number; examples: string[] }[];
  /** Every channel before and after. */
  channels: readonly ChannelCount[];
  /** A few landing URLs of sessions that would move, largest pairs first. */
  examples: { from: string; to: string; landingUrl: string }[];
}

const touchOf = (g: SessionTouchGroup): ChannelTouch => ({
  source: g.source,
  medium: g.medium,
  campaign: g.campaign,
  term: g.term,
  content: g.content,
  campaignId: g.campaignId,
  decidedBy: g.decidedBy,
  clickIds: g.clickIds, // blinded, as the derive step's landings are
});

/**
 * The preview of `config` (a rules file's JSON, as PUT /api/channels/rules takes it; null: the GA4
 * defaults). Invalid rules throw a RuleSetError listing every problem.
 */
export async function previewChannelRules(
  store: Store,
  workspaceId: string,
  config: unknown,
  limit = PREVIEW_GROUP_LIMIT,
): Promise<ChannelRulesPreview> {
  const rules =
    config === null || config === undefined
      ? defaultCompiledRules()
      : compileRules(resolveRulesConfig(config));
  const [groups, byChannel] = await Promise.all([
    store.sessionTouches(workspaceId, { limit, clickIdParams: CLICK_ID_PARAMS }),
    store.sessionsByChannel(workspaceId),
  ]);
  const acc = new ChannelDiffAccumulator();
  const urls = new Map<string, string[]>();
  for (const g of groups) {
    const to = rules.classify(touchOf(g)).channel;
    acc.add(g.channel, to, g.sessions);
    if (to === g.channel || g.landingUrl === null) continue;
    const key = JSON.stringify([g.channel, to]);
    const list = urls.get(key) ?? [];
    if (list.length < EXAMPLES_PER_MOVE && !list.includes(g.landingUrl)) list.push(g.landingUrl);
    urls.set(key, list);
  }
  const diff = acc.result();
  const totalSessions = byChannel.reduce((n, c) => n + c.sessions, 0);
  const moves = diff.matrix.map((m) => ({
    ...m,
    examples: urls.get(JSON.stringify([m.from, m.to])) ?? [],
  }));
  return {
    sessions: diff.sessions,
    totalSessions,
    sampled: diff.sessions < totalSessions,
    moved: diff.moved,
    moves,
    channels: diff.channels,
    examples: moves
      .flatMap((m) => m.examples.map((landingUrl) => ({ from: m.from, to: m.to, landingUrl })))
      .slice(0, 10),
  };
}
