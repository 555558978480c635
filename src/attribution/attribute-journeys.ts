/**
 * Rule-based attribution of journeys: per-touch weights (for a credit table) and per-channel totals.
 * Every selected model runs inside one loop over the journeys, sharing the milestone scan.
 */
import { creditRows, emptyTotals, type CreditTotals } from './credits.js';
import { emptyView, locateRoles, type RuleKernel } from './journey-view.js';
import {
  encodeJourneys,
  prepareBatch,
  type AttributionSettings,
  type JourneyBatch,
} from './journey-batch.js';
import { needsMilestones, ruleKernel } from './rule-models.js';
import type { ChannelCredit, Journey, RuleModelName, RuleModelOptions } from './types.js';

/** Per-channel credit of each model over a prepared batch (order of `models` kept). */
export function creditBatch(
  batch: JourneyBatch,
  models: readonly RuleModelName[],
  options: RuleModelOptions = {},
): CreditTotals[] {
  const kernels: RuleKernel[] = models.map((m) => ruleKernel(m, batch.channels, options));
  const roles = models.some(needsMilestones);
  const totals = models.map(() => emptyTotals(batch.channels.length));
  const { offsets, value, conversions, leadAt, opportunityAt, wonAt } = batch;
  const ch = batch.touchChannel;
  const w = new Float64Array(ch.length);
  const v = emptyView();
  v.ch = ch;
  v.at = batch.touchAt;
  const n = offsets.length - 1;
  for (let j = 0; j < n; j++) {
    const start = offsets[j]!;
    const end = offsets[j + 1]!;
    const conv = conversions ? conversions[j]! : 1;
    const val = value[j]!;
    if (start === end) {
      for (const t of totals) {
        t.noTouchConversions += conv;
        t.noTouchValue += val;
      }
      continue;
    }
    v.start = start;
    v.end = end;
    v.convertedAt = batch.convertedAt[j]!;
    if (roles) {
      v.leadAt = leadAt ? leadAt[j]! : NaN;
      v.opportunityAt = opportunityAt ? opportunityAt[j]! : NaN;
      v.wonAt = wonAt ? wonAt[j]! : NaN;
      locateRoles(v);
    }
    for (let m = 0; m < kernels.length; m++) {
      kernels[m]!(v, w);
      const tc = totals[m]!.conversions;
      const tv = totals[m]!.value;
      for (let i = start; i < end; i++) {
        const c = ch[i]!;
        const wi = w[i]!;
        tc[c] = tc[c]! + wi * conv;
        tv[c] = tv[c]! + wi * val;
      }
    }
  }
  return totals;
}

/** Per-touch weights of one model over a prepared batch (each journey's weights sum to 1). */
export function weighBatch(
  batch: JourneyBatch,
  model: RuleModelName,
  options: RuleModelOptions = {},
): Float64Array {
  const kernel = ruleKernel(model, batch.channels, options);
  const roles = needsMilestones(model);
  const w = new Float64Array(batch.touchChannel.length);
  const v = emptyView();
  v.ch = batch.touchChannel;
  v.at = batch.touchAt;
  const { offsets } = batch;
  for (let j = 0; j + 1 < offsets.length; j++) {
    v.start = offsets[j]!;
    v.end = offsets[j + 1]!;
    if (v.start === v.end) continue;
    v.convertedAt = batch.convertedAt[j]!;
    if (roles) {
      v.leadAt = batch.leadAt ? batch.leadAt[j]! : NaN;
      v.opportunityAt = batch.opportunityAt ? batch.opportunityAt[j]! : NaN;
      v.wonAt = batch.wonAt ? batch.wonAt[j]! : NaN;
      locateRoles(v);
    }
    kernel(v, w);
  }
  return w;
}

export interface TouchCredit {
  touchId: string;
  channel: string;
  /** Share of the conversion (sums to 1 over the journey's credited touches). */
  weight: number;
}

/**
 * One journey's credit per touch under one model. Touches outside the window or removed by the
 * settings are absent; an empty result means the conversion belongs to "(no touchpoint)".
 */
export function weighJourney(
  journey: Journey,
  model: RuleModelName,
  settings: AttributionSettings = {},
  options: RuleModelOptions = {},
): TouchCredit[] {
  const batch = prepareBatch(encodeJourneys([journey]), settings);
  const w = weighBatch(batch, model, options);
  return Array.from(w, (weight, i) => {
    const touch = journey.touches[batch.touchSource![i]!]!;
    return { touchId: touch.id, channel: touch.channel, weight };
  });
}

export interface JourneyAttribution {
  totals: { conversions: number; value: number };
  models: Partial<Record<RuleModelName, ChannelCredit[]>>;
}

/** Attributes conversions (one per journey) with the chosen rule-based models. */
export function attributeJourneys(
  journeys: readonly Journey[],
  models: readonly RuleModelName[],
  settings: AttributionSettings = {},
  options: RuleModelOptions = {},
): JourneyAttribution {
  const batch = prepareBatch(encodeJourneys(journeys), settings);
  const totals = creditBatch(batch, models, options);
  const result: JourneyAttribution = {
    totals: { conversions: journeys.length, value: journeys.reduce((s, j) => s + j.value, 0) },
    models: {},
  };
  models.forEach((m, i) => {
    result.models[m] = creditRows(batch.channels, totals[i]!);
  });
  return result;
}
