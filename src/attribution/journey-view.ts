/**
 * The window a rule-based model sees of one journey: its touches as a range of columnar arrays, the
 * milestone times, and the key touches located once (one scan) for every model that needs them.
 * One view object is reused for every journey, so the hot loop allocates nothing.
 */
export interface JourneyView {
  /** Channel id per touch (whole batch); this journey owns [start, end). */
  ch: Int32Array;
  /** Epoch ms per touch, ascending inside the journey (NaN in path-summary mode). */
  at: Float64Array;
  start: number;
  end: number;
  convertedAt: number;
  /** Milestone times, NaN when absent. */
  leadAt: number;
  opportunityAt: number;
  wonAt: number;
  /** Absolute touch index of the lead-creation, opportunity-creation and closed-won touch, or -1. */
  lead: number;
  opportunity: number;
  won: number;
}

/** Writes one journey's per-touch weights (summing to 1) into out[start..end). */
export type RuleKernel = (v: JourneyView, out: Float64Array) => void;

export function emptyView(): JourneyView {
  return {
    ch: new Int32Array(0),
    at: new Float64Array(0),
    start: 0,
    end: 0,
    convertedAt: 0,
    leadAt: NaN,
    opportunityAt: NaN,
    wonAt: NaN,
    lead: -1,
    opportunity: -1,
    won: -1,
  };
}

/**
 * Locates the milestone touches: for each milestone, the last touch at or before it. A missing
 * milestone, or one that precedes every touch, leaves its role empty (-1). Touches are time-ordered,
 * so one forward scan finds all three.
 */
export function locateRoles(v: JourneyView): void {
  let lead = -1;
  let opp = -1;
  let won = -1;
  const { at, leadAt, opportunityAt, wonAt } = v;
  for (let i = v.start; i < v.end; i++) {
    const t = at[i]!;
    if (t <= leadAt) lead = i;
    if (t <= opportunityAt) opp = i;
    if (t <= wonAt) won = i;
  }
  v.lead = lead;
  v.opportunity = opp;
  v.won = won;
}

/** 1/n each: the shared fallback when a model's weights would otherwise all be zero. */
export function equalWeights(v: JourneyView, out: Float64Array): void {
  const w = 1 / (v.end - v.start);
  for (let i = v.start; i < v.end; i++) out[i] = w;
}
