// Rows of the attribution reads (neutral/attribution-queries.ts) as the credits area's types.
import type { AttributionInputs, NonConvertingTouches } from '../../areas/credits.js';

type Row = Record<string, unknown>;

export function toAttributionInputs(
  conversions: readonly Row[],
  roles: readonly Row[],
  touches: readonly Row[],
): AttributionInputs {
  return {
    conversions: conversions.map((r) => ({
      personId: String(r.person_id),
      at: Number(r.at),
      value: Number(r.value),
    })),
    roles: roles.map((r) => ({
      personId: String(r.person_id),
      milestone: String(r.milestone),
      at: Number(r.at),
    })),
    touches: touches.map((r) => ({
      personId: String(r.person_id),
      touchId: String(r.session_id),
      channel: String(r.channel),
      at: Number(r.at),
    })),
  };
}

/** The columnar form of nonConvertingTouchesSql's rows: person ordinals, channel indexes, times. */
export function toNonConvertingTouches(
  channels: string[],
  p: readonly unknown[],
  c: readonly unknown[],
  t: readonly unknown[],
): NonConvertingTouches {
  const n = p.length;
  const persons = n === 0 ? 0 : Number(p[n - 1]) + 1;
  const offsets = new Int32Array(persons + 1);
  const channel = new Int32Array(n);
  const at = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    channel[k] = Number(c[k]);
    at[k] = Number(t[k]);
    offsets[Number(p[k]) + 1] = k + 1;
  }
  return { channels, channel, at, offsets };
}
