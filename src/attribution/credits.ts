import { NO_TOUCHPOINT, type ChannelCredit } from './types.js';

/** Per-channel sums of one model, indexed by channel id, plus what no touch could take. */
export interface CreditTotals {
  conversions: Float64Array;
  value: Float64Array;
  noTouchConversions: number;
  noTouchValue: number;
}

export function emptyTotals(channelCount: number): CreditTotals {
  return {
    conversions: new Float64Array(channelCount),
    value: new Float64Array(channelCount),
    noTouchConversions: 0,
    noTouchValue: 0,
  };
}

/**
 * Rows for output: every channel (zeros included, so models line up), then "(no touchpoint)" when
 * some conversions had no touch. Sorted by credited conversions, then by name, for stable output.
 */
export function creditRows(channels: readonly string[], totals: CreditTotals): ChannelCredit[] {
  const rows: ChannelCredit[] = channels.map((channel, i) => ({
    channel,
    conversions: totals.conversions[i]!,
    value: totals.value[i]!,
  }));
  rows.sort(
    (a, b) =>
      b.conversions - a.conversions || (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0),
  );
  if (totals.noTouchConversions !== 0 || totals.noTouchValue !== 0) {
    rows.push({
      channel: NO_TOUCHPOINT,
      conversions: totals.noTouchConversions,
      value: totals.noTouchValue,
    });
  }
  return rows;
}
