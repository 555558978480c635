/**
 * Path summaries built from journey batches, so the data-driven models can fit on the same journeys
 * the credit rows are written for. A journey's path is the channel sequence of its (prepared) touches;
 * identical paths merge, exactly as path-summary rows with equal paths do.
 */
import { packPaths, type EncodedPaths } from './encoded-paths.js';
import type { JourneyBatch } from './journey-batch.js';
import { SequenceInterner } from './sequence-interner.js';

export interface BatchPaths {
  /** The merged paths over one channel dictionary (both batches' channels, matched by name). */
  paths: EncodedPaths;
  /** Path id of each converting journey. */
  pathOf: Int32Array;
  /** Touch channels of the converting batch in the merged dictionary (indexed like its touchChannel). */
  touchChannel: Int32Array;
}

/**
 * Converting journeys add their conversions (batch.conversions, default 1) and value to their path;
 * each non-converting journey adds its weight (its batch.conversions, default 1) to the path's nulls.
 * Journeys with no touch land on the empty path, which every model leaves uncredited.
 */
export function summariseBatches(
  converting: JourneyBatch,
  nonConverting: JourneyBatch,
): BatchPaths {
  const ids = new Map<string, number>();
  const channels: string[] = [];
  const remap = (batch: JourneyBatch): Int32Array => {
    const local = Int32Array.from(batch.channels, (name) => {
      let id = ids.get(name);
      if (id === undefined) {
        id = channels.length;
        ids.set(name, id);
        channels.push(name);
      }
      return id;
    });
    return batch.touchChannel.map((c) => local[c]!);
  };
  const convTokens = remap(converting);
  const nullTokens = remap(nonConverting);

  const nConv = converting.offsets.length - 1;
  const nNull = nonConverting.offsets.length - 1;
  const interner = new SequenceInterner(nConv + nNull);
  const conversions = new Float64Array(nConv + nNull);
  const value = new Float64Array(nConv + nNull);
  const nulls = new Float64Array(nConv + nNull);
  const pathOf = new Int32Array(nConv);
  for (let j = 0; j < nConv; j++) {
    const p = interner.intern(convTokens, converting.offsets[j]!, converting.offsets[j + 1]!);
    pathOf[j] = p;
    const conv = converting.conversions ? converting.conversions[j]! : 1;
    const val = converting.value[j]!;
    checkCount('converting', j, 'conversions', conv);
    if (!Number.isFinite(val))
      throw new RangeError(`converting journey ${j}: value must be a number, got ${val}`);
    conversions[p] = conversions[p]! + conv;
    value[p] = value[p]! + val;
  }
  for (let j = 0; j < nNull; j++) {
    const p = interner.intern(nullTokens, nonConverting.offsets[j]!, nonConverting.offsets[j + 1]!);
    const weight = nonConverting.conversions ? nonConverting.conversions[j]! : 1;
    checkCount('non-converting', j, 'conversions', weight);
    nulls[p] = nulls[p]! + weight;
  }

  return {
    paths: packPaths(channels, interner, { conversions, value, nulls }),
    pathOf,
    touchChannel: convTokens,
  };
}

function checkCount(batch: string, journey: number, field: string, x: number): void {
  if (!Number.isFinite(x) || x < 0)
    throw new RangeError(
      `${batch} journey ${journey}: ${field} must be a non-negative number, got ${x}`,
    );
}
