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
import type { CostsRow } from '../store/areas/costs.js';
import { costMappingRulesFor } from '../derive/cost-mapping-settings.js';
import { CURRENCY, reportCurrency } from './common-params.js';
import { reportRange, Day } from './costs.js';
import { round2 } from './params.js';
import { defineReport } from './report.js';

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
  'campaign_id_mismatch',
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
  /** The days it concerns, where it is judged day by day (spend without sessions, id mismatch, rename). */
  days?: string[];
  /** sessions_without_spend: the campaign (id) they probably belong to, renamed since they were tagged. */
  candidate?: string;
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
    ...CURRENCY,
  })
  .strict();

const money = (x: number | null, currency: string) =>
  x === null ? `an amount in a currency with no rate` : `${round2(x)} ${currency}`;

/** Days as runs: "2026-03-01 to 2026-03-03, 2026-03-07". */
export function daysText(days: readonly string[]): string {
  const sorted = [...new Set(days)].sort();
  const runs: [string, string][] = [];
  for (const d of sorted) {
    const last = runs[runs.length - 1];
    const next = last && new Date(Date.parse(`${last[1]}T00:00:00Z`) + 86_400_000);
    if (last && next && next.toISOString().slice(0, 10) === d) last[1] = d;
    else runs.push([d, d]);
  }
  return runs.map(([a, b]) => (a === b ? a : `${a} to ${b}`)).join(', ');
}

/**
 * Per platform and campaign, its sessions (each session is on one day) and its latest name in the
 * range (the name of its last day with spend), from the costs report's rows by day.
 */
export function campaignsOf(
  byDay: readonly Pick<CostsRow, 'platform' | 'campaign' | 'date' | 'campaignName' | 'sessions'>[],
): Map<string, { campaignName: string | null; sessions: number }> {
  const out = new Map<string, { campaignName: string | null; sessions: number; day: string }>();
  for (const r of byDay) {
    const k = `${r.platform}|${r.campaign}`;
    const was = out.get(k) ?? { campaignName: null, sessions: 0, day: '' };
    was.sessions += r.sessions;
    const name = r.campaignName ?? null;
    if (name !== null && (r.date ?? '') >= was.day) {
      was.campaignName = name;
      was.day = r.date ?? '';
    }
    out.set(k, was);
  }
  return out;
}

/** A sum of spends, null when any is (spend in a currency with no rate). */
const addSpend = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);

export const taggingHealth = defineReport({
  name: 'tagging-health',
  summary: 'Where ad spend and tracked traffic fail to meet, and what to fix',
  params,
  async run({ store, workspaceId }, p) {
    const { from, to } = reportRange(p);
    // spend alone is money here: converted to the asked currency at each day's rate
    const ws = { currency: (await reportCurrency(store, workspaceId, p)).currency };
    const match = {
      from,
      to,
      currency: ws.currency,
      platforms: SESSION_PLATFORMS,
      paidChannels: PAID_CHANNELS,
      // sessions a mapping rule gives a campaign are matched here too
      rules: await costMappingRulesFor(store, workspaceId),
    };
    const [byDay, facts, totals] = await Promise.all([
      store.costsReport(workspaceId, {
        ...match,
        groupBy: ['platform', 'campaign', 'date'],
        model: 'linear',
        milestone: 'lead',
      }),
      store.taggingFacts(workspaceId, { ...match, click: CLICK_ID_PARAMS }),
      store.adCostTotals(workspaceId, { from, to, groupBy: ['platform'], currency: ws.currency }),
    ]);
    const c = ws.currency;
    const findings: TaggingFinding[] = [];
    // the campaigns' names and sessions from their days: the matching read once, not once per grouping
    const names = campaignsOf(byDay);
    const nameOf = (platform: string, id: string) =>
      names.get(`${platform}|${id}`)?.campaignName ?? id;
    const spendOn = new Map(byDay.map((r) => [`${r.platform}|${r.campaign}|${r.date}`, r.cost]));
    // spend without sessions, judged day by day: a campaign whose URLs lose their tags for some days
    // still has sessions on its other days
    const quiet = new Map<string, { platform: AdPlatform; campaign: string; days: string[] }>();
    for (const r of byDay) {
      if (r.campaign === null || r.campaign === undefined || r.sessions > 0) continue;
      if (r.cost === 0 || r.platform === undefined || r.date === undefined) continue;
      const k = `${r.platform}|${r.campaign}`;
      const q = quiet.get(k) ?? { platform: r.platform, campaign: r.campaign, days: [] };
      q.days.push(r.date);
      quiet.set(k, q);
    }
    const spendOf = (platform: string, campaign: string, days: readonly string[]) =>
      days.reduce<number | null>((s, d) => {
        const day = spendOn.get(`${platform}|${campaign}|${d}`);
        return addSpend(s, day === undefined ? 0 : day);
      }, 0);
    for (const q of quiet.values()) {
      const name = nameOf(q.platform, q.campaign);
      const spend = spendOf(q.platform, q.campaign, q.days);
      const some = (names.get(`${q.platform}|${q.campaign}`)?.sessions ?? 0) > 0;
      findings.push({
        check: 'spend_without_sessions',
        platform: q.platform,
        campaign: q.campaign,
        date: q.days.length === 1 ? q.days[0]! : null,
        days: q.days,
        detail: `campaign "${name}" (${q.campaign}) spent ${money(spend, c)} on ${q.days.length} day(s) (${daysText(q.days)}) and no tracked paid session matches it on those days${some ? ', though sessions match it on others' : ''}`,
        fix: `make its ads' final URLs carry utm_campaign=${encodeURIComponent(name)} or utm_id=${encodeURIComponent(q.campaign)}${some ? ' on every day (a tracking template or UTMs were lost)' : ''}, and check the landing pages load the snippet`,
        spend,
        sessions: 0,
      });
    }
    for (const u of facts.unmatched) {
      if (u.campaign === null || u.campaign === '') continue; // the untagged check names their pages
      // a renamed campaign: its old name meets no spend on days the campaign has spend and no session,
      // and sessions match it under its current name after them
      const seen = new Set(u.days);
      const first = [...seen].sort()[0] ?? '';
      const last = [...seen].sort().pop() ?? '';
      const matchedAfter = (q: { platform: string; campaign: string }) =>
        byDay.some(
          (r) =>
            r.platform === q.platform &&
            r.campaign === q.campaign &&
            r.sessions > 0 &&
            (r.date ?? '') > last,
        );
      const candidates = [...quiet.values()].filter(
        (q) =>
          q.platform === u.platform &&
          [...seen].every((d) => q.days.includes(d)) &&
          matchedAfter(q),
      );
      const cand = candidates.length === 1 ? candidates[0]! : null;
      const candDays = cand ? cand.days.filter((d) => d >= first && d <= last) : [];
      const candName = cand ? nameOf(cand.platform, cand.campaign) : '';
      const spend = cand ? spendOf(cand.platform, cand.campaign, candDays) : null;
      findings.push({
        check: 'sessions_without_spend',
        platform: u.platform,
        campaign: u.campaign,
        ...(cand ? { candidate: cand.campaign } : {}),
        date: null,
        days: u.days,
        detail:
          `${u.sessions} paid ${u.platform} sessions carried utm_campaign "${u.campaign}", which names no ${u.platform} campaign with spend` +
          (cand
            ? `: probably campaign "${candName}" (${cand.campaign}) renamed, which spent ${money(spend, c)} with no session on those days (${daysText(candDays)}) and has sessions under its current name after them`
            : ''),
        fix: cand
          ? `tag campaign "${candName}" with utm_id=${encodeURIComponent(cand.campaign)} so a rename cannot break it, or add a mapping rule from utm_campaign "${u.campaign}" to it`
          : `use the campaign's name (or utm_id with its id) in the URLs, or import the spend of the account it runs in`,
        spend,
        sessions: u.sessions,
      });
    }
    const mismatches = new Map<
      string,
      { platform: AdPlatform; carried: string; named: string; days: string[]; sessions: number }
    >();
    for (const m of facts.mismatched) {
      const k = `${m.platform}|${m.carried}|${m.named}`;
      const x = mismatches.get(k) ?? { ...m, days: [], sessions: 0 };
      x.days.push(m.day);
      x.sessions += m.sessions;
      mismatches.set(k, x);
    }
    for (const m of mismatches.values()) {
      const named = nameOf(m.platform, m.named);
      const spend = spendOf(m.platform, m.named, m.days);
      findings.push({
        check: 'campaign_id_mismatch',
        platform: m.platform,
        campaign: m.named,
        date: m.days.length === 1 ? m.days[0]! : null,
        days: m.days,
        detail: `${m.sessions} paid ${m.platform} sessions (${daysText(m.days)}) carried utm_id=${m.carried} (campaign "${nameOf(m.platform, m.carried)}") while their campaign id or utm_campaign named campaign "${named}" (${m.named}), which spent ${money(spend, c)} on those days: they count for ${m.carried}`,
        fix: `set utm_id=${encodeURIComponent(m.named)} in the URLs of campaign "${named}" (it carries the id of the campaign it was probably copied from)`,
        spend,
        sessions: m.sessions,
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
    const platformSpend = new Map(totals.rows.map((t) => [t.group.platform, t.cost]));
    for (const k of facts.clickIds) {
      if (k.sessions < MIN_SESSIONS || k.withClickId / k.sessions >= CLICK_ID_SHARE_MIN) continue;
      findings.push({
        check: 'auto_tagging_off',
        platform: k.platform,
        campaign: null,
        date: null,
        detail: `only ${Math.round((100 * k.withClickId) / k.sessions)}% of ${k.sessions} paid ${k.platform} sessions carried ${CLICK_ID_PARAMS[k.platform].join(' or ')}`,
        fix: AUTO_TAGGING[k.platform],
        spend: platformSpend.get(k.platform) ?? null,
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
