/**
 * Journeys in columnar form: one typed array per field, touches of journey j at
 * [offsets[j], offsets[j+1]), time-ordered. Millions of conversions fit without per-touch objects,
 * and every rule-based model reads the same arrays.
 */
import { lookbackMs, windowRange } from './lookback.js';
import { PathSelector, type PathSettings } from './transforms.js';
import type { Journey } from './types.js';

export interface JourneyBatch {
  /** Channel names by id. */
  channels: readonly string[];
  touchChannel: Int32Array;
  /** Epoch ms, ascending inside each journey. */
  touchAt: Float64Array;
  /** Length journeys + 1. */
  offsets: Int32Array;
  convertedAt: Float64Array;
  value: Float64Array;
  /** Conversions each journey stands for (default 1). */
  conversions?: Float64Array;
  /** Milestone times, NaN when absent. Omitted arrays mean "absent" for every journey. */
  leadAt?: Float64Array;
  opportunityAt?: Float64Array;
  wonAt?: Float64Array;
  /**
   * Where each touch came from: after encodeJourneys, its index in its journey's `touches`; after
   * prepareBatch, carried through from the input batch (or the input's touch index when it had none).
   */
  touchSource?: Int32Array;
}

export interface AttributionSettings extends PathSettings {
  /** Lookback window in days (default 90). */
  lookbackDays?: number;
}

/** Encodes journeys (touches in any order) into a batch; ties in time keep their input order. */
export function encodeJourneys(journeys: readonly Journey[]): JourneyBatch {
  const ids = new Map<string, number>();
  const channels: string[] = [];
  let total = 0;
  for (const j of journeys) total += j.touches.length;
  const touchChannel = new Int32Array(total);
  const touchAt = new Float64Array(total);
  const touchSource = new Int32Array(total);
  const offsets = new Int32Array(journeys.length + 1);
  const n = journeys.length;
  const convertedAt = new Float64Array(n);
  const value = new Float64Array(n);
  const leadAt = new Float64Array(n);
  const opportunityAt = new Float64Array(n);
  const wonAt = new Float64Array(n);
  let k = 0;
  journeys.forEach((j, ji) => {
    offsets[ji] = k;
    convertedAt[ji] = j.convertedAt;
    value[ji] = j.value;
    leadAt[ji] = j.leadAt ?? NaN;
    opportunityAt[ji] = j.opportunityAt ?? NaN;
    wonAt[ji] = j.wonAt ?? NaN;
    const order = j.touches.map((_, i) => i);
    order.sort((a, b) => j.touches[a]!.at - j.touches[b]!.at || a - b);
    for (const i of order) {
      const t = j.touches[i]!;
      let id = ids.get(t.channel);
      if (id === undefined) {
        id = channels.length;
        ids.set(t.channel, id);
        channels.push(t.channel);
      }
      touchChannel[k] = id;
      touchAt[k] = t.at;
      touchSource[k] = i;
      k++;
    }
  });
  offsets[n] = k;
  return {
    channels,
    touchChannel,
    touchAt,
    offsets,
    convertedAt,
    value,
    leadAt,
    opportunityAt,
    wonAt,
    touchSource,
  };
}

/**
 * Applies the lookback window, channel exclusion, step limit and transforms to every journey.
 * Journeys left with no touch stay (with an empty range): they are credited to "(no touchpoint)".
 */
export function prepareBatch(
  batch: JourneyBatch,
  settings: AttributionSettings = {},
): JourneyBatch {
  const windowMs = lookbackMs(settings.lookbackDays);
  const selector = new PathSelector(batch.channels, settings);
  const n = batch.offsets.length - 1;
  const { touchChannel: ch, touchAt: at, offsets } = batch;
  const outChannel = new Int32Array(ch.length);
  const outAt = new Float64Array(ch.length);
  const outSource = new Int32Array(ch.length);
  const outOffsets = new Int32Array(n + 1);
  let longest = 0;
  for (let j = 0; j < n; j++) longest = Math.max(longest, offsets[j + 1]! - offsets[j]!);
  const picked = new Int32Array(longest);
  let k = 0;
  for (let j = 0; j < n; j++) {
    outOffsets[j] = k;
    const [from, to] = windowRange(
      at,
      offsets[j]!,
      offsets[j + 1]!,
      batch.convertedAt[j]!,
      windowMs,
    );
    if (selector.identity) {
      for (let i = from; i < to; i++) {
        outChannel[k] = ch[i]!;
        outAt[k] = at[i]!;
        outSource[k] = batch.touchSource ? batch.touchSource[i]! : i;
        k++;
      }
      continue;
    }
    const m = selector.select(ch, from, to, picked);
    for (let p = 0; p < m; p++) {
      const i = picked[p]!;
      outChannel[k] = ch[i]!;
      outAt[k] = at[i]!;
      outSource[k] = batch.touchSource ? batch.touchSource[i]! : i;
      k++;
    }
  }
  outOffsets[n] = k;
  const result: JourneyBatch = {
    ...batch,
    touchChannel: outChannel.slice(0, k),
    touchAt: outAt.slice(0, k),
    offsets: outOffsets,
    touchSource: outSource.slice(0, k),
  };
  return result;
}
