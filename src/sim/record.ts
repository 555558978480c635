/**
 * The simulator's own account of the world it wrote (record.json): aggregates only, so later stages
 * (sessionisation, channel rules, identity stitching, lead counting) can be checked against it.
 */
import {
  CHANNELS,
  CHANNEL_EFFECTS,
  GA4_GROUPS,
  type ChannelId,
  type Ga4ChannelGroup,
} from './channels.js';
import type { ConversionMethod } from './journey.js';
import type { AdCostRow, SegmentEvent } from './types.js';

export interface SimRecord {
  persons: number;
  anonymousIds: number;
  sessions: {
    total: number;
    byGa4ChannelGroup: Record<Ga4ChannelGroup, number>;
    byChannel: Record<ChannelId, number>;
  };
  /** Leads as simulated: one per human who converted (the truth file counts the same leads). */
  leads: {
    total: number;
    byFirstTouchGa4ChannelGroup: Record<Ga4ChannelGroup, number>;
    byFirstTouchChannel: Record<ChannelId, number>;
    byMethod: Record<ConversionMethod, number>;
    /**
     * Leads as the product counts them: one per resolvable person (identity.resolvablePersons) with a
     * lead event, at their first one (see resolution.ts). The product cannot tell two people on one
     * device apart, so a shared device on which two people identified (below the quarantine limit) is
     * one person and one lead; a documented rule, not a product error.
     */
    resolvable: {
      total: number;
      /**
       * Channel group of the resolvable person's first session at or before the lead, on any of its
       * anonymous ids. `(no touchpoint)` never occurs here: the lead's own device had a session before.
       */
      byFirstTouchGa4ChannelGroup: Record<string, number>;
    };
  };
  identity: {
    /** People who sent events from two devices. */
    twoDevicePersons: number;
    /** Emails identified on two or more anonymous ids (two-device people who identified on both). */
    emailsOnSeveralDevices: number;
    /** Anonymous ids on which two or more different emails identified (shared devices). */
    devicesWithSeveralEmails: number;
    /**
     * Persons as the product can resolve them: anonymous ids joined when an email or phone identified on
     * both (a second device that never identifies stays its own person; a shared device joins its users
     * unless more emails than the quarantine limit identified on it).
     */
    resolvablePersons: number;
  };
  crm: {
    mql: number;
    sql: number;
    opportunity: number;
    customer: number;
    dealsCreated: number;
    dealsWon: number;
    dealsLost: number;
    wonAmount: number;
    revenueMovements: Record<'new' | 'expansion' | 'contraction' | 'churn', number>;
  };
  events: {
    total: number;
    byType: Record<SegmentEvent['type'], number>;
    byTrackEvent: Record<string, number>;
  };
  adCosts: {
    rows: number;
    clicks: number;
    impressions: number;
    cost: number;
  };
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export function emptyRecord(): SimRecord {
  return {
    persons: 0,
    anonymousIds: 0,
    sessions: { total: 0, byGa4ChannelGroup: zeros(GA4_GROUPS), byChannel: zeros(CHANNELS) },
    leads: {
      total: 0,
      byFirstTouchGa4ChannelGroup: zeros(GA4_GROUPS),
      byFirstTouchChannel: zeros(CHANNELS),
      byMethod: zeros(['form', 'chat', 'phone'] as const),
      resolvable: { total: 0, byFirstTouchGa4ChannelGroup: {} },
    },
    identity: {
      twoDevicePersons: 0,
      emailsOnSeveralDevices: 0,
      devicesWithSeveralEmails: 0,
      resolvablePersons: 0,
    },
    crm: {
      mql: 0,
      sql: 0,
      opportunity: 0,
      customer: 0,
      dealsCreated: 0,
      dealsWon: 0,
      dealsLost: 0,
      wonAmount: 0,
      revenueMovements: zeros(['new', 'expansion', 'contraction', 'churn'] as const),
    },
    events: { total: 0, byType: zeros(['page', 'track', 'identify'] as const), byTrackEvent: {} },
    adCosts: { rows: 0, clicks: 0, impressions: 0, cost: 0 },
  };
}

export function countSession(r: SimRecord, channel: ChannelId): void {
  r.sessions.total++;
  r.sessions.byChannel[channel]++;
  r.sessions.byGa4ChannelGroup[CHANNEL_EFFECTS[channel].ga4]++;
}

export function countLead(r: SimRecord, firstTouch: ChannelId, method: ConversionMethod): void {
  r.leads.total++;
  r.leads.byFirstTouchChannel[firstTouch]++;
  r.leads.byFirstTouchGa4ChannelGroup[CHANNEL_EFFECTS[firstTouch].ga4]++;
  r.leads.byMethod[method]++;
}

export function countResolvableLead(r: SimRecord, firstTouch: ChannelId | null): void {
  const group = firstTouch === null ? '(no touchpoint)' : CHANNEL_EFFECTS[firstTouch].ga4;
  const by = r.leads.resolvable.byFirstTouchGa4ChannelGroup;
  r.leads.resolvable.total++;
  by[group] = (by[group] ?? 0) + 1;
}

export function countEvent(r: SimRecord, e: SegmentEvent): void {
  r.events.total++;
  r.events.byType[e.type]++;
  if (e.type === 'track' && e.event !== undefined)
    r.events.byTrackEvent[e.event] = (r.events.byTrackEvent[e.event] ?? 0) + 1;
}

export function countAdCost(r: SimRecord, row: AdCostRow): void {
  r.adCosts.rows++;
  r.adCosts.clicks += row.clicks;
  r.adCosts.impressions += row.impressions;
  r.adCosts.cost = Math.round((r.adCosts.cost + row.cost) * 100) / 100;
}
