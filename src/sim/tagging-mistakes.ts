/**
 * Seeded tagging mistakes: the ways real accounts break the link between spend and tracked traffic, each
 * confined to one campaign (or account) and a span of days so the rest of the world stays as it was.
 * A mistake rewrites the landing URL of the paid clicks it concerns after the touch is drawn, with no
 * random draw of its own: switching mistakes on changes those URLs (and a renamed campaign's name in the
 * cost rows), nothing else. Each is recorded in the truth file with the spend it concerns
 * (docs/simulator.md, "Tagging mistakes").
 */
import { CAMPAIGNS, type Campaign } from './ad-campaigns.js';
import { slugName, type Touch } from './tagging.js';
import { DAY, formatDate } from './time.js';
import type { AdPlatform } from './types.js';

export const TAGGING_MISTAKE_KINDS = [
  'no_utms',
  'renamed',
  'auto_tagging_off',
  'id_mismatch',
] as const;
export type TaggingMistakeKind = (typeof TAGGING_MISTAKE_KINDS)[number];

export interface TaggingMistake {
  kind: TaggingMistakeKind;
  platform: AdPlatform;
  /** The campaign concerned (null: the whole account, for auto-tagging). */
  campaignId: string | null;
  /** Its name as the platform reports it at the end of the window (a renamed campaign's new name). */
  campaignName: string | null;
  /** The days whose paid clicks carry the mistake, inclusive (UTC, YYYY-MM-DD). */
  from: string;
  to: string;
  /** What happened, in words. */
  detail: string;
  /** renamed: the name before the rename (its sessions' utm_campaign until `to`). */
  oldName?: string;
  /** id_mismatch: the id its URLs carried in utm_id instead of its own. */
  wrongId?: string;
}

/** A mistake with what it concerns in the simulated world: filled in as the days are written. */
export interface TaggingMistakeTruth extends TaggingMistake {
  /** Spend of the campaign (or account) over from..to, in the account's currency, to the cent. */
  spend: number;
  /** Paid clicks (= simulated paid sessions) it concerns. */
  clicks: number;
}

function campaignOf(platform: AdPlatform, name: string): Campaign {
  const c = CAMPAIGNS.find((x) => x.platform === platform && x.name === name);
  if (c === undefined) throw new Error(`no ${platform} campaign ${name} in the catalogue`);
  return c;
}

/**
 * The default mistakes of a window of `days` days from `startMs`. Spans are short shares of the window
 * on small campaigns so that, together, they concern under 1% of the paid sessions:
 * - no_utms: a Google search campaign's ads lose their tracking template and UTMs for ~4% of the window
 *   (auto-tagging still adds gclid);
 * - renamed: a LinkedIn campaign tagged by name only ({{campaign name}}, no utm_id) is renamed ~8% into
 *   the window; the platforms report only its new name, so the earlier sessions' old name meets no spend;
 * - auto_tagging_off: the Microsoft Advertising account adds no msclkid, the whole window;
 * - id_mismatch: a Microsoft campaign duplicated from another keeps that one's hard-coded utm_id for
 *   ~6% of the window, so its clicks carry the other campaign's id.
 */
export function defaultMistakes(startMs: number, days: number): TaggingMistake[] {
  const day = (i: number) => formatDate(startMs + Math.min(days - 1, Math.max(0, i)) * DAY);
  const span = (at: number, share: number): [string, string] => {
    const first = Math.floor(at * days);
    return [day(first), day(first + Math.max(1, Math.round(share * days)) - 1)];
  };
  const competitors = campaignOf('google_ads', 'NonBrand | Search | Competitors');
  const conversation = campaignOf('linkedin_ads', 'ABM | Conversation Ads | Demo');
  const msNonBrand = campaignOf('microsoft_ads', 'NonBrand | Search | Attribution');
  const msBrand = campaignOf('microsoft_ads', 'Brand | Search | Global');
  const renameAt = Math.max(1, Math.round(0.08 * days));
  const [noUtmFrom, noUtmTo] = span(0.4, 0.04);
  const [idFrom, idTo] = span(0.7, 0.06);
  const out: TaggingMistake[] = [
    {
      kind: 'no_utms',
      platform: 'google_ads',
      campaignId: competitors.id,
      campaignName: competitors.name,
      from: noUtmFrom,
      to: noUtmTo,
      detail:
        'its ads lost their tracking template and UTM parameters; auto-tagging still added gclid',
    },
    {
      kind: 'renamed',
      platform: 'linkedin_ads',
      campaignId: conversation.id,
      campaignName: `${conversation.name} Offer`,
      oldName: conversation.name,
      from: day(0),
      to: day(renameAt - 1),
      detail: `tagged by name only (utm_campaign from the campaign name, no utm_id) and renamed on ${day(renameAt)}; the platform reports only the new name`,
    },
    {
      kind: 'auto_tagging_off',
      platform: 'microsoft_ads',
      campaignId: null,
      campaignName: null,
      from: day(0),
      to: day(days - 1),
      detail: 'auto-tagging is off on the account: no msclkid on any click',
    },
    {
      kind: 'id_mismatch',
      platform: 'microsoft_ads',
      campaignId: msNonBrand.id,
      campaignName: msNonBrand.name,
      wrongId: msBrand.id,
      from: idFrom,
      to: idTo,
      detail: `duplicated from "${msBrand.name}": its URLs carried that campaign's id in utm_id`,
    },
  ];
  // a one-day window has no room for a rename inside it
  return days < 2 ? out.filter((m) => m.kind !== 'renamed') : out;
}

const CLICK_IDS: Partial<Record<AdPlatform, string>> = {
  google_ads: 'gclid',
  microsoft_ads: 'msclkid',
};

/** Whether the mistake concerns a paid click of `campaign` on `date`. */
export function concerns(
  m: TaggingMistake,
  platform: AdPlatform,
  campaignId: string,
  date: string,
) {
  if (m.platform !== platform) return false;
  if (m.campaignId !== null && m.campaignId !== campaignId) return false;
  // a renamed campaign is tagged by name all the window: only its name changes on the rename day
  if (m.kind === 'renamed') return true;
  return date >= m.from && date <= m.to;
}

/** The name of a campaign in the cost rows of `date` (a renamed campaign's old name before the rename). */
export function nameOn(
  mistakes: readonly TaggingMistake[],
  campaign: Campaign,
  date: string,
): string {
  const r = mistakes.find((m) => m.kind === 'renamed' && m.campaignId === campaign.id);
  return r !== undefined && r.campaignName !== null && date > r.to ? r.campaignName : campaign.name;
}

/** The touch as the mistakes in force on `date` leave it (the same touch when none concerns it). */
export function applyMistakes(
  mistakes: readonly TaggingMistake[],
  touch: Touch,
  date: string,
): Touch {
  const paid = touch.paid;
  if (paid === null || mistakes.length === 0) return touch;
  let params = touch.params;
  for (const m of mistakes) {
    if (!concerns(m, paid.platform, paid.campaign.id, date)) continue;
    switch (m.kind) {
      case 'no_utms': {
        const click = CLICK_IDS[m.platform];
        params = params.filter(([k]) => k === click);
        break;
      }
      case 'renamed': {
        const name = date > m.to ? (m.campaignName ?? paid.campaign.name) : paid.campaign.name;
        params = params
          .filter(([k]) => k !== 'utm_id')
          .map(([k, v]): [string, string] => (k === 'utm_campaign' ? [k, slugName(name)] : [k, v]));
        break;
      }
      case 'auto_tagging_off': {
        const click = CLICK_IDS[m.platform];
        params = params.filter(([k]) => k !== click);
        break;
      }
      case 'id_mismatch': {
        const wrong = m.wrongId ?? '';
        const has = params.some(([k]) => k === 'utm_id');
        params = has
          ? params.map(([k, v]): [string, string] => (k === 'utm_id' ? [k, wrong] : [k, v]))
          : [...params.slice(0, 5), ['utm_id', wrong], ...params.slice(5)];
        break;
      }
    }
  }
  return params === touch.params ? touch : { ...touch, params };
}
