// The width of a value axis: room for its longest label (a fixed width clipped the currency sign of
// "€250,000" at 1280 px), estimated from the characters so no canvas is measured at each draw.
import type uPlot from 'uplot';

const CHAR_PX = 8;
const GAP_PX = 24;

export function valueAxisSize(_u: uPlot, values: string[] | null): number {
  const longest = Math.max(0, ...(values ?? []).map((v) => (v ?? '').length));
  return Math.max(50, GAP_PX + CHAR_PX * longest);
}
