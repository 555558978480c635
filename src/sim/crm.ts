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

/** Plans the CRM side of a lead created at `leadAt`; nothing after `windowEnd` is included. */
export function planCrm(seed: number, person: Person, leadAt: number, windowEnd: number): CrmPlan {
  const rng = Rng.of(seed, PURPOSE.crm, person.key);
  // A fixed number of draws first, so every outcome is a function of leadAt alone.
  const fit = Math.min(1, Math.max(0, Math.log10(person.company.employees) / 3.5));
  const mql = rng.chance(0.3 + 0.45 * fit);
  const mqlDelay = rng.exponential(1.5 * DAY);
  const sql = rng.chance(0.55);
  const sqlDelay = 2 * DAY + rng.exponential(5 * DAY);
  const opp = rng.chance(0.65);
  const oppDelay = DAY + rng.exponential(5 * DAY);
  const wins = rng.chance(0.22 + 0.15 * fit);
  const cycle = Math.min(
    300 * DAY,
    Math.max(10 * DAY, rng.lognormal(wins ? 45 * DAY : 30 * DAY, 0.6)),
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
