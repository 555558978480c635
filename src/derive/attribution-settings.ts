// A workspace's attribution settings: which milestone converts, the lookback window, touch filters and
// path transforms, and model options. Stored as a workspace setting; changing them re-credits in full.
import { z } from 'zod';
import {
  DATA_DRIVEN_MODEL_NAMES,
  RULE_MODEL_NAMES,
  DEFAULT_HALF_LIFE_DAYS,
  DEFAULT_LOOKBACK_DAYS,
  MAX_MARKOV_ORDER,
  parseTransform,
  type AttributionSettings as PathWindowSettings,
  type PathTransform,
  type RuleModelOptions,
} from '../attribution/index.js';
import type { Store } from '../store/store.js';

export const ATTRIBUTION_SETTINGS = 'attribution';

const Weight = z.number().finite().nonnegative();

const TransformText = z.string().superRefine((t, ctx) => {
  try {
    parseTransform(t);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

export const AttributionSettingsSchema = z
  .object({
    /** The milestone that counts as the conversion: lead today; CRM stages and revenue later. */
    conversion: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z][a-z0-9_]*$/, 'must be a milestone name (lowercase letters, digits, _)')
      .default('lead'),
    lookbackDays: z.number().int().min(1).max(730).default(DEFAULT_LOOKBACK_DAYS),
    excludeChannels: z.array(z.string().min(1)).max(100).default([]),
    stepLimit: z.number().int().min(1).max(1000).optional(),
    transforms: z.array(TransformText).max(10).default([]),
    halfLifeDays: z.number().positive().max(365).default(DEFAULT_HALF_LIFE_DAYS),
    markovOrder: z.number().int().min(1).max(MAX_MARKOV_ORDER).default(1),
    shapleyValue: z.enum(['conversions', 'rate']).default('conversions'),
    /** What a `customer` milestone from subscription revenue is worth: its first year, or all so far. */
    customerValue: z.enum(['first_year', 'lifetime']).default('first_year'),
    directChannels: z.array(z.string().min(1)).max(20).optional(),
    custom: z
      .object({
        weights: z
          .object({
            first: Weight,
            lead: Weight,
            opportunity: Weight,
            won: Weight,
            last: Weight,
            middle: Weight,
          })
          .partial()
          .refine(
            (w) => Object.values(w).some((x) => x > 0),
            'at least one role weight must be positive',
          ),
        channelMultipliers: z.record(z.string(), Weight).optional(),
      })
      .strict()
      .optional(),
    /** The model reports read when their query names none (src/reports/common-params.ts; default linear). */
    reportModel: z.enum([...RULE_MODEL_NAMES, ...DATA_DRIVEN_MODEL_NAMES]).optional(),
  })
  .strict();

export type WorkspaceAttributionSettings = z.output<typeof AttributionSettingsSchema>;

export const DEFAULT_ATTRIBUTION_SETTINGS: WorkspaceAttributionSettings =
  AttributionSettingsSchema.parse({});

export class AttributionSettingsError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** Validates settings from outside (API body, CLI file); unknown keys and bad values are errors. */
export function parseAttributionSettings(input: unknown): WorkspaceAttributionSettings {
  const r = AttributionSettingsSchema.safeParse(input ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new AttributionSettingsError(issue.path.join('.') || 'settings', issue.message);
  }
  return r.data;
}

export async function attributionSettingsFor(
  store: Store,
  workspaceId: string,
): Promise<WorkspaceAttributionSettings> {
  const raw = await store.getSetting(workspaceId, ATTRIBUTION_SETTINGS);
  // stored settings were validated on the way in; parsing again fills defaults added since
  return raw === undefined || raw === null
    ? DEFAULT_ATTRIBUTION_SETTINGS
    : parseAttributionSettings(raw);
}

/** The path settings (window, exclusions, step limit, transforms) the pure models take. */
export function pathSettings(s: WorkspaceAttributionSettings): PathWindowSettings {
  const transforms: PathTransform[] = s.transforms.map(parseTransform);
  return {
    lookbackDays: s.lookbackDays,
    excludeChannels: s.excludeChannels,
    transforms,
    ...(s.stepLimit !== undefined ? { stepLimit: s.stepLimit } : {}),
  };
}

export function ruleOptions(s: WorkspaceAttributionSettings): RuleModelOptions {
  return {
    halfLifeDays: s.halfLifeDays,
    ...(s.directChannels ? { directChannels: s.directChannels } : {}),
    ...(s.custom
      ? {
          custom: {
            weights: s.custom.weights,
            ...(s.custom.channelMultipliers
              ? { channelMultipliers: s.custom.channelMultipliers }
              : {}),
          },
        }
      : {}),
  };
}
