/**
 * The world simulator's driver: day by day, new households arrive and their people's timelines are
 * planned; a min-heap of each active person's next happening releases sessions, CRM changes and
 * subscription movements in time order to the writers. Memory holds only people with something still
 * to come, so it stays flat however many events are written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdCostAggregator } from './ad-costs.js';
import { SITE } from './site.js';
import { CHANNELS, type ChannelId } from './channels.js';
import { CRM_PROFILES, planCrm, type CrmPlan, type CrmProfile } from './crm.js';
import { MinHeap } from './heap.js';
import { drawJourney, realize, type JourneyDraws, type Realized } from './journey.js';
import { householdPeople, type Person } from './people.js';
import { PURPOSE, Rng } from './prng.js';
import {
  countAdCost,
  countEvent,
  countLead,
  countResolvableLead,
  countSession,
  emptyRecord,
  type SimRecord,
} from './record.js';
import { ResolvableIdentities } from './resolution.js';
import { renderSession } from './session-events.js';
import {
  defaultMistakes,
  type TaggingMistake,
  type TaggingMistakeTruth,
} from './tagging-mistakes.js';
import { buildTimeline, type TimelineItem } from './timeline.js';
import { DAY, formatDate, iso, localWeekday, parseDate } from './time.js';
import { TruthAccumulator, type Outcome, type SimTruth } from './truth.js';
import type { SegmentEvent, SimWriter } from './types.js';
import { adCostNdjsonWriter, segmentNdjsonWriter } from './writers.js';

export interface SimOptions {
  seed: number;
  /** Number of simulated days, ending with `end`. */
  days: number;
  /** About how many visitors a day (new and returning); weekends are quieter. */
  visitorsPerDay: number;
  /** Last simulated day (UTC), YYYY-MM-DD. No default here: output must not depend on the clock. */
  end: string;
  /** Compute the ground truth (per-channel counterfactuals; CPU only, nothing extra is written). */
  truth?: boolean;
  /** Channels switched off in this world (what-if runs; the truth is then relative to this world). */
  channelsOff?: readonly ChannelId[];
  /** How leads move through the CRM funnel (default `default`; `demo`: fast and generous). */
  crm?: CrmProfile;
  /**
   * Seed the default tagging mistakes (tagging-mistakes.ts): a campaign without UTMs, a renamed one,
   * auto-tagging off on one account, a campaign id mismatch. Off by default.
   */
  mistakes?: boolean;
  /** Called after each simulated day. */
  onProgress?: (progress: { day: number; days: number; events: number }) => void;
}

export interface SimOutputDir {
  outDir: string;
  /** More writers beside the directory's files (e.g. replaying through the HTTP API). */
  extraWriters?: SimWriter[];
  /** Where to write the ground truth JSON (implies `truth`). */
  truthFile?: string;
}

export interface SimSummary {
  start: string;
  end: string;
  record: SimRecord;
  truth: SimTruth | null;
  /** The seeded tagging mistakes with the spend and clicks each concerns (empty when off). */
  mistakes: TaggingMistakeTruth[];
  /** Files written, when output went to a directory. */
  files: string[];
}

/** Share of the daily visitors who are new (the rest are people coming back). */
const NEW_SHARE = 0.5;
/** Weekday / weekend arrival factors; their weekly mean is 1. */
const WEEKEND_FACTOR = 0.45;
const WEEKDAY_FACTOR = (7 - 2 * WEEKEND_FACTOR) / 5;

interface PersonState {
  person: Person;
  draws: JourneyDraws;
  realized: Realized;
  crm: CrmPlan | null;
  items: TimelineItem[];
  next: number;
  firstTouch: ChannelId | null;
  usedDevices: number;
  identifiedDevices: number;
}

interface Entry {
  t: number;
  key: number;
  state: PersonState;
}

export function validateOptions(o: SimOptions): void {
  if (!Number.isSafeInteger(o.seed)) throw new RangeError('seed must be a safe integer');
  if (!Number.isInteger(o.days) || o.days < 1 || o.days > 3650)
    throw new RangeError('days must be an integer in 1..3650');
  if (!Number.isFinite(o.visitorsPerDay) || o.visitorsPerDay < 1 || o.visitorsPerDay > 1e6)
    throw new RangeError('visitorsPerDay must be in 1..1000000');
  if (Number.isNaN(parseDate(o.end))) throw new RangeError('end must be a date YYYY-MM-DD');
  if (o.crm !== undefined && !Object.hasOwn(CRM_PROFILES, o.crm))
    throw new RangeError(`unknown CRM profile ${o.crm}`);
  for (const c of o.channelsOff ?? [])
    if (!(CHANNELS as readonly string[]).includes(c)) throw new RangeError(`unknown channel ${c}`);
}

/**
 * Simulates the world and hands it to `output`: either writers, or a directory that receives
 * events.ndjson, ad_costs.ndjson and record.json (and the truth file when asked).
 */
export async function simulate(
  options: SimOptions,
  output: SimWriter[] | SimOutputDir,
): Promise<SimSummary> {
  validateOptions(options);
  const { seed, days, visitorsPerDay } = options;
  const endMs = parseDate(options.end);
  const startMs = endMs - (days - 1) * DAY;
  const windowEnd = endMs + DAY - 1;
  const off = new Set<ChannelId>(options.channelsOff ?? []);
  const rates = CRM_PROFILES[options.crm ?? 'default'];
  const wantTruth =
    options.truth === true || (!Array.isArray(output) && output.truthFile !== undefined);

  const files: string[] = [];
  let writers: SimWriter[];
  if (Array.isArray(output)) {
    writers = output;
  } else {
    mkdirSync(output.outDir, { recursive: true });
    const events = join(output.outDir, 'events.ndjson');
    const costs = join(output.outDir, 'ad_costs.ndjson');
    writers = [
      segmentNdjsonWriter(events),
      adCostNdjsonWriter(costs),
      ...(output.extraWriters ?? []),
    ];
    files.push(events, costs);
  }

  const record = emptyRecord();
  const truth = wantTruth ? new TruthAccumulator() : null;
  const mistakes: TaggingMistake[] =
    options.mistakes === true ? defaultMistakes(startMs, days) : [];
  const mistakeTruth: TaggingMistakeTruth[] = mistakes.map((m) => ({ ...m, spend: 0, clicks: 0 }));
  const costs = new AdCostAggregator(seed, off, mistakes);
  // Persons and leads as the product will resolve them from the events (only converted people's devices).
  const resolvable = new ResolvableIdentities();
  const heap = new MinHeap<Entry>((a, b) => a.t < b.t || (a.t === b.t && a.key < b.key));
  const offWith = new Map<ChannelId, Set<ChannelId>>(
    CHANNELS.map((c) => [c, new Set([...off, c])]),
  );
  const ids = (prefix: string, person: Person): string =>
    `${prefix}_${seed.toString(36)}_${person.key.toString(36)}`;

  const outcomeOf = (r: Realized, crm: CrmPlan | null): Outcome => ({
    lead: r.leadSession >= 0,
    won: crm?.won === true,
    revenue: crm?.won === true ? crm.amount : 0,
    pipeline: crm !== null && crm.deal !== null ? crm.deal.amount : 0,
  });

  const arrive = (person: Person, dayStart: number): void => {
    const draws = drawJourney(seed, person, dayStart, windowEnd);
    const realized = realize(draws, off.size > 0 ? off : null);
    const crm =
      realized.leadSession >= 0 ? planCrm(seed, person, realized.leadAt, windowEnd, rates) : null;
    if (truth !== null) {
      const factual = outcomeOf(realized, crm);
      truth.addFactual(factual);
      // Only channels in this person's plan can change their outcome; for the rest the difference is zero.
      for (const c of draws.channels) {
        if (off.has(c)) continue;
        const r = realize(draws, offWith.get(c) ?? null);
        const cf = r.leadSession >= 0 ? planCrm(seed, person, r.leadAt, windowEnd, rates) : null;
        truth.addCounterfactual(c, factual, outcomeOf(r, cf));
      }
    }
    if (realized.sessions.length === 0) return;
    const items = buildTimeline(seed, draws, realized, crm, windowEnd);
    const first = items[0];
    if (first === undefined) return;
    const state: PersonState = {
      person,
      draws,
      realized,
      crm,
      items,
      next: 0,
      firstTouch: null,
      usedDevices: 0,
      identifiedDevices: 0,
    };
    heap.push({ t: first.t, key: person.key, state });
  };

  const emitEvent = (e: SegmentEvent): void => {
    countEvent(record, e);
    for (const w of writers) w.event(e);
  };

  const process = (state: PersonState, item: TimelineItem): void => {
    const { person } = state;
    if (item.kind === 'session') {
      const device = person.devices[item.device] ?? person.devices[0];
      if (device === undefined) return;
      if (state.firstTouch === null) {
        state.firstTouch = item.channel;
        record.persons++;
      }
      if (!device.seen) {
        device.seen = true;
        record.anonymousIds++;
      }
      const bit = 1 << item.device;
      device.firstSession ??= { t: item.t, channel: item.channel };
      device.sessions?.push({ t: item.t, channel: item.channel });
      const sessions = device.sessions ?? [device.firstSession];
      if ((state.usedDevices & bit) === 0) {
        state.usedDevices |= bit;
        if (state.usedDevices === 3) record.identity.twoDevicePersons++;
      }
      const rendered = renderSession(
        {
          seed,
          person,
          device,
          ordinal: item.ordinal,
          t: item.t,
          channel: item.channel,
          isFirst: item.isFirst,
          email: item.email,
          conversion: item.conversion,
          mistakes,
        },
        (e) => {
          resolvable.observe(e, sessions);
          if (
            e.type === 'identify' &&
            e.traits?.['email'] !== undefined &&
            (state.identifiedDevices & bit) === 0
          ) {
            state.identifiedDevices |= bit;
            if (state.identifiedDevices === 3) record.identity.emailsOnSeveralDevices++;
            device.emails++;
            if (device.emails === 2) record.identity.devicesWithSeveralEmails++;
          }
          emitEvent(e);
        },
      );
      countSession(record, item.channel);
      if (rendered.paid !== null) costs.addClick(rendered.paid);
      if (item.conversion?.kind === 'lead')
        countLead(record, state.firstTouch, item.conversion.method);
      return;
    }
    const crm = state.crm;
    if (crm === null) return;
    const contactId = ids('contact', person);
    if (item.kind === 'stage') {
      const stage = crm.stages[item.index];
      if (stage === undefined) return;
      if (stage.stage !== 'lead') record.crm[stage.stage]++;
      const viaPhone = state.draws.method === 'phone';
      const change = {
        kind: 'contact_stage',
        at: iso(stage.at),
        contactId,
        email: viaPhone ? null : person.email,
        phone: viaPhone ? person.phone : null,
        company: person.company.name,
        stage: stage.stage,
      } as const;
      for (const w of writers) w.crm?.(change);
    } else if (item.kind === 'deal') {
      const deal = crm.deal;
      if (deal === null) return;
      const stage = !item.closed ? 'open' : deal.won ? 'won' : 'lost';
      if (stage === 'open') record.crm.dealsCreated++;
      else if (stage === 'won') {
        record.crm.dealsWon++;
        record.crm.wonAmount += deal.amount;
      } else record.crm.dealsLost++;
      const change = {
        kind: 'deal',
        at: iso(item.t),
        dealId: ids('deal', person),
        contactId,
        company: person.company.name,
        stage,
        amount: deal.amount,
        currency: SITE.currency,
      } as const;
      for (const w of writers) w.crm?.(change);
    } else {
      const m = crm.movements[item.index];
      if (m === undefined) return;
      record.crm.revenueMovements[m.kind]++;
      const movement = {
        at: iso(m.at),
        customerId: ids('customer', person),
        contactId,
        company: person.company.name,
        kind: m.kind,
        mrrDelta: m.mrrDelta,
        mrrAfter: m.mrrAfter,
        currency: SITE.currency,
      };
      for (const w of writers) w.revenue?.(movement);
    }
  };

  let household = 0;
  for (let d = 0; d < days; d++) {
    const dayStart = startMs + d * DAY;
    const weekday = localWeekday(dayStart, 0);
    const factor = weekday === 0 || weekday === 6 ? WEEKEND_FACTOR : WEEKDAY_FACTOR;
    const arrivals = Rng.of(seed, PURPOSE.day, d).poisson(visitorsPerDay * NEW_SHARE * factor);
    for (let k = 0; k < arrivals; k++) {
      for (const person of householdPeople(seed, household)) arrive(person, dayStart);
      household++;
    }
    const dayEnd = dayStart + DAY;
    for (let top = heap.peek(); top !== undefined && top.t < dayEnd; top = heap.peek()) {
      heap.pop();
      const { state } = top;
      const item = state.items[state.next];
      if (item !== undefined) process(state, item);
      state.next++;
      const following = state.items[state.next];
      if (following !== undefined) heap.push({ t: following.t, key: state.person.key, state });
    }
    for (const row of costs.flushDay(d, formatDate(dayStart))) {
      countAdCost(record, row);
      for (const m of mistakeTruth)
        if (
          m.platform === row.platform &&
          (m.campaignId === null || m.campaignId === row.campaign_id) &&
          row.date >= m.from &&
          row.date <= m.to
        ) {
          // in cents, so the sum stays exact
          m.spend = Math.round(m.spend * 100 + row.cost * 100) / 100;
          m.clicks += row.clicks;
        }
      for (const w of writers) w.adCost?.(row);
    }
    options.onProgress?.({ day: d + 1, days, events: record.events.total });
    // Let other work (a server, a progress bar) run between days.
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (const w of writers) await w.drain?.();
  }
  if (heap.size !== 0) throw new Error('simulator bug: happenings left after the window');
  const resolved = resolvable.resolve(record.anonymousIds);
  record.identity.resolvablePersons = resolved.persons;
  for (const lead of resolved.leads) countResolvableLead(record, lead.firstTouch);
  for (const w of writers) await w.close();

  const truthResult = truth?.result(SITE.currency) ?? null;
  const summary: SimSummary = {
    start: formatDate(startMs),
    end: options.end,
    record,
    truth: truthResult,
    mistakes: mistakeTruth,
    files,
  };
  if (!Array.isArray(output)) {
    const run = {
      seed,
      days,
      visitorsPerDay,
      start: summary.start,
      end: summary.end,
      channelsOff: [...off],
      // only when set, so a default world's files stay as they were
      ...(options.crm !== undefined ? { crm: options.crm } : {}),
      ...(mistakes.length > 0 ? { mistakes: true } : {}),
    };
    const recordPath = join(output.outDir, 'record.json');
    writeFileSync(
      recordPath,
      `${JSON.stringify({ generator: 'closedloop-sim', version: 1, run, ...record }, null, 2)}\n`,
    );
    files.push(recordPath);
    if (output.truthFile !== undefined && truthResult !== null) {
      writeFileSync(
        output.truthFile,
        `${JSON.stringify(
          {
            generator: 'closedloop-sim',
            version: 1,
            run,
            ...truthResult,
            // only when seeded, so a default world's truth stays as it was
            ...(mistakeTruth.length > 0 ? { taggingMistakes: mistakeTruth } : {}),
          },
          null,
          2,
        )}\n`,
      );
      files.push(output.truthFile);
    }
  }
  return summary;
}
