// `attribution-fits`: what the data-driven models learned from the stored journeys (each channel's score).
import { z } from 'zod';
import { attributionSettingsFor } from '../derive/attribution-settings.js';
import { round2 } from './params.js';
import { defineReport } from './report.js';

export const attributionFits = defineReport({
  name: 'attribution-fits',
  summary: "The data-driven models' fitted channel scores (removal effects, Shapley values)",
  params: z.object({}).strict(),
  async run({ store, workspaceId }) {
    const settings = await attributionSettingsFor(store, workspaceId);
    return {
      milestone: settings.conversion,
      fits: await store.attributionFits(workspaceId, settings.conversion),
    };
  },
  table: (result) => ({
    headline: `fitted on ${result.milestone} conversions`,
    rows: result.fits.map((f) => ({ model: f.model, channel: f.channel, score: round2(f.score) })),
  }),
});
