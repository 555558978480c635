// HubSpot's objects mapped to Closedloop's funnel: a contact's `lifecyclestage` and a deal's stage (by
// pipeline) become milestones, as data a workspace can override, with defaults for HubSpot's stock
// values. Lost deals stay (outcome `lost`, with `closed_lost_reason`); amounts keep their currency.
// The output is the vendor-neutral change records of ../crm/records.ts, each keyed so that a
// backfill, a webhook and a re-fetch of the same change give the same record.
//
// A deal's stage is read, in this order: the workspace's rule for that pipeline's stage, its rule
// for the stage in any pipeline (`*`), the portal's pipeline settings (a closed stage with probability
// 1 is won, 0 lost), HubSpot's stock stage ids, and for the deal's current stage HubSpot's own
// `hs_is_closed_won`/`hs_is_closed`. A stage none of these knows counts as open, and is reported.

import { z } from 'zod';
import { DEFAULT_MILESTONES, MILESTONE_NAME, type DealOutcome } from '../crm/records.js';

import type { Pipeline } from './schemas.js';

/** HubSpot's stock lifecycle stages, in their order. */
export const STOCK_LIFECYCLE_STAGES = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
] as const;

/**
 * The default milestone of each stock lifecycle stage. A subscriber gave an e-mail address, which is
 * what makes a lead in Closedloop (an identify with an e-mail); an evangelist is a customer still.
 */
export const DEFAULT_LIFECYCLE_MILESTONES: Readonly<Record<string, string | null>> = {
  subscriber: 'lead',
  lead: 'lead',
  marketingqualifiedlead: 'mql',
  salesqualifiedlead: 'sql',
  opportunity: 'opportunity',
  customer: 'customer',
  evangelist: 'customer',
  other: null,
};

/** The outcome of each stage of HubSpot's stock sales pipeline (`default`). */
export const DEFAULT_DEAL_STAGE_OUTCOMES: Readonly<Record<string, DealOutcome>> = {
  appointmentscheduled: 'open',
  qualifiedtobuy: 'open',
  presentationscheduled: 'open',
  decisionmakerboughtin: 'open',
  contractsent: 'open',
  closedwon: 'won',
  closedlost: 'lost',
};

export interface DealStageRule {
  milestone: string | null;
  outcome: DealOutcome;
}

const milestoneName = z
  .string()
  .regex(MILESTONE_NAME, 'a milestone is named in lower case letters, digits and _')
  .nullable();
const stageRule = z
  .object({
    milestone: milestoneName.optional(),
    outcome: z.enum(['open', 'won', 'lost']).optional(),
  })
  .strict();

/** What a workspace may set (every field optional; the defaults fill the rest). */
export const HubSpotMappingSettings = z
  .object({
    /** Lifecycle stage (stock name or a custom stage's id) to milestone, or null for none. */
    lifecycleStages: z.record(z.string().min(1), milestoneName).optional(),
    /** Pipeline id (`default`, a custom pipeline's id, or `*` for any), then stage id, to a rule. */
    dealStages: z.record(z.string().min(1), z.record(z.string().min(1), stageRule)).optional(),
    /** The milestone of an open deal's stage when no rule names one. Default `opportunity`. */
    openDealMilestone: milestoneName.optional(),
    /** The milestone of a won deal. Default `customer`. */
    wonDealMilestone: milestoneName.optional(),
    /** The portal's currency, for deals without `deal_currency_code` (single-currency portals). */
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code')
      .optional(),
    /** The contact property a form fills with the tracker's anonymous id. */
    anonymousIdProperty: z.string().min(1).optional(),
    /** The deal property that says why a deal was lost. */
    lostReasonProperty: z.string().min(1).optional(),
  })
  .strict();
export type HubSpotMappingSettings = z.infer<typeof HubSpotMappingSettings>;

/** The mapping in force: the defaults, the workspace's settings and the portal's pipelines. */
export interface HubSpotMapping {
  lifecycleStages: Readonly<Record<string, string | null>>;
  dealStages: Readonly<Record<string, Readonly<Record<string, Partial<DealStageRule>>>>>;
  /** Outcomes read from the portal's pipeline settings: pipeline id, then stage id. */
  pipelineOutcomes: ReadonlyMap<string, ReadonlyMap<string, DealOutcome>>;
  openDealMilestone: string | null;
  wonDealMilestone: string | null;
  /** Lower case; null when the workspace has not said. */
  currency: string | null;
  anonymousIdProperty: string;
  lostReasonProperty: string;
}

/** Settings that do not have the shape above: the path names the field. */
export class HubSpotMappingError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'HubSpotMappingError';
  }
}

/** A stage's outcome from the portal's pipeline settings; null when they do not say. */
function outcomeFromSettings(stage: Pipeline['stages'][number]): DealOutcome | null {
  const closed = stage.metadata?.isClosed;
  const probability = stage.metadata?.probability;
  if (closed === undefined) return null;
  if (!closed) return 'open';
  if (probability === undefined) return null;
  if (probability >= 1) return 'won';
  if (probability <= 0) return 'lost';
  return null;
}

/**
 * The mapping in force, from a workspace's settings (validated; a bad field throws a
 * `HubSpotMappingError` naming it) and, when known, the portal's deal pipelines.
 */
export function resolveHubSpotMapping(
  settings: unknown = {},
  pipelines: readonly Pipeline[] = [],
): HubSpotMapping {
  const parsed = HubSpotMappingSettings.safeParse(settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(root)';
    throw new HubSpotMappingError(path, `${path}: ${issue.message}`);
  }
  const s = parsed.data;
  const pipelineOutcomes = new Map<string, Map<string, DealOutcome>>();
  for (const p of pipelines) {
    const stages = new Map<string, DealOutcome>();
    for (const stage of p.stages) {
      const outcome = outcomeFromSettings(stage);
      if (outcome) stages.set(stage.id, outcome);
    }
    pipelineOutcomes.set(p.id, stages);
  }
  return {
    lifecycleStages: { ...DEFAULT_LIFECYCLE_MILESTONES, ...s.lifecycleStages },
    dealStages: s.dealStages ?? {},
    pipelineOutcomes,
    openDealMilestone: s.openDealMilestone === undefined ? 'opportunity' : s.openDealMilestone,
    wonDealMilestone: s.wonDealMilestone === undefined ? 'customer' : s.wonDealMilestone,
    currency: s.currency ? s.currency.toLowerCase() : null,
    anonymousIdProperty: s.anonymousIdProperty ?? 'closedloop_anonymous_id',
    lostReasonProperty: s.lostReasonProperty ?? 'closed_lost_reason',
  };
}

/** Every milestone the mapping can give. */
export function mappingMilestones(mapping: HubSpotMapping): string[] {
  const all = new Set<string>();
  const add = (m: string | null | undefined) => void (m && all.add(m));
  Object.values(mapping.lifecycleStages).forEach(add);
  for (const stages of Object.values(mapping.dealStages))
    for (const rule of Object.values(stages)) add(rule.milestone);
  add(mapping.openDealMilestone);
  add(mapping.wonDealMilestone);
  return [...all].sort();
}

/**
 * The milestones a mapping names that the funnel does not define, each as a message naming where and
 * the funnel's milestones (a request that sets such a mapping is refused with these).
 */
export function undefinedMilestones(
  mapping: HubSpotMapping,
  funnel: readonly string[] = DEFAULT_MILESTONES,
): string[] {
  const known = new Set(funnel);
  const list = funnel.join(', ');
  const out: string[] = [];
  const check = (where: string, m: string | null | undefined) => {
    if (m && !known.has(m)) out.push(`${where}: "${m}" is not a milestone of the funnel (${list})`);
  };
  for (const [stage, m] of Object.entries(mapping.lifecycleStages))
    check(`lifecycleStages.${stage}`, m);
  for (const [pipeline, stages] of Object.entries(mapping.dealStages))
    for (const [stage, rule] of Object.entries(stages))
      check(`dealStages.${pipeline}.${stage}.milestone`, rule.milestone);
  check('openDealMilestone', mapping.openDealMilestone);
  check('wonDealMilestone', mapping.wonDealMilestone);
  return out;
}

/** A lifecycle stage's milestone; null for a stage the mapping gives none (or does not know). */
export function lifecycleMilestone(mapping: HubSpotMapping, stage: string): string | null {
  return Object.hasOwn(mapping.lifecycleStages, stage) ? mapping.lifecycleStages[stage]! : null;
}

/** HubSpot's own verdict on a deal's current stage, from the snapshot's computed properties. */
export interface StageHints {
  isClosed?: boolean;
  isClosedWon?: boolean;
}

/**
 * A deal stage's outcome and milestone; `known` is false when nothing but the fallback (open) decided
 * the outcome, which callers report.
 */
export function dealStageRule(
  mapping: HubSpotMapping,
  pipeline: string | null,
  stage: string,
  hints: StageHints = {},
): DealStageRule & { known: boolean } {
  const own = pipeline !== null ? mapping.dealStages[pipeline]?.[stage] : undefined;
  const any = mapping.dealStages['*']?.[stage];
  const fromHints: DealOutcome | undefined =
    hints.isClosedWon === true
      ? 'won'
      : hints.isClosed === true
        ? 'lost'
        : hints.isClosed === false
          ? 'open'
          : undefined;
  const decided =
    own?.outcome ??
    any?.outcome ??
    (pipeline !== null ? mapping.pipelineOutcomes.get(pipeline)?.get(stage) : undefined) ??
    DEFAULT_DEAL_STAGE_OUTCOMES[stage] ??
    fromHints;
  const outcome = decided ?? 'open';
  const milestone =
    own && own.milestone !== undefined
      ? own.milestone
      : any && any.milestone !== undefined
        ? any.milestone
        : outcome === 'won'
          ? mapping.wonDealMilestone
          : outcome === 'open'
            ? mapping.openDealMilestone
            : null;
  return { outcome, milestone, known: decided !== undefined };
}
