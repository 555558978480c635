/**
 * The simulator's own account of the world it wrote (record.json): aggregates only, so later stages
 * (sessionisation, channel rules, identity stitching, lead counting) can be checked against it.
 */
import { CHANNELS, CHANNEL_EFFECTS, GA4_GROUPS, type ChannelId, type Ga4ChannelGroup } from './channels.js';
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
  leads: {
    total: number;
    byFirstTouchGa4ChannelGroup: Record<Ga4ChannelGroup, number>;
    byFirstTouchChannel: Record<ChannelId, number>;
    /**
     * The first touch as the product can see it: the first session, before the lead, on any of the
     * person's devices that sent an identify (a device that never identifies stays anonymous).
     * `(no touchpoint)` never occurs here: the lead's own device always identifies.
     */
    byVisibleFirstTouchGa4ChannelGroup: Record<string, number>;
    byMethod: Record<ConversionMethod, number>;
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
     * both (a second device that never identifies stays its own person; a shared device joins its users).
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
    leads: { total: 0, byFirstTouchGa4ChannelGroup: zeros(GA4_GROUPS), byFirstTouchChannel: zeros(CHANNELS), byVisibleFirstTouchGa4ChannelGroup: {}, byMethod: zeros(['form', 'chat', 'phone'] as const) },
    identity: { twoDevicePersons: 0, emailsOnSeveralDevices: 0, devicesWithSeveralEmails: 0, resolvablePersons: 0 },
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

export function countVisibleFirstTouch(r: SimRecord, channel: ChannelId | null): void {
  const group = channel === null ? '(no touchpoint)' : CHANNEL_EFFECTS[channel].ga4;
  r.leads.byVisibleFirstTouchGa4ChannelGroup[group] = (r.leads.byVisibleFirstTouchGa4ChannelGroup[group] ?? 0) + 1;
}

export function countEvent(r: SimRecord, e: SegmentEvent): void {
  r.events.total++;
  r.events.byType[e.type]++;
  if (e.type === 'track' && e.event !== undefined) r.events.byTrackEvent[e.event] = (r.events.byTrackEvent[e.event] ?? 0) + 1;
}

export function countAdCost(r: SimRecord, row: AdCostRow): void {
  r.adCosts.rows++;
  r.adCosts.clicks += row.clicks;
  r.adCosts.impressions += row.impressions;
  r.adCosts.cost = Math.round((r.adCosts.cost + row.cost) * 100) / 100;
}
