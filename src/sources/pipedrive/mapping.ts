// Pipedrive's funnel mapping: which milestone a deal's stage (per pipeline, account-specific ids) and
// its status (won, lost) give, from the defaults, the workspace's settings and the account's pipelines
// and stages. The records are made in deal-changes.ts, person-changes.ts and webhook-changes.ts.

import { z } from 'zod';
import { DEFAULT_MILESTONES, MILESTONE_NAME, type DealOutcome } from '../crm/records.js';

import { type PipedrivePipeline, type PipedriveStage } from './schemas.js';

const milestoneName = z
  .string()
  .regex(MILESTONE_NAME, 'a milestone is named in lower case letters, digits and _')
  .nullable();

/** What a workspace may set (every field optional; the defaults fill the rest). */
export const PipedriveMappingSettings = z
  .object({
    /**
     * Pipeline (its id, its name, or `*` for any) to stage (id or name) to a milestone, or null for
     * none. Names match whatever their case.
     */
    dealStages: z.record(z.string().min(1), z.record(z.string().min(1), milestoneName)).optional(),
    /** An open deal's stage with no rule. Default `opportunity`. */
    openDealMilestone: milestoneName.optional(),
    /** A won deal. Default `customer`. */
    wonDealMilestone: milestoneName.optional(),
    /** A lost deal. Default none: the record keeps `outcome: lost` and the reason. */
    lostDealMilestone: milestoneName.optional(),
    /** A person added to the CRM. Default `lead`. */
    personMilestone: milestoneName.optional(),
    /** Activity type (`meeting`, `call`, a custom type's key) to a milestone. Default none. */
    activityTypes: z.record(z.string().min(1), milestoneName).optional(),
    /** For deals that carry no currency (Pipedrive always sends one; imports may not). */
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code')
      .optional(),
    /** The person custom field (its 40-character key) a form fills with the tracker's anonymous id. */
    anonymousIdField: z.string().min(1).optional(),
  })
  .strict();
export type PipedriveMappingSettings = z.infer<typeof PipedriveMappingSettings>;

export class PipedriveMappingError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'PipedriveMappingError';
  }
}

/** The mapping in force: the defaults, the workspace's settings, the account's pipelines and stages. */
export interface PipedriveMapping {
  /** Stage id to its milestone, for stages a rule names (by id or by name). */
  stageMilestones: ReadonlyMap<string, string | null>;
  /** Rules of `*` and of pipelines not (yet) known: stage id or lower-cased name to milestone. */
  anyStage: ReadonlyMap<string, string | null>;
  /** The account's stages: id to name and pipeline. */
  stages: ReadonlyMap<string, { name: string; pipelineId: string }>;
  openDealMilestone: string | null;
  wonDealMilestone: string | null;
  lostDealMilestone: string | null;
  personMilestone: string | null;
  activityTypes: Readonly<Record<string, string | null>>;
  currency: string | null;
  anonymousIdField: string;
  /** Rules naming a pipeline or stage the account does not have. */
  unresolved: string[];
  /** Every milestone a rule names, with where (for `undefinedMilestones`). */
  named: ReadonlyArray<{ where: string; milestone: string }>;
}

/**
 * The mapping in force from a workspace's settings (validated; a bad field throws a
 * `PipedriveMappingError` naming it) and the account's pipelines and stages (to read names).
 */
export function resolvePipedriveMapping(
  settings: unknown = {},
  account: { pipelines?: readonly PipedrivePipeline[]; stages?: readonly PipedriveStage[] } = {},
): PipedriveMapping {
  const parsed = PipedriveMappingSettings.safeParse(settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(root)';
    throw new PipedriveMappingError(path, `${path}: ${issue.message}`);
  }
  const s = parsed.data;
  const pipelines = account.pipelines ?? [];
  const stages = account.stages ?? [];
  const lower = (t: string) => t.trim().toLowerCase();
  const stageMilestones = new Map<string, string | null>();
  const anyStage = new Map<string, string | null>();
  const unresolved: string[] = [];
  const named: Array<{ where: string; milestone: string }> = [];
  const pick = (m: string | null | undefined, fallback: string | null) =>
    m === undefined ? fallback : m;
  for (const [pipelineKey, rules] of Object.entries(s.dealStages ?? {})) {
    const pipeline =
      pipelineKey === '*'
        ? null
        : (pipelines.find((p) => p.id === pipelineKey) ??
          pipelines.find((p) => lower(p.name) === lower(pipelineKey)));
    for (const [stageKey, milestone] of Object.entries(rules)) {
      if (milestone) named.push({ where: `dealStages.${pipelineKey}.${stageKey}`, milestone });
      if (pipelineKey !== '*' && !pipeline) {
        // the pipeline is not known yet (no stages read): the rule applies by stage id or name
        if (pipelines.length > 0)
          unresolved.push(`dealStages.${pipelineKey}: no pipeline has this id or name`);
        anyStage.set(/^\d+$/.test(stageKey) ? stageKey : lower(stageKey), milestone);
        continue;
      }
      const inScope = stages.filter((st) => !pipeline || st.pipeline_id === pipeline.id);
      const matches = inScope.filter(
        (st) => st.id === stageKey || lower(st.name) === lower(stageKey),
      );
      if (matches.length === 0) {
        if (stages.length > 0)
          unresolved.push(`dealStages.${pipelineKey}.${stageKey}: no stage has this id or name`);
        if (!pipeline) anyStage.set(/^\d+$/.test(stageKey) ? stageKey : lower(stageKey), milestone);
        continue;
      }
      for (const st of matches) {
        // a pipeline's own rule wins over `*`, whichever came first
        if (pipeline || !stageMilestones.has(st.id)) stageMilestones.set(st.id, milestone);
      }
    }
  }
  const defaults = {
    openDealMilestone: pick(s.openDealMilestone, 'opportunity'),
    wonDealMilestone: pick(s.wonDealMilestone, 'customer'),
    lostDealMilestone: pick(s.lostDealMilestone, null),
    personMilestone: pick(s.personMilestone, 'lead'),
  };
  for (const [where, m] of Object.entries(defaults)) if (m) named.push({ where, milestone: m });
  for (const [type, m] of Object.entries(s.activityTypes ?? {}))
    if (m) named.push({ where: `activityTypes.${type}`, milestone: m });
  return {
    stageMilestones,
    anyStage,
    stages: new Map(stages.map((st) => [st.id, { name: st.name, pipelineId: st.pipeline_id }])),
    ...defaults,
    activityTypes: { ...s.activityTypes },
    currency: s.currency ? s.currency.toLowerCase() : null,
    anonymousIdField: s.anonymousIdField ?? 'closedloop_anonymous_id',
    unresolved,
    named,
  };
}

/**
 * The milestones the mapping names that the funnel does not define, each as a message naming where
 * and the funnel's milestones (a request that sets such a mapping is refused with these).
 */
export function undefinedMilestones(
  mapping: PipedriveMapping,
  funnel: readonly string[] = DEFAULT_MILESTONES,
): string[] {
  const known = new Set(funnel);
  return mapping.named
    .filter((n) => !known.has(n.milestone))
    .map(
      (n) => `${n.where}: "${n.milestone}" is not a milestone of the funnel (${funnel.join(', ')})`,
    );
}

/** The milestone of a deal entering a stage (an open deal). */
export function stageMilestone(mapping: PipedriveMapping, stageId: string | null): string | null {
  if (stageId === null) return mapping.openDealMilestone;
  if (mapping.stageMilestones.has(stageId)) return mapping.stageMilestones.get(stageId)!;
  if (mapping.anyStage.has(stageId)) return mapping.anyStage.get(stageId)!;
  const name = mapping.stages.get(stageId)?.name.trim().toLowerCase();
  if (name !== undefined && mapping.anyStage.has(name)) return mapping.anyStage.get(name)!;
  return mapping.openDealMilestone;
}

export function outcomeMilestone(
  mapping: PipedriveMapping,
  outcome: DealOutcome,
  stageId: string | null,
) {
  return outcome === 'won'
    ? mapping.wonDealMilestone
    : outcome === 'lost'
      ? mapping.lostDealMilestone
      : stageMilestone(mapping, stageId);
}
