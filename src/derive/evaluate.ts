// How close each model's credit comes to the truth: per channel, credited conversions (or revenue)
// against the true incremental values of a simulated world. Attribution credits every conversion while
// incrementality counts only those a channel caused, so the totals differ by design; what can be
// compared is the allocation. Both metrics therefore work on shares:
//   - total variation (TV): half the sum over channels of |model share − true share|, 0 (same split)
//     to 1 (disjoint); "(no touchpoint)" is a channel the truth never credits.
//   - MAPE: mean over channels with true value > 0 of |model share − true share| / true share, i.e. the
//     error of the credit once scaled to the true incremental total.

export interface ChannelAmount {
  channel: string;
  amount: number;
}

export interface AllocationError {
  /** 0..1 */
  totalVariation: number;
  /** Mean absolute percentage error, as a fraction (0.25 = 25 %); null when no channel has a true value. */
  mape: number | null;
  /** Per channel: model and true shares. */
  channels: { channel: string; modelShare: number; trueShare: number }[];
}

function shares(rows: readonly ChannelAmount[]): Map<string, number> {
  const total = rows.reduce((s, r) => s + Math.max(r.amount, 0), 0);
  const m = new Map<string, number>();
  for (const r of rows)
    m.set(r.channel, (m.get(r.channel) ?? 0) + (total > 0 ? Math.max(r.amount, 0) / total : 0));
  return m;
}

export function allocationError(
  model: readonly ChannelAmount[],
  truth: readonly ChannelAmount[],
): AllocationError {
  const ms = shares(model);
  const ts = shares(truth);
  const names = [...new Set([...ms.keys(), ...ts.keys()])].sort();
  let tv = 0;
  let ape = 0;
  let counted = 0;
  const channels = names.map((channel) => {
    const modelShare = ms.get(channel) ?? 0;
    const trueShare = ts.get(channel) ?? 0;
    tv += Math.abs(modelShare - trueShare);
    if (trueShare > 0) {
      ape += Math.abs(modelShare - trueShare) / trueShare;
      counted++;
    }
    return { channel, modelShare, trueShare };
  });
  return { totalVariation: tv / 2, mape: counted > 0 ? ape / counted : null, channels };
}

export interface ModelEvaluation {
  model: string;
  leads: AllocationError;
  /** The customer milestone at won amounts; null when nothing was won. */
  revenue: AllocationError | null;
  /** The opportunity milestone at pipeline amounts; null when no deal was opened. */
  pipeline: AllocationError | null;
}

/** Ranks models by lead TV (then revenue TV), best first. */
export function rankEvaluations(rows: readonly ModelEvaluation[]): ModelEvaluation[] {
  return [...rows].sort(
    (a, b) =>
      a.leads.totalVariation - b.leads.totalVariation ||
      (a.revenue?.totalVariation ?? 0) - (b.revenue?.totalVariation ?? 0) ||
      a.model.localeCompare(b.model),
  );
}
