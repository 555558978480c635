// The parameters reports share (issue 17, "Report engine"): a range of days in the workspace's time zone,
// a comparison period, the attribution model, group-by dimensions and filters on them. A report spreads
// the pieces it reads into its own schema (`...RANGE`, `...COMPARE`, `...MODEL`, `...GROUPING`) and
// resolves them with `resolveCommon`, which applies the workspace's defaults and refuses, naming the
// parameter, what the schema alone cannot judge. docs/reports.md, "Common parameters".
import { z } from 'zod';
import type { StoredModelName } from '../derive/attribution-credits.js';
import { ALL_MODEL_NAMES } from '../derive/attribution-report.js';
import { attributionSettingsFor } from '../derive/attribution-settings.js';
import { REPORT_DIMENSIONS, type ReportDimension } from '../store/areas/reports.js';
import type { Store } from '../store/store.js';
import { ReportParamError } from './report.js';
import { zoneOffsetMs } from '../util/zone-offset.js';

/** Dimensions a report can group by and filter on: a session's, or its person's first touch. */
export const DIMENSIONS = REPORT_DIMENSIONS;
export type Dimension = ReportDimension;
const isDimension = (d: string): d is Dimension => (DIMENSIONS as readonly string[]).includes(d);

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const Day = z
  .string()
  .regex(DAY_RE, 'must be a day, YYYY-MM-DD')
  .refine((d) => {
    // zod runs the refinement after a failed regex too: an unreadable day is simply not real
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
  }, 'must be a real day');

const commaList = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

export const RANGE = {
  from: Day.optional().describe(
    'first day, in the workspace time zone (default: 29 days before to)',
  ),
  to: Day.optional().describe('last day, inclusive (default: today in the workspace time zone)'),
};

export const COMPARE = {
  compare: z
    .string()
    .regex(
      /^(previous|none|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})$/,
      'must be previous, none or FROM..TO (days)',
    )
    .default('previous')
    .describe('the comparison period: previous (as many days just before), none, or FROM..TO'),
};

export const MODEL = {
  model: z
    .string()
    .optional()
    .describe(
      `attribution model (default: the workspace's reportModel setting, else linear): one of ${ALL_MODEL_NAMES.join(', ')}`,
    ),
};

/** Per-dimension filters (`channel=Paid Search,Email`) beside `filter=channel:Paid Search,campaign:x`. */
const perDimension = Object.fromEntries(
  DIMENSIONS.map((d) => [
    d,
    z.string().optional().describe(`keep only these ${d} values (comma list)`),
  ]),
) as Record<Dimension, z.ZodOptional<z.ZodString>>;

/** The filters alone, for a report that groups its own way (the pipeline reports' first touch). */
export const FILTERS = {
  filter: z
    .string()
    .optional()
    .describe('comma list of dimension:value (values of one dimension are alternatives)'),
  ...perDimension,
};

export const GROUPING = {
  groupBy: z
    .string()
    .default('channel')
    .describe(`comma list of: ${DIMENSIONS.join(', ')}`),
  ...FILTERS,
};

/** The currency a report's money is shown in (issue 17): any ISO 4217 code, in either case. */
export const CURRENCY = {
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 currency code (three letters)')
    .optional()
    .describe(
      "currency of the report's money, ISO 4217 (default: the workspace's); amounts convert at the rate in effect on their day",
    ),
};

export interface DayRange {
  /** Days, inclusive, YYYY-MM-DD, in the workspace's time zone. */
  from: string;
  to: string;
  /** The same range as instants: [fromAt, toAt), epoch ms. */
  fromAt: number;
  toAt: number;
}

export interface Common {
  timezone: string;
  range: DayRange;
  /** The comparison period; null for `compare=none` (or when the report reads none). */
  compare: DayRange | null;
  model: StoredModelName;
  groupBy: Dimension[];
  /** Values kept per dimension (a dimension not named keeps every value). */
  filters: Partial<Record<Dimension, string[]>>;
}

const DAY_MS = 86_400_000;
export const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
export const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

/** The instant a day starts in a zone (twice corrected: the offset may change on that day). */
export function dayStart(day: string, zone: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`);
  const first = wall - zoneOffsetMs(zone, wall);
  return wall - zoneOffsetMs(zone, first);
}

/** Today in a zone, YYYY-MM-DD. */
export function today(zone: string): string {
  return new Date(Date.now() + zoneOffsetMs(zone, Date.now())).toISOString().slice(0, 10);
}

export function dayRange(from: string, to: string, zone: string): DayRange {
  return { from, to, fromAt: dayStart(from, zone), toAt: dayStart(addDays(to, 1), zone) };
}

type Query = Partial<Record<string, string | undefined>>;

/** The dimension list and filters of the query string, or a ReportParamError naming the parameter. */
function grouping(p: Query): {
  groupBy: Dimension[];
  filters: Partial<Record<Dimension, string[]>>;
} {
  return { groupBy: resolveGroupBy(p), filters: resolveFilters(p) };
}

/** The group-by dimensions of the query string (default channel), or a ReportParamError naming groupBy. */
export function resolveGroupBy(p: Query): Dimension[] {
  const groupBy: Dimension[] = [];
  for (const d of commaList(p.groupBy ?? 'channel')) {
    if (!isDimension(d))
      throw new ReportParamError(
        'groupBy',
        `unknown dimension "${d}" (one of ${DIMENSIONS.join(', ')})`,
      );
    if (!groupBy.includes(d)) groupBy.push(d);
  }
  return groupBy;
}

/** The filters of the query string (`filter=` and per dimension), or a ReportParamError naming `filter`. */
export function resolveFilters(p: Query): Partial<Record<Dimension, string[]>> {
  const filters: Partial<Record<Dimension, string[]>> = {};
  const keep = (d: Dimension, v: string) => (filters[d] ??= []).push(v);
  for (const item of commaList(p.filter ?? '')) {
    const at = item.indexOf(':');
    const d = at < 0 ? '' : item.slice(0, at).trim();
    if (!isDimension(d))
      throw new ReportParamError(
        'filter',
        `"${item}" is not dimension:value with a dimension of ${DIMENSIONS.join(', ')}`,
      );
    keep(d, item.slice(at + 1).trim());
  }
  for (const d of DIMENSIONS) for (const v of commaList(p[d] ?? '')) keep(d, v);
  return filters;
}

/** The workspace's time zone and currency (a report's days and money are the workspace's). */
export async function workspaceSettings(
  store: Store,
  workspaceId: string,
): Promise<{ timezone: string; currency: string }> {
  const ws = await store.getWorkspace(workspaceId);
  if (!ws) throw new ReportParamError('workspace', 'no such workspace');
  return { timezone: ws.timezone || 'UTC', currency: ws.currency };
}

/**
 * The currency asked for (`currency=`, upper-cased; default the workspace's) beside the workspace's, in
 * which derived values (milestones, credits) are stored and from which they convert at read time.
 */
export async function reportCurrency(
  store: Store,
  workspaceId: string,
  p: { currency?: string | undefined },
): Promise<{ currency: string; workspaceCurrency: string }> {
  const { currency: workspaceCurrency } = await workspaceSettings(store, workspaceId);
  if (p.currency !== undefined && !/^[A-Za-z]{3}$/.test(p.currency))
    throw new ReportParamError('currency', 'must be an ISO 4217 currency code (three letters)');
  return { currency: (p.currency ?? workspaceCurrency).toUpperCase(), workspaceCurrency };
}

/** The range and comparison period of the query string in a zone, or a ReportParamError naming one. */
export function resolveRange(
  p: Query,
  timezone: string,
): { range: DayRange; compare: DayRange | null } {
  const to = p.to ?? today(timezone);
  const from = p.from ?? addDays(to, -29);
  if (from > to) throw new ReportParamError('to', 'must not be before from');
  const range = dayRange(from, to, timezone);

  let compare: DayRange | null = null;
  const c = p.compare ?? 'none';
  if (c === 'previous') {
    const days = daysBetween(from, to);
    compare = dayRange(addDays(from, -days), addDays(from, -1), timezone);
  } else if (c !== 'none') {
    const [cf, ct] = c.split('..') as [string, string];
    if (!Day.safeParse(cf).success || !Day.safeParse(ct).success)
      throw new ReportParamError('compare', 'FROM..TO must be two real days');
    if (cf > ct) throw new ReportParamError('compare', 'its TO must not be before its FROM');
    compare = dayRange(cf, ct, timezone);
  }
  return { range, compare };
}

/** The parameters a report names, resolved under the workspace's time zone and settings. */
export async function resolveCommon(store: Store, workspaceId: string, p: Query): Promise<Common> {
  const { timezone } = await workspaceSettings(store, workspaceId);
  const { range, compare } = resolveRange(p, timezone);

  const settings = await attributionSettingsFor(store, workspaceId);
  const model = p.model ?? settings.reportModel ?? 'linear';
  if (!(ALL_MODEL_NAMES as readonly string[]).includes(model))
    throw new ReportParamError(
      'model',
      `unknown model "${model}" (one of ${ALL_MODEL_NAMES.join(', ')})`,
    );

  return { timezone, range, compare, model: model as StoredModelName, ...grouping(p) };
}
