/**
 * What happens after a lead: lifecycle stages (lead -> MQL -> SQL -> opportunity -> customer), one deal
 * won or lost, and for customers a subscription whose MRR moves monthly (expansion, contraction, churn).
 * Drawn from the person's CRM stream, which does not depend on channels: a channel switched off can only
 * move the lead later (or remove it), and every later date moves with it.
 */
import type { Person } from './people.js';
import { PURPOSE, Rng } from './prng.js';
import { DAY } from './time.js';
import type { LifecycleStage } from './types.js';

export interface StageChange {
  stage: LifecycleStage;
  at: number;
}

export interface DealPlan {
  createdAt: number;
  /** Null when still open at the end of the window. */
  closedAt: number | null;
  won: boolean;
  amount: number;
}

export interface MrrMovement {
  at: number;
  kind: 'new' | 'expansion' | 'contraction' | 'churn';
  mrrDelta: number;
  mrrAfter: number;
}

export interface CrmPlan {
  /** Only the changes inside the window, in time order (the first is always the lead). */
  stages: StageChange[];
  deal: DealPlan | null;
  /** Won inside the window. */
  won: boolean;
  /** Annual contract value of the deal (counted as revenue when won inside the window). */
  amount: number;
  movements: MrrMovement[];
}

const MONTH = 30.4 * DAY;
const SEAT_PRICE_MONTHLY = 60;

/** How leads move through the funnel: each step's chance and delays (days). */
export interface CrmRates {
  /** Chance of MQL: base plus this much more for a company that fits (by size). */
  mqlBase: number;
  mqlFit: number;
  sql: number;
  opportunity: number;
  winBase: number;
  winFit: number;
  mqlDelayDays: number;
  /** SQL comes at least this long after the MQL, plus an exponential delay of sqlDelayDays. */
  sqlMinDays: number;
  sqlDelayDays: number;
  oppMinDays: number;
  oppDelayDays: number;
  /** Median sales cycle of deals that will be won, and of those that will be lost. */
  wonCycleDays: number;
  lostCycleDays: number;
  minCycleDays: number;
}

/** Named funnels: `default` a plausible B2B funnel; `demo` a fast, generous one, so a short world has hundreds of won deals. */
export const CRM_PROFILES = {
  default: {
    mqlBase: 0.3,
    mqlFit: 0.45,
    sql: 0.55,
    opportunity: 0.65,
    winBase: 0.22,
    winFit: 0.15,
    mqlDelayDays: 1.5,
    sqlMinDays: 2,
    sqlDelayDays: 5,
    oppMinDays: 1,
    oppDelayDays: 5,
    wonCycleDays: 45,
    lostCycleDays: 30,
    minCycleDays: 10,
  },
  demo: {
    mqlBase: 0.6,
    mqlFit: 0.35,
    sql: 0.8,
    opportunity: 0.85,
    winBase: 0.5,
    winFit: 0.2,
    mqlDelayDays: 1,
    sqlMinDays: 1,
    sqlDelayDays: 2,
    oppMinDays: 0.5,
    oppDelayDays: 2,
    wonCycleDays: 14,
    lostCycleDays: 12,
    minCycleDays: 3,
  },
} as const satisfies Record<string, CrmRates>;
export type CrmProfile = keyof typeof CRM_PROFILES;
export const CRM_PROFILE_NAMES = Object.keys(CRM_PROFILES) as CrmProfile[];

/** Plans the CRM side of a lead created at `leadAt`; nothing after `windowEnd` is included. */
export function planCrm(
  seed: number,
  person: Person,
  leadAt: number,
  windowEnd: number,
  rates: CrmRates = CRM_PROFILES.default,
): CrmPlan {
  const rng = Rng.of(seed, PURPOSE.crm, person.key);
  const r = rates;
  // A fixed number of draws first, so every outcome is a function of leadAt alone.
  const fit = Math.min(1, Math.max(0, Math.log10(person.company.employees) / 3.5));
  const mql = rng.chance(r.mqlBase + r.mqlFit * fit);
  const mqlDelay = rng.exponential(r.mqlDelayDays * DAY);
  const sql = rng.chance(r.sql);
  const sqlDelay = r.sqlMinDays * DAY + rng.exponential(r.sqlDelayDays * DAY);
  const opp = rng.chance(r.opportunity);
  const oppDelay = r.oppMinDays * DAY + rng.exponential(r.oppDelayDays * DAY);
  const wins = rng.chance(r.winBase + r.winFit * fit);
  const cycle = Math.min(
    300 * DAY,
    Math.max(
      r.minCycleDays * DAY,
      rng.lognormal((wins ? r.wonCycleDays : r.lostCycleDays) * DAY, 0.6),
    ),
  );
  const seats = Math.max(3, Math.round(person.company.employees * rng.uniform(0.02, 0.08)));
  const amount = Math.min(
    250_000,
    Math.max(3_600, Math.round((seats * SEAT_PRICE_MONTHLY * 12) / 100) * 100),
  );

  const stages: StageChange[] = [{ stage: 'lead', at: leadAt }];
  const add = (stage: LifecycleStage, at: number): boolean => {
    if (at > windowEnd) return false;
    stages.push({ stage, at });
    return true;
  };
  let deal: DealPlan | null = null;
  let won = false;
  const movements: MrrMovement[] = [];
  const mqlAt = leadAt + mqlDelay;
  const sqlAt = mqlAt + sqlDelay;
  const oppAt = sqlAt + oppDelay;
  if (mql && add('mql', mqlAt) && sql && add('sql', sqlAt) && opp && add('opportunity', oppAt)) {
    const closeAt = oppAt + cycle;
    const closed = closeAt <= windowEnd;
    deal = { createdAt: oppAt, closedAt: closed ? closeAt : null, won: closed && wins, amount };
    if (closed && wins) {
      won = true;
      add('customer', closeAt);
      planSubscription(rng, closeAt, amount / 12, windowEnd, movements);
    }
  }
  return { stages, deal, won, amount, movements };
}

function planSubscription(
  rng: Rng,
  start: number,
  mrr: number,
  windowEnd: number,
  out: MrrMovement[],
): void {
  let current = Math.round(mrr);
  out.push({ at: start, kind: 'new', mrrDelta: current, mrrAfter: current });
  for (let at = start + MONTH; at <= windowEnd; at += MONTH) {
    const r = rng.next();
    const size = rng.uniform(0.1, 0.5);
    if (r < 0.012) {
      out.push({ at, kind: 'churn', mrrDelta: -current, mrrAfter: 0 });
      return;
    }
    if (r < 0.012 + 0.03) {
      const delta = Math.round(current * size);
      current += delta;
      out.push({ at, kind: 'expansion', mrrDelta: delta, mrrAfter: current });
    } else if (r < 0.012 + 0.03 + 0.015) {
      const delta = Math.round(current * size * 0.6);
      current -= delta;
      out.push({ at, kind: 'contraction', mrrDelta: -delta, mrrAfter: current });
    }
  }
}
