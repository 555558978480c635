// `journeys`: the persons of a segment (who first reached a milestone in a range, through some channels,
// campaigns, ad groups, ads or keywords, or matching a text) with their paths, newest conversion first, a
// page at a time. Each row links to the person's whole timeline (GET /api/people/:id/journey); it shows no more of a person than
// the people API does (their first e-mail identifier). docs/reports.md, "journeys".
import { z } from 'zod';
import { dayStart } from './common-params.js';
import { reportRange, Day } from './costs.js';
import { dayIn } from './goals.js';
import { CommaList, Int } from './params.js';
import { defineReport, ReportParamError } from './report.js';

/** Touches shown per path (the last ones before the conversion); touchCount says how many there were. */
export const MAX_TOUCHES = 50;
const DAY_MS = 86_400_000;

const params = z
  .object({
    milestone: z
      .string()
      .regex(
        /^[a-z][a-z0-9_]{0,63}$/,
        'must be a milestone name (lead, opportunity, customer, ...)',
      )
      .default('lead')
      .describe('the milestone the segment reached (default lead)'),
    from: Day.optional().describe(
      'first day of conversion, in the workspace time zone (default: 30 days before to)',
    ),
    to: Day.optional().describe(
      'last day of conversion, inclusive (default: today in the workspace time zone)',
    ),
    channel: CommaList.optional().describe('only persons with a touch of one of these channels'),
    campaign: CommaList.optional().describe('only persons with a touch of one of these campaigns'),
    adGroup: CommaList.optional().describe(
      'only persons with a touch of one of these ad groups (the ad group id of the landing URL)',
    ),
    ad: CommaList.optional().describe(
      'only persons with a touch of one of these ads (the ad id of the landing URL)',
    ),
    keyword: CommaList.optional().describe(
      'only persons with a touch of one of these keywords (the landing URL keyword, else utm_term)',
    ),
    search: z
      .string()
      .trim()
      .min(2, 'must have 2 characters or more')
      .max(200)
      .optional()
      .describe('only persons whose e-mail, user id or name contains this text'),
    limit: Int.min(1).max(500).default(50).describe('persons per page (default 50, at most 500)'),
    offset: Int.min(0).default(0).describe('persons skipped (paging)'),
  })
  .strict();

export const journeys = defineReport({
  name: 'journeys',
  summary:
    'Leads or customers of a segment with their paths (touches to the conversion), linking to each person timeline',
  params,
  async run({ store, workspaceId }, p) {
    const ws = await store.getWorkspace(workspaceId);
    if (!ws) throw new ReportParamError('workspace', 'no such workspace');
    // days of the workspace's time zone
    const { from, to } = reportRange({ from: p.from, to: p.to ?? dayIn(Date.now(), ws.timezone) });
    const next = new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
    const segment = await store.journeySegment(
      workspaceId,
      {
        milestone: p.milestone,
        from: dayStart(from, ws.timezone),
        to: dayStart(next, ws.timezone),
        ...(p.channel && p.channel.length > 0 ? { channels: p.channel } : {}),
        ...(p.campaign && p.campaign.length > 0 ? { campaigns: p.campaign } : {}),
        ...(p.adGroup && p.adGroup.length > 0 ? { adGroups: p.adGroup } : {}),
        ...(p.ad && p.ad.length > 0 ? { ads: p.ad } : {}),
        ...(p.keyword && p.keyword.length > 0 ? { keywords: p.keyword } : {}),
        ...(p.search !== undefined ? { search: p.search } : {}),
        limit: p.limit,
        offset: p.offset,
      },
      MAX_TOUCHES,
    );
    const iso = (t: number) => new Date(t).toISOString();
    return {
      milestone: p.milestone,
      from,
      to,
      total: segment.total,
      limit: p.limit,
      offset: p.offset,
      next: p.offset + segment.rows.length < segment.total ? p.offset + p.limit : null,
      persons: segment.rows.map((r) => ({
        personId: r.personId,
        journey: `/api/people/${encodeURIComponent(r.personId)}/journey`,
        reachedAt: iso(r.reachedAt),
        value: r.value,
        email: r.email,
        touchCount: r.touchCount,
        firstTouch: r.touches[0]?.channel ?? null,
        lastTouch: r.touches[r.touches.length - 1]?.channel ?? null,
        path: r.touches.map((t) => ({ ...t, at: iso(t.at) })),
      })),
    };
  },
  table(r) {
    return {
      headline: `${r.total} persons reached ${r.milestone} ${r.from} to ${r.to} (${r.offset + 1}-${r.offset + r.persons.length})`,
      rows: r.persons.map((x) => ({
        person: x.personId,
        reached: x.reachedAt,
        value: x.value ?? '',
        touches: x.touchCount,
        path: x.path.map((t) => `${t.channel}${t.campaign ? ` (${t.campaign})` : ''}`).join(' > '),
      })),
    };
  },
});
