// `tagging-health`: where spend and tracked traffic fail to meet, and what to fix (issue 16). Untagged
// campaigns are the most common reason attribution lies; each finding names the campaign, page or day,
// the spend it concerns and the fix. Built on the costs report's matching (neutral/costs-queries.ts).
import { z } from 'zod';
import {
  CLICK_ID_PARAMS,
  PAID_CHANNELS,
  SESSION_PLATFORMS,
} from '../derive/channels/paid-platforms.js';
import type { AdPlatform } from '../store/areas/ad-costs.js';
import { costMappingRulesFor } from '../derive/cost-mapping-settings.js';
import { reportRange, Day } from './costs.js';
import { round2 } from './params.js';
import { defineReport, ReportParamError } from './report.js';

/** A platform's paid sessions under this share with its click id suggest auto-tagging is off. */
export const CLICK_ID_SHARE_MIN = 0.5;
/** A day's campaign whose tracked sessions are under this share of its reported clicks is flagged. */
export const SESSIONS_PER_CLICK_MIN = 0.5;
/** Below these counts a share says nothing. */
export const MIN_SESSIONS = 10;
export const MIN_CLICKS = 20;

export const TAGGING_CHECKS = [
  'spend_without_sessions',
  'sessions_without_spend',
  'untagged_landing_page',
  'auto_tagging_off',
  'clicks_without_sessions',
  'spend_without_rate',
] as const;
export type TaggingCheck = (typeof TAGGING_CHECKS)[number];

export interface TaggingFinding {
  check: TaggingCheck;
  platform: AdPlatform | null;
  campaign: string | null;
  date: string | null;
  /** What was seen, in words. */
  detail: string;
  /** What to do about it. */
  fix: string;
  /** The spend concerned, in the workspace's currency (null: none known, or no rate). */
  spend: number | null;
  sessions: number;
}

const AUTO_TAGGING: Record<AdPlatform, string> = {
  google: 'turn on auto-tagging in Google Ads (Admin > Account settings > Auto-tagging)',
  microsoft: 'turn on auto-tagging of MSCLKID in Microsoft Advertising (Account settings)',
  meta: 'check that no redirect or URL shortener drops the fbclid Meta adds to ad clicks',
  linkedin: 'check that no redirect drops the li_fat_id LinkedIn adds to ad clicks',
};

const params = z
  .object({
    from: Day.optional().describe('first day (default: 30 days before to)'),
    to: Day.optional().describe('last day, inclusive (default: today, UTC)'),
  })
  .strict();

const money = (x: number | null, currency: string) =>
  x === null ? `an amount in a currency with no rate` : `${round2(x)} ${currency}`;

export const taggingHealth = defineReport({
  name: 'tagging-health',
  summary: 'Where ad spend and tracked traffic fail to meet, and what to fix',
  params,
  async run({ store, workspaceId }, p) {
    const { from, to } = reportRange(p);
    const ws = await store.getWorkspace(workspaceId);
    if (!ws) throw new ReportParamError('workspace', 'no such workspace');
    const match = {
      from,
      to,
      currency: ws.currency,
      platforms: SESSION_PLATFORMS,
      paidChannels: PAID_CHANNELS,
      // sessions a mapping rule gives a campaign are matched here too
      rules: await costMappingRulesFor(store, workspaceId),
    };
    const costs = (groupBy: ('platform' | 'campaign' | 'date')[]) =>
      store.costsReport(workspaceId, { ...match, groupBy, model: 'linear', milestone: 'lead' });
    const [byCampaign, byDay, facts, totals] = await Promise.all([
      costs(['platform', 'campaign']),
      costs(['platform', 'campaign', 'date']),
      store.taggingFacts(workspaceId, { ...match, click: CLICK_ID_PARAMS }),
      store.adCostTotals(workspaceId, { from, to, groupBy: ['platform'], currency: ws.currency }),
    ]);
    const c = ws.currency;
    const findings: TaggingFinding[] = [];
    for (const r of byCampaign) {
      if (r.campaign === null || r.campaign === undefined || r.sessions > 0) continue;
      if (r.cost === 0) continue;
      const name = r.campaignName ?? r.campaign;
      findings.push({
        check: 'spend_without_sessions',
        platform: r.platform ?? null,
        campaign: r.campaign,
        date: null,
        detail: `campaign "${name}" (${r.campaign}) spent ${money(r.cost, c)} and no tracked paid session matches it`,
        fix: `make its ads' final URLs carry utm_campaign=${encodeURIComponent(name)} or utm_id=${encodeURIComponent(r.campaign)}, and check the landing pages load the snippet`,
        spend: r.cost,
        sessions: 0,
      });
    }
    for (const u of facts.unmatched) {
      if (u.campaign === null || u.campaign === '') continue; // the untagged check names their pages
      findings.push({
        check: 'sessions_without_spend',
        platform: u.platform,
        campaign: u.campaign,
        date: null,
        detail: `${u.sessions} paid ${u.platform} sessions carried utm_campaign "${u.campaign}", which names no ${u.platform} campaign with spend`,
        fix: `use the campaign's name (or utm_id with its id) in the URLs, or import the spend of the account it runs in`,
        spend: null,
        sessions: u.sessions,
      });
    }
    for (const u of facts.untagged)
      findings.push({
        check: 'untagged_landing_page',
        platform: u.platform,
        campaign: null,
        date: null,
        detail: `${u.sessions} paid ${u.platform} sessions landed on ${u.landingPage || '(no page)'} with neither utm_campaign nor a campaign id`,
        fix: `add UTM parameters (or a tracking template with the campaign id) to the ${u.platform} ads that point at this page`,
        spend: null,
        sessions: u.sessions,
      });
    const spendOf = new Map(totals.rows.map((t) => [t.group.platform, t.cost]));
    for (const k of facts.clickIds) {
      if (k.sessions < MIN_SESSIONS || k.withClickId / k.sessions >= CLICK_ID_SHARE_MIN) continue;
      findings.push({
        check: 'auto_tagging_off',
        platform: k.platform,
        campaign: null,
        date: null,
        detail: `only ${Math.round((100 * k.withClickId) / k.sessions)}% of ${k.sessions} paid ${k.platform} sessions carried ${CLICK_ID_PARAMS[k.platform].join(' or ')}`,
        fix: AUTO_TAGGING[k.platform],
        spend: spendOf.get(k.platform) ?? null,
        sessions: k.sessions,
      });
    }
    for (const r of byDay) {
      if (r.campaign === null || r.campaign === undefined || r.clicks < MIN_CLICKS) continue;
      if (r.sessions >= SESSIONS_PER_CLICK_MIN * r.clicks) continue;
      findings.push({
        check: 'clicks_without_sessions',
        platform: r.platform ?? null,
        campaign: r.campaign,
        date: r.date ?? null,
        detail: `campaign "${r.campaignName ?? r.campaign}" reported ${r.clicks} clicks on ${r.date}, and ${r.sessions} sessions were tracked`,
        fix: `check that its landing pages load the snippet and keep the URL parameters through redirects`,
        spend: r.cost,
        sessions: r.sessions,
      });
    }
    for (const m of totals.missingRates)
      findings.push({
        check: 'spend_without_rate',
        platform: null,
        campaign: null,
        date: m.date,
        detail: `spend in ${m.currency} on ${m.date} has no exchange rate to ${c}: it is left out of every cost`,
        fix: `import the rates: closedloop import fx FILE --workspace ${workspaceId}`,
        spend: null,
        sessions: 0,
      });
    const order = (f: TaggingFinding) => TAGGING_CHECKS.indexOf(f.check);
    findings.sort(
      (a, b) => order(a) - order(b) || (b.spend ?? -1) - (a.spend ?? -1) || b.sessions - a.sessions,
    );
    return { from, to, currency: c, findings };
  },
  table(r) {
    return {
      headline: `tagging health ${r.from} to ${r.to}: ${r.findings.length} findings`,
      rows: r.findings.map((f) => ({
        check: f.check,
        platform: f.platform ?? '',
        spend: f.spend === null ? '-' : round2(f.spend),
        sessions: f.sessions,
        detail: f.detail,
        fix: f.fix,
      })),
    };
  },
});
