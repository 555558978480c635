/**
 * Per-touch weights for the data-driven models, so the engine can store one credit row per
 * (conversion, touch, model) for them as it does for the rule-based ones (see weighBatch).
 *
 * The models are fitted exactly as path-summary mode fits them, on a summary built from the journeys:
 * each journey's path is the channel sequence of its prepared touches, converting journeys add their
 * conversions (batch.conversions, default 1) and value, non-converting journeys add their weight
 * (batch.conversions, default 1) to the path's nulls, identical paths merge (see batch-paths.ts).
 * Then, within each converting journey with at least one touch (weights sum to 1):
 *
 * - `shapley_simplified`: the position fractions Fractribution computes for the journey's path, so
 *   Σ weight × conversions by channel equals the model's channel totals.
 * - `markov`: each distinct channel of the journey gets a share ∝ its removal effect, split equally
 *   between that channel's touches. For order > 1 the channel-level removal effects are used.
 * - `shapley`: the same with the channel's φ (negative values count as 0).
 *
 * For `markov` and `shapley`, when every channel of the journey scores 0 the last touch gets 1 (the
 * Fractribution rule). Their per-touch credits need not add up to the model's channel totals: those
 * spread all conversions ∝ the global scores, whereas a journey's credit stays with its own channels.
 * Journeys with no touch get no weight: the engine credits them to "(no touchpoint)".
 */
import { summariseBatches } from './batch-paths.js';
import type { JourneyBatch } from './journey-batch.js';
import { markov } from './models/markov.js';
import { simplifiedShapleyFractions } from './models/shapley-simplified.js';
import { shapley, type ShapleyValueFunction } from './models/shapley.js';

export type DataDrivenModelName = 'markov' | 'shapley' | 'shapley_simplified';

export const DATA_DRIVEN_MODEL_NAMES: readonly DataDrivenModelName[] = [
  'markov',
  'shapley',
  'shapley_simplified',
];

export interface DataDrivenOptions {
  /** Markov order, 1..4 (default 1). */
  order?: number;
  /** Shapley coalition worth (default "conversions"; see models/shapley.ts). */
  shapleyValue?: ShapleyValueFunction;
}

export interface DataDrivenWeights {
  /** Per touch of `converting` (same indexing as its touchChannel); each journey with touches sums to 1. */
  weights: Float64Array;
  /** Channel-level fit for display: removal effects (markov) or phi (shapley), by channel name; empty for shapley_simplified. */
  channelScores: { channel: string; score: number }[];
}

/**
 * `converting`: prepared batch of converting journeys (conversions default 1 each, value per journey).
 * `nonConverting`: prepared batch of journeys that did not convert (their paths are the nulls). The two
 * batches may have different channel dictionaries: channels are matched by name.
 */
export function weighBatchDataDriven(
  converting: JourneyBatch,
  nonConverting: JourneyBatch,
  model: DataDrivenModelName,
  options: DataDrivenOptions = {},
): DataDrivenWeights {
  const { paths, pathOf, touchChannel } = summariseBatches(converting, nonConverting);
  const { offsets } = converting;
  const weights = new Float64Array(touchChannel.length);

  if (model === 'shapley_simplified') {
    // Only paths some converting journey takes need fractions (null-only paths are the bulk).
    const taken = new Uint8Array(paths.offsets.length - 1);
    for (const p of pathOf) taken[p] = 1;
    const fractions = simplifiedShapleyFractions(paths, (p) => taken[p] === 1);
    for (let j = 0; j + 1 < offsets.length; j++) {
      const from = paths.offsets[pathOf[j]!]!;
      for (let i = offsets[j]!; i < offsets[j + 1]!; i++)
        weights[i] = fractions[from + i - offsets[j]!]!;
    }
    return { weights, channelScores: [] };
  }

  let scores: Float64Array;
  if (model === 'markov') scores = markov(paths, options.order ?? 1).removalEffects;
  else if (model === 'shapley') scores = shapley(paths, options.shapleyValue ?? 'conversions').phi;
  else
    throw new RangeError(
      `unknown data-driven model ${String(model)}; expected one of ${DATA_DRIVEN_MODEL_NAMES.join(', ')}`,
    );
  shareByScore(touchChannel, offsets, scores, weights);
  return { weights, channelScores: scoreRows(paths.channels, paths.tokens, scores) };
}

/** Each journey's distinct channels share 1 ∝ max(score, 0), equally between their touches. */
function shareByScore(
  ch: Int32Array,
  offsets: Int32Array,
  scores: Float64Array,
  out: Float64Array,
): void {
  const stamp = new Int32Array(scores.length).fill(-1);
  const count = new Int32Array(scores.length);
  const score = (c: number): number => Math.max(scores[c]!, 0);
  for (let j = 0; j + 1 < offsets.length; j++) {
    const start = offsets[j]!;
    const end = offsets[j + 1]!;
    if (start === end) continue;
    let total = 0;
    for (let i = start; i < end; i++) {
      const c = ch[i]!;
      if (stamp[c] !== j) {
        stamp[c] = j;
        count[c] = 0;
        total += score(c);
      }
      count[c]!++;
    }
    if (!(total > 0)) {
      out[end - 1] = 1;
      continue;
    }
    for (let i = start; i < end; i++) {
      const c = ch[i]!;
      out[i] = score(c) / total / count[c]!;
    }
  }
}

/** Scores of the channels that occur on some path, highest first, then by name. */
function scoreRows(
  channels: readonly string[],
  tokens: Int32Array,
  scores: Float64Array,
): { channel: string; score: number }[] {
  const seen = new Uint8Array(channels.length);
  for (const c of tokens) seen[c] = 1;
  const rows: { channel: string; score: number }[] = [];
  channels.forEach((channel, c) => {
    if (seen[c] === 1) rows.push({ channel, score: scores[c]! });
  });
  return rows.sort(
    (a, b) => b.score - a.score || (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0),
  );
}
