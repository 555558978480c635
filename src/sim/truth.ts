/**
 * Ground truth: per channel, what the world would have lost without it. For every person the plan is
 * played out again with that channel switched off (same random numbers, nothing written), and the
 * leads, won deals, won revenue and opened pipeline inside the window are compared with the factual run.
 */
import { CHANNELS, CHANNEL_EFFECTS, type ChannelId, type Ga4ChannelGroup } from './channels.js';

export interface Outcome {
  lead: boolean;
  won: boolean;
  revenue: number;
  /** The amount of the deal opened inside the window (the opportunity's pipeline), else 0. */
  pipeline: number;
}

export interface ChannelTruth {
  ga4ChannelGroup: Ga4ChannelGroup;
  weight: number;
  substitution: number;
  awareness: number;
  fallback: ChannelId | null;
  incrementalLeads: number;
  incrementalWonDeals: number;
  incrementalRevenue: number;
  incrementalPipeline: number;
}

export interface SimTruth {
  currency: string;
  totals: { leads: number; wonDeals: number; revenue: number; pipeline: number };
  channels: Record<ChannelId, ChannelTruth>;
  method: string;
}

export class TruthAccumulator {
  readonly totals = { leads: 0, wonDeals: 0, revenue: 0, pipeline: 0 };
  private readonly lost = new Map<ChannelId, SimTruth['totals']>(
    CHANNELS.map((c) => [c, { leads: 0, wonDeals: 0, revenue: 0, pipeline: 0 }]),
  );

  addFactual(o: Outcome): void {
    if (o.lead) this.totals.leads++;
    if (o.won) this.totals.wonDeals++;
    this.totals.revenue += o.revenue;
    this.totals.pipeline += o.pipeline;
  }

  /** The person's outcome with `channel` off, next to the factual one. */
  addCounterfactual(channel: ChannelId, factual: Outcome, without: Outcome): void {
    const l = this.lost.get(channel);
    if (l === undefined) return;
    l.leads += Number(factual.lead) - Number(without.lead);
    l.wonDeals += Number(factual.won) - Number(without.won);
    l.revenue += factual.revenue - without.revenue;
    l.pipeline += factual.pipeline - without.pipeline;
  }

  result(currency: string): SimTruth {
    const channels = {} as Record<ChannelId, ChannelTruth>;
    for (const c of CHANNELS) {
      const e = CHANNEL_EFFECTS[c];
      const l = this.lost.get(c) ?? { leads: 0, wonDeals: 0, revenue: 0, pipeline: 0 };
      channels[c] = {
        ga4ChannelGroup: e.ga4,
        weight: e.weight,
        substitution: e.substitution,
        awareness: e.awareness,
        fallback: e.fallback,
        incrementalLeads: l.leads,
        incrementalWonDeals: l.wonDeals,
        incrementalRevenue: l.revenue,
        incrementalPipeline: l.pipeline,
      };
    }
    return {
      currency,
      totals: { ...this.totals },
      channels,
      method:
        'per channel: factual minus a counterfactual re-run with the same random numbers and that channel switched off (see docs/simulator.md)',
    };
  }
}
