// Attribution reports: stored credits grouped by any touch dimension under the workspace's settings, or,
// when a query overrides a setting, credits computed on the fly from the same journeys (not stored).
import {
  DATA_DRIVEN_MODEL_NAMES,
  RULE_MODEL_NAMES,
  type RuleModelName,
} from '../attribution/index.js';
import type { Store } from '../store/store.js';
import type { CreditDimension, CreditGroup, ValueConversion } from '../store/types.js';
import {
  creditWorkspace,
  dataDrivenCredits,
  workspaceJourneys,
  ruleCredits,
  storedModelsFor,
  type CreditSummary,
  type StoredModelName,
} from './attribution-credits.js';
import {
  ATTRIBUTION_SETTINGS,
  AttributionSettingsError,
  attributionSettingsFor,
  parseAttributionSettings,
  type WorkspaceAttributionSettings,
} from './attribution-settings.js';
import { crmMappingFor, milestoneValueCaveats, type MissingRate } from './crm-milestones.js';
import { funnelFor, unknownMilestone } from './funnel.js';
import { withWorkspaceLock } from './workspace-lock.js';
import { CUSTOMER, deriveStripeMilestones, stripeMilestones } from './stripe-milestones.js';

export const ALL_MODEL_NAMES: readonly StoredModelName[] = [
  ...RULE_MODEL_NAMES,
  ...DATA_DRIVEN_MODEL_NAMES,
];

export interface ReportQuery {
  model: StoredModelName;
  groupBy: readonly CreditDimension[];
  from?: number;
  to?: number;
  /** Settings for this query only (merged over the workspace's); credits are computed, not stored. */
  overrides?: Record<string, unknown>;
  /** The currency of the values (ISO 4217, upper case); default the workspace's. Stored credits only. */
  currency?: string;
}

export interface AttributionReport {
  model: StoredModelName;
  milestone: string;
  settings: WorkspaceAttributionSettings;
  /** True when read from stored credits; false when computed for this query's settings. */
  stored: boolean;
  totals: { conversions: number; value: number };
  rows: CreditGroup[];
  /** The currency of every value (the workspace's, unless the query asked another). */
  currency: string;
  /**
   * Asked in another currency than the workspace's: the UTC days of credit values (kept in the
   * workspace's) with no rate to it, left out of every value (empty otherwise).
   */
  missingValueRates: { currency: string; date: string }[];
  /**
   * CRM amounts with no exchange rate to `currency` on their day: those conversions count, their value
   * is unknown and left out of every value here (import the rates, and the values are derived again).
   */
  missingRates: MissingRate[];
}

export class ReportError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

function totalsOf(rows: readonly CreditGroup[]): { conversions: number; value: number } {
  let conversions = 0;
  let value = 0;
  for (const r of rows) {
    conversions += r.conversions;
    value += r.value;
  }
  return { conversions, value };
}

/**
 * The CRM amounts, and for the customer milestone the subscription revenue, that had no rate to the
 * workspace's currency on their day (their conversions count; their value is unknown).
 */
async function valueCaveats(
  store: Store,
  workspaceId: string,
  settings: WorkspaceAttributionSettings,
): Promise<{ currency: string; missingRates: MissingRate[] }> {
  const caveats = await milestoneValueCaveats(store, workspaceId, settings.conversion);
  if (settings.conversion !== CUSTOMER || (await store.countStripeFacts(workspaceId)) === 0)
    return caveats;
  const stripe = await stripeMilestones(store, workspaceId, {
    value: settings.customerValue,
    crm: await crmMappingFor(store, workspaceId),
  });
  return {
    currency: caveats.currency,
    missingRates: [
      ...caveats.missingRates,
      ...stripe.missingRates.map((m) => ({
        currency: m.currency,
        day: m.day,
        conversions: m.customers,
      })),
    ],
  };
}

export async function attributionReport(
  store: Store,
  workspaceId: string,
  q: ReportQuery,
): Promise<AttributionReport> {
  const saved = await attributionSettingsFor(store, workspaceId);
  const overridden = q.overrides !== undefined && Object.keys(q.overrides).length > 0;
  const settings = overridden ? parseAttributionSettings({ ...saved, ...q.overrides }) : saved;
  if (overridden) await checkConversion(store, workspaceId, settings.conversion);
  if (!storedModelsFor(settings).includes(q.model)) {
    throw new ReportError(
      'model',
      q.model === 'custom'
        ? 'the custom model needs role weights in the attribution settings (custom.weights)'
        : `unknown model ${q.model}`,
    );
  }
  const caveats = await valueCaveats(store, workspaceId, settings);
  const money = { currency: q.currency ?? caveats.currency, valueCurrency: caveats.currency };
  if (!overridden) {
    const rows = await store.creditReport(workspaceId, {
      model: q.model,
      milestone: settings.conversion,
      groupBy: q.groupBy,
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
      money,
    });
    const missingValueRates = await store.missingValueRates(workspaceId, {
      ...money,
      model: q.model,
      milestone: settings.conversion,
      fromAt: q.from ?? 0,
      toAt: q.to ?? Date.now() + 86_400_000,
    });
    return {
      model: q.model,
      milestone: settings.conversion,
      settings,
      stored: true,
      totals: totalsOf(rows),
      rows,
      ...caveats,
      currency: money.currency,
      missingValueRates,
    };
  }
  // credits computed for one request carry values in the workspace's currency, not converted again
  if (money.currency !== money.valueCurrency)
    throw new ReportError(
      'currency',
      `with per-query settings, values are in the workspace's currency (${money.valueCurrency}) only: save the settings to ask another`,
    );
  if (q.groupBy.some((d) => d !== 'channel')) {
    throw new ReportError(
      'groupBy',
      'with per-query settings, credits can be grouped by channel only (save the settings to group by any dimension)',
    );
  }
  const { converting, nonConverting } = await workspaceJourneys(
    store,
    workspaceId,
    settings.conversion,
  );
  const inRange = converting.filter(
    (c) =>
      (q.from === undefined || c.journey.convertedAt >= q.from) &&
      (q.to === undefined || c.journey.convertedAt < q.to),
  );
  const isRule = (RULE_MODEL_NAMES as readonly string[]).includes(q.model);
  const credit = isRule
    ? ruleCredits(inRange, settings, [q.model as RuleModelName])
    : dataDrivenCredits(converting, nonConverting, settings).rows.filter(
        (r) =>
          r.model === q.model &&
          (q.from === undefined || r.convertedAt >= q.from) &&
          (q.to === undefined || r.convertedAt < q.to),
      );
  const byChannel = new Map<string, CreditGroup & { persons: Set<string> }>();
  for (const r of credit) {
    const g = byChannel.get(r.channel) ?? {
      key: { channel: r.channel },
      conversions: 0,
      value: 0,
      touchedConversions: 0,
      persons: new Set<string>(),
    };
    g.conversions += r.conversions;
    g.value += r.value;
    g.persons.add(`${r.personId}|${r.convertedAt}`);
    byChannel.set(r.channel, g);
  }
  const rows = [...byChannel.values()]
    .map(({ persons, ...g }) => ({ ...g, touchedConversions: persons.size }))
    .sort(
      (a, b) =>
        b.conversions - a.conversions || String(a.key.channel).localeCompare(String(b.key.channel)),
    );
  if (q.groupBy.length === 0) {
    const t = totalsOf(rows);
    return {
      model: q.model,
      milestone: settings.conversion,
      settings,
      stored: false,
      totals: t,
      rows: [{ key: {}, ...t, touchedConversions: inRange.length }],
      ...caveats,
      missingValueRates: [],
    };
  }
  return {
    model: q.model,
    milestone: settings.conversion,
    settings,
    stored: false,
    totals: totalsOf(rows),
    rows,
    ...caveats,
    missingValueRates: [],
  };
}

/** Every stored model side by side, grouped the same way (the model comparison report). */
export async function compareModels(
  store: Store,
  workspaceId: string,
  groupBy: readonly CreditDimension[],
  range: { from?: number; to?: number } = {},
  money?: ValueConversion,
): Promise<{ milestone: string; models: Record<string, CreditGroup[]> }> {
  const settings = await attributionSettingsFor(store, workspaceId);
  // every model from one read of the credits, not one query per model
  const models = await store.creditReports(workspaceId, {
    models: storedModelsFor(settings),
    milestone: settings.conversion,
    groupBy,
    ...range,
    ...(money ? { money } : {}),
  });
  return { milestone: settings.conversion, models };
}

/**
 * A conversion milestone the workspace's funnel does not define is refused, naming the funnel's (it would
 * credit nothing and zero every report). One the funnel defines but no data reached yet is fine.
 */
async function checkConversion(store: Store, workspaceId: string, conversion: string) {
  const reason = unknownMilestone(await funnelFor(store, workspaceId), conversion);
  if (reason !== null) throw new AttributionSettingsError('conversion', reason);
}

/** Saves new settings (validated; nothing stored when invalid) and re-credits the workspace in full. */
export async function changeAttributionSettings(
  store: Store,
  workspaceId: string,
  input: unknown,
): Promise<{ settings: WorkspaceAttributionSettings; credits: CreditSummary }> {
  const settings = parseAttributionSettings(input);
  await checkConversion(store, workspaceId, settings.conversion);
  return withWorkspaceLock(store, workspaceId, async () => {
    const before = await attributionSettingsFor(store, workspaceId);
    await store.setSetting(workspaceId, ATTRIBUTION_SETTINGS, settings);
    // credits of the old conversion milestone would otherwise linger under it
    if (before.conversion !== settings.conversion) {
      await store.replaceCredits(
        workspaceId,
        { milestone: before.conversion, models: ALL_MODEL_NAMES },
        [],
      );
    }
    // a customer's value from subscription revenue is written on its milestone: derive it again
    if (before.customerValue !== settings.customerValue)
      await deriveStripeMilestones(store, workspaceId, {
        value: settings.customerValue,
        crm: await crmMappingFor(store, workspaceId),
      });
    const credits = await creditWorkspace(store, workspaceId, settings);
    return { settings, credits };
  });
}
