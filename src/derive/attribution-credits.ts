// Credits: every conversion of the workspace's conversion milestone, under every model, split over the
// touches (sessions) of the converting person inside the lookback window, written to the store.
// Rule-based models credit each conversion on its own, so a change re-credits only the persons it
// touched; the data-driven models are fits over every journey (converting or not), so they are refitted
// over the workspace whenever credits are refreshed.
import {
  DATA_DRIVEN_MODEL_NAMES,
  encodeJourneys,
  NO_TOUCHPOINT,
  prepareBatch,
  RULE_MODEL_NAMES,
  weighBatch,
  weighBatchDataDriven,
  type DataDrivenModelName,
  type Journey,
  type JourneyBatch,
  type RuleModelName,
} from '../attribution/index.js';
import type { Store } from '../store/store.js';
import type { AttributionInputs, CreditRow, NonConvertingTouches } from '../store/types.js';
import {
  attributionSettingsFor,
  pathSettings,
  ruleOptions,
  type WorkspaceAttributionSettings,
} from './attribution-settings.js';

export type StoredModelName = RuleModelName | DataDrivenModelName;

/** Milestones that locate the U/W/full-path roles. */
const ROLE = { lead: 'lead', opportunity: 'opportunity', won: 'customer' } as const;

/** Rule-based models credited under these settings (custom only once its weights are configured). */
export function ruleModelsFor(s: WorkspaceAttributionSettings): RuleModelName[] {
  return RULE_MODEL_NAMES.filter((m) => m !== 'custom' || s.custom !== undefined);
}

export function storedModelsFor(s: WorkspaceAttributionSettings): StoredModelName[] {
  return [...ruleModelsFor(s), ...DATA_DRIVEN_MODEL_NAMES];
}

interface Conversion {
  personId: string;
  journey: Journey;
}

/** Journeys from store rows: one per conversion, plus (optionally) one per person who never converted. */
export function journeysFrom(inputs: AttributionInputs): {
  converting: Conversion[];
  nonConverting: Journey[];
} {
  const touches = new Map<string, Journey['touches'][number][]>();
  for (const t of inputs.touches) {
    let list = touches.get(t.personId);
    if (!list) touches.set(t.personId, (list = []));
    list.push({ id: t.touchId, channel: t.channel, at: t.at });
  }
  const roles = new Map<string, Record<string, number>>();
  for (const r of inputs.roles) {
    const m = roles.get(r.personId) ?? {};
    m[r.milestone] = r.at;
    roles.set(r.personId, m);
  }
  const converted = new Set<string>();
  const converting = inputs.conversions.map((c): Conversion => {
    converted.add(c.personId);
    const r = roles.get(c.personId) ?? {};
    return {
      personId: c.personId,
      journey: {
        touches: touches.get(c.personId) ?? [],
        convertedAt: c.at,
        value: c.value,
        ...(r[ROLE.lead] !== undefined ? { leadAt: r[ROLE.lead] } : {}),
        ...(r[ROLE.opportunity] !== undefined ? { opportunityAt: r[ROLE.opportunity] } : {}),
        ...(r[ROLE.won] !== undefined ? { wonAt: r[ROLE.won] } : {}),
      },
    };
  });
  // a journey that never converted is read up to its last touch, through the same window
  const nonConverting: Journey[] = [];
  for (const [personId, list] of touches) {
    if (converted.has(personId) || list.length === 0) continue;
    nonConverting.push({ touches: list, convertedAt: list[list.length - 1]!.at, value: 0 });
  }
  return { converting, nonConverting };
}

/** Credit rows of one model from per-touch weights over a prepared batch of conversions. */
function rowsFrom(
  model: string,
  conversions: readonly Conversion[],
  batch: JourneyBatch,
  weights: Float64Array,
  out: CreditRow[],
): void {
  const { offsets, touchSource } = batch;
  for (let j = 0; j < conversions.length; j++) {
    const { personId, journey } = conversions[j]!;
    const start = offsets[j]!;
    const end = offsets[j + 1]!;
    if (start === end) {
      out.push({
        model,
        personId,
        convertedAt: journey.convertedAt,
        touchId: null,
        touchedAt: null,
        channel: NO_TOUCHPOINT,
        weight: 1,
        conversions: 1,
        value: journey.value,
      });
      continue;
    }
    for (let i = start; i < end; i++) {
      const w = weights[i]!;
      if (w === 0) continue;
      const t = journey.touches[touchSource![i]!]!;
      out.push({
        model,
        personId,
        convertedAt: journey.convertedAt,
        touchId: t.id,
        touchedAt: t.at,
        channel: t.channel,
        weight: w,
        conversions: w,
        value: w * journey.value,
      });
    }
  }
}

export interface CreditSummary {
  milestone: string;
  conversions: number;
  /** Conversions with no touch left in the window (credited to "(no touchpoint)"). */
  noTouchpoint: number;
  rows: number;
  models: StoredModelName[];
  /** Persons re-credited by the rule-based models (undefined: all). */
  persons?: number;
}

/** Rule-based credit rows for the given conversions. */
export function ruleCredits(
  conversions: readonly Conversion[],
  s: WorkspaceAttributionSettings,
  models: readonly RuleModelName[],
): CreditRow[] {
  const batch = prepareBatch(encodeJourneys(conversions.map((c) => c.journey)), pathSettings(s));
  const rows: CreditRow[] = [];
  const options = ruleOptions(s);
  for (const m of models) rowsFrom(m, conversions, batch, weighBatch(batch, m, options), rows);
  return rows;
}

/** Data-driven credit rows and channel fits, from every converting and non-converting journey. */
export function dataDrivenCredits(
  conversions: readonly Conversion[],
  nonConverting: readonly Journey[] | JourneyBatch,
  s: WorkspaceAttributionSettings,
): { rows: CreditRow[]; fits: { model: string; channel: string; score: number }[] } {
  const settings = pathSettings(s);
  const batch = prepareBatch(encodeJourneys(conversions.map((c) => c.journey)), settings);
  const nulls = prepareBatch(
    'offsets' in nonConverting ? nonConverting : encodeJourneys(nonConverting),
    settings,
  );
  const rows: CreditRow[] = [];
  const fits: { model: string; channel: string; score: number }[] = [];
  for (const m of DATA_DRIVEN_MODEL_NAMES) {
    const r = weighBatchDataDriven(batch, nulls, m, {
      order: s.markovOrder,
      shapleyValue: s.shapleyValue,
    });
    rowsFrom(m, conversions, batch, r.weights, rows);
    for (const c of r.channelScores) fits.push({ model: m, channel: c.channel, score: c.score });
  }
  return { rows, fits };
}

function summary(
  s: WorkspaceAttributionSettings,
  conversions: readonly Conversion[],
  rows: readonly CreditRow[],
  models: StoredModelName[],
): CreditSummary {
  const firstModel = models[0];
  return {
    milestone: s.conversion,
    conversions: conversions.length,
    noTouchpoint: rows.filter((r) => r.model === firstModel && r.touchId === null).length,
    rows: rows.length,
    models,
  };
}

/** A batch of journeys that never converted, each read up to its last touch (as journeysFrom reads them). */
export function nonConvertingBatch(t: NonConvertingTouches): JourneyBatch {
  const n = t.offsets.length - 1;
  const convertedAt = new Float64Array(n);
  for (let j = 0; j < n; j++) convertedAt[j] = t.at[t.offsets[j + 1]! - 1]!;
  return {
    channels: t.channels,
    touchChannel: t.channel,
    touchAt: t.at,
    offsets: t.offsets,
    convertedAt,
    value: new Float64Array(n),
  };
}

/**
 * Every journey of a workspace: the converting ones as objects (their credit rows name each touch),
 * the far more numerous others as one columnar batch.
 */
export async function workspaceJourneys(
  store: Store,
  workspaceId: string,
  milestone: string,
): Promise<{ converting: Conversion[]; nonConverting: JourneyBatch }> {
  const { converting } = journeysFrom(
    await store.attributionInputs(workspaceId, milestone, undefined, { convertingOnly: true }),
  );
  return {
    converting,
    nonConverting: nonConvertingBatch(await store.nonConvertingTouches(workspaceId, milestone)),
  };
}

/** Re-credits every conversion of the workspace under every model (after a rebuild or a settings change). */
export async function creditWorkspace(
  store: Store,
  workspaceId: string,
  settings?: WorkspaceAttributionSettings,
): Promise<CreditSummary> {
  const s = settings ?? (await attributionSettingsFor(store, workspaceId));
  const { converting, nonConverting } = await workspaceJourneys(store, workspaceId, s.conversion);
  const rules = ruleModelsFor(s);
  const rows = ruleCredits(converting, s, rules);
  const dd = dataDrivenCredits(converting, nonConverting, s);
  for (const r of dd.rows) rows.push(r); // (not push(...rows): millions of arguments overflow the stack)
  // models no longer configured (custom removed) are cleared too
  await store.replaceCredits(
    workspaceId,
    { milestone: s.conversion, models: [...RULE_MODEL_NAMES, ...DATA_DRIVEN_MODEL_NAMES] },
    rows,
    dd.fits,
  );
  return summary(s, converting, rows, [...rules, ...DATA_DRIVEN_MODEL_NAMES]);
}

/**
 * Re-credits after a change that touched these persons: their rule-based credits alone (read for them
 * alone), then, unless `dataDriven` is false, the data-driven fits over the workspace (a new journey,
 * even one that never converted, moves them; see refitDataDriven). `complete`: the caller knows these
 * are all the persons whose milestones moved, so no look for others out of step is needed.
 */
export async function creditPersons(
  store: Store,
  workspaceId: string,
  personIds: readonly string[],
  opts: { dataDriven?: boolean; complete?: boolean } = {},
): Promise<CreditSummary> {
  const s = await attributionSettingsFor(store, workspaceId);
  const rules = ruleModelsFor(s);
  // also whoever converted without credits yet, or holds credits without a conversion now (a
  // milestone that came or went through an event with no anonymous id, e.g. a server-side identify)
  const wanted = [
    ...new Set([
      ...personIds,
      ...(opts.complete ? [] : await store.creditsOutOfStep(workspaceId, s.conversion)),
    ]),
  ];
  const mine = journeysFrom(
    await store.attributionInputs(workspaceId, s.conversion, wanted),
  ).converting;
  const rows = ruleCredits(mine, s, rules);
  await store.replaceCredits(
    workspaceId,
    { milestone: s.conversion, models: rules, personIds: wanted },
    rows,
  );
  if (opts.dataDriven !== false) await refitDataDriven(store, workspaceId, s);
  return { ...summary(s, mine, rows, rules), persons: wanted.length };
}

/** Refits the data-driven models over every journey of the workspace and replaces their credits. */
export async function refitDataDriven(
  store: Store,
  workspaceId: string,
  settings?: WorkspaceAttributionSettings,
): Promise<void> {
  const s = settings ?? (await attributionSettingsFor(store, workspaceId));
  const all = await workspaceJourneys(store, workspaceId, s.conversion);
  const dd = dataDrivenCredits(all.converting, all.nonConverting, s);
  await store.replaceCredits(
    workspaceId,
    { milestone: s.conversion, models: DATA_DRIVEN_MODEL_NAMES },
    dd.rows,
    dd.fits,
  );
}
