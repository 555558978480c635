/**
 * A person's journey: the sessions they would make in a world with every channel on (drawn once, up
 * front, from the person's own stream) and how that plan plays out when some channels are switched off.
 * `realize` is the causal model: it is pure, so the factual run and every counterfactual run see the
 * same random numbers and differ only in what depends on the switched-off channel.
 */
import { CHANNEL_EFFECTS, FIRST_TOUCH_MIX, RETURN_MIX, type ChannelId } from './channels.js';
import type { Person } from './people.js';
import { PURPOSE, Rng } from './prng.js';
import { DAY, HOUR, HOUR_WEIGHTS, MINUTE, localWeekday } from './time.js';

export type ConversionMethod = 'form' | 'chat' | 'phone';

export interface PlannedSession {
  /** Position in the plan; part of the session's stream key and message ids. */
  ordinal: number;
  t: number;
  channel: ChannelId;
  /** Index into person.devices. */
  device: number;
  /** Decides substitution when the channel is switched off. */
  uSub: number;
}

export interface JourneyDraws {
  person: Person;
  sessions: PlannedSession[];
  /** The person converts when cumulative hazard first reaches this Exp(1) draw. */
  threshold: number;
  /** Decides whether losing the first touch loses the person. */
  uAware: number;
  method: ConversionMethod;
  /** How far into the converting session the conversion happens. */
  conversionOffsetMs: number;
  /** Every channel in the plan (counterfactuals for other channels equal the factual run). */
  channels: Set<ChannelId>;
}

export interface RealizedSession {
  planned: PlannedSession;
  /** The channel actually used: the planned one, or its fallback when the planned one is off. */
  channel: ChannelId;
}

export interface Realized {
  sessions: RealizedSession[];
  /** Index into `sessions` of the converting session, or -1. */
  leadSession: number;
  leadAt: number;
}

/** Latest start of a session, so that a whole session (at most ~2 h) ends inside the window. */
export const SESSION_GUARD_MS = 3 * HOUR;

/** Places a visit on the local day containing `dayMs` at a business-weighted hour. */
function atLocalHour(rng: Rng, dayMs: number, person: Person): number {
  const hour = rng.weighted(HOUR_WEIGHTS);
  const local = Math.floor((dayMs + person.utcOffsetMin * MINUTE) / DAY) * DAY;
  return local - person.utcOffsetMin * MINUTE + hour * HOUR + rng.int(HOUR);
}

/** Shared-device members take turns by local day, so their sessions never overlap on one anonymous id. */
export function ownDay(t: number, person: Person): number {
  if (person.householdSize === 1) return t;
  let out = t;
  while (
    Math.floor((out + person.utcOffsetMin * MINUTE) / DAY) % person.householdSize !==
    person.member
  )
    out += DAY;
  return out;
}

/**
 * Draws the full plan for a person first seen on the UTC day starting at `arrivalDay`. Sessions that
 * would start after `windowEnd - SESSION_GUARD_MS` are left out (the world beyond the window is not simulated).
 */
export function drawJourney(
  seed: number,
  person: Person,
  arrivalDay: number,
  windowEnd: number,
): JourneyDraws {
  const rng = Rng.of(seed, PURPOSE.journey, person.key);
  const first = rng.weighted(FIRST_TOUCH_MIX);
  const listMember = person.listMember || first === 'email';
  // Keen people come back more often; everyone has at least the first visit.
  const keen = Math.min(1, person.intent / 0.02);
  const planned = Math.min(16, 1 + rng.poisson(0.6 + 4 * keen));
  const threshold = rng.exponential(1);
  const uAware = rng.next();
  const method = rng.weighted<ConversionMethod>([
    ['form', 0.6],
    ['chat', 0.25],
    ['phone', 0.15],
  ]);
  const conversionOffsetMs = rng.between(40_000, 15 * MINUTE);
  const twoDevices = person.devices.length > 1;
  const secondIsMobile = person.devices[1]?.kind === 'mobile';

  let t = atLocalHour(rng, arrivalDay, person);
  // Keep the first visit on its arrival day (UTC): arrivals are counted per day.
  if (t < arrivalDay) t += DAY;
  if (t >= arrivalDay + DAY) t -= DAY;
  t = ownDay(t, person);
  const sessions: PlannedSession[] = [];
  const channels = new Set<ChannelId>();
  for (let i = 0; i < planned; i++) {
    let channel: ChannelId = first;
    if (i > 0) {
      const gap = rng.exponential(6 * DAY * rng.uniform(0.5, 1.5));
      let next = atLocalHour(rng, t + gap, person);
      // Weekends are quiet for B2B: most weekend returns slide to Monday.
      const wd = localWeekday(next, person.utcOffsetMin);
      if ((wd === 6 || wd === 0) && rng.chance(0.6)) next += (wd === 6 ? 2 : 1) * DAY;
      t = ownDay(Math.max(next, t + SESSION_GUARD_MS + rng.int(HOUR)), person);
      channel = rng.weighted(RETURN_MIX);
      if (channel === 'email' && !listMember) channel = 'direct';
    }
    const social =
      channel === 'paid_social_meta' ||
      channel === 'organic_social' ||
      channel === 'paid_social_linkedin';
    const device = twoDevices && rng.chance(social && secondIsMobile ? 0.6 : 0.35) ? 1 : 0;
    const uSub = rng.next();
    if (t > windowEnd - SESSION_GUARD_MS) break;
    sessions.push({ ordinal: i, t, channel, device, uSub });
    channels.add(channel);
  }
  return { person, sessions, threshold, uAware, method, conversionOffsetMs, channels };
}

/**
 * Plays the plan out with the channels in `off` switched off: substitutes or drops their sessions,
 * loses the person if the first touch created their awareness, then finds the converting session.
 */
export function realize(draws: JourneyDraws, off: ReadonlySet<ChannelId> | null): Realized {
  const sessions: RealizedSession[] = [];
  for (const planned of draws.sessions) {
    let channel: ChannelId | null = planned.channel;
    if (off !== null && off.has(channel)) {
      const effect = CHANNEL_EFFECTS[channel];
      const fallback = effect.fallback;
      if (fallback !== null && !off.has(fallback) && planned.uSub < effect.substitution) {
        channel = fallback;
      } else {
        // Without this channel the person never found us: nothing of their journey happens.
        if (sessions.length === 0 && draws.uAware < effect.awareness)
          return { sessions: [], leadSession: -1, leadAt: 0 };
        channel = null;
      }
    }
    if (channel !== null) sessions.push({ planned, channel });
  }
  let hazard = 0;
  for (let i = 0; i < sessions.length; i++) {
    const s = sessions[i];
    if (s === undefined) continue;
    hazard += draws.person.intent * CHANNEL_EFFECTS[s.channel].weight;
    if (hazard >= draws.threshold)
      return { sessions, leadSession: i, leadAt: s.planned.t + draws.conversionOffsetMs };
  }
  return { sessions, leadSession: -1, leadAt: 0 };
}
