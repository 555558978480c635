// The report registry: the server mounts each at GET /api/reports/<name>, the CLI as `closedloop report <name>`.
import { attribution } from './attribution.js';
import { attributionFits } from './attribution-fits.js';
import { costs } from './costs.js';
import { taggingHealth } from './tagging-health.js';
import { modelComparison } from './model-comparison.js';
import { opportunities } from './opportunities.js';
import { revenue } from './revenue.js';
import { funnel } from './funnel.js';
import { overview } from './overview.js';
import { performance } from './performance.js';
import { leadQuality } from './lead-quality.js';
import { salesCycle } from './sales-cycle.js';
import { subscriptions } from './subscriptions.js';
import { journeys } from './journeys.js';
import { identityHealth } from './identity-health.js';
import { goals } from './goals.js';
import { realtime } from './realtime.js';
import type { Report } from './report.js';

export const REPORTS: readonly Report[] = [
  attribution,
  modelComparison,
  attributionFits,
  costs,
  taggingHealth,
  opportunities,
  revenue,
  funnel,
  overview,
  performance,
  leadQuality,
  salesCycle,
  subscriptions,
  journeys,
  identityHealth,
  goals,
  realtime,
];

export function reportNamed(name: string): Report | undefined {
  return REPORTS.find((r) => r.name === name);
}

export { ReportParamError, type Report, type ReportContext } from './report.js';
