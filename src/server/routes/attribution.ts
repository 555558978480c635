import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { firstIssue } from '../../collect/envelope.js';
import { AttributionSettingsError, attributionSettingsFor, DEFAULT_ATTRIBUTION_SETTINGS } from '../../model/attribution-settings.js';
import { ALL_MODEL_NAMES, attributionReport, changeAttributionSettings, compareModels, ReportError } from '../../model/attribution-report.js';
import type { Store } from '../../store/store.js';
import { CREDIT_DIMENSIONS, type CreditDimension } from '../../store/types.js';
import { ApiError } from '../errors.js';
import { requireSecret } from './events.js';

const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');
const Dimensions = z
  .string()
  .default('channel')
  .transform((s, ctx) => {
    const dims = list(s);
    for (const d of dims) {
      if (!(CREDIT_DIMENSIONS as readonly string[]).includes(d)) {
        ctx.addIssue({ code: 'custom', message: `unknown dimension "${d}" (one of ${CREDIT_DIMENSIONS.join(', ')})` });
        return z.NEVER;
      }
    }
    return dims as CreditDimension[];
  });
const Instant = z
  .string()
  .transform((s, ctx) => {
    const t = Date.parse(s);
    if (Number.isNaN(t)) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date or time' });
      return z.NEVER;
    }
    return t;
  })
  .optional();
const Int = z.coerce.number().int();

const Range = z.object({ from: Instant, to: Instant });

const ReportQuery = Range.extend({
  model: z.enum(ALL_MODEL_NAMES as [string, ...string[]]).default('linear'),
  groupBy: Dimensions,
  // per-query settings: computed on the fly, not stored
  conversion: z.string().optional(),
  lookbackDays: Int.optional(),
  excludeChannels: z.string().transform(list).optional(),
  transforms: z.string().transform(list).optional(),
  stepLimit: Int.optional(),
  halfLifeDays: z.coerce.number().optional(),
  markovOrder: Int.optional(),
}).strict();

const CompareQuery = Range.extend({ groupBy: Dimensions }).strict();

function badQuery(error: z.ZodError): ApiError {
  const { field, reason } = firstIssue(error);
  return new ApiError(400, 'invalid_query', reason, field);
}

/** Attribution: reports by any touch dimension, model comparison, and the workspace's settings. */
export function attributionRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/attribution/report', async (req) => {
    const ws = await requireSecret(store, req);
    const q = ReportQuery.safeParse(req.query);
    if (!q.success) throw badQuery(q.error);
    const { model, groupBy, from, to, ...overrides } = q.data;
    const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
    try {
      return await attributionReport(store, ws.id, {
        model: model as (typeof ALL_MODEL_NAMES)[number],
        groupBy,
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        overrides: defined,
      });
    } catch (err) {
      if (err instanceof ReportError || err instanceof AttributionSettingsError) throw new ApiError(400, 'invalid_query', err.reason, err.field);
      throw err;
    }
  });

  app.get('/api/attribution/compare', async (req) => {
    const ws = await requireSecret(store, req);
    const q = CompareQuery.safeParse(req.query);
    if (!q.success) throw badQuery(q.error);
    const { groupBy, from, to } = q.data;
    return compareModels(store, ws.id, groupBy, { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
  });

  app.get('/api/attribution/fits', async (req) => {
    const ws = await requireSecret(store, req);
    const settings = await attributionSettingsFor(store, ws.id);
    return { milestone: settings.conversion, fits: await store.attributionFits(ws.id, settings.conversion) };
  });

  app.get('/api/attribution/settings', async (req) => {
    const ws = await requireSecret(store, req);
    return { settings: await attributionSettingsFor(store, ws.id), defaults: DEFAULT_ATTRIBUTION_SETTINGS };
  });

  app.put('/api/attribution/settings', async (req) => {
    const ws = await requireSecret(store, req);
    try {
      return await changeAttributionSettings(store, ws.id, req.body ?? {});
    } catch (err) {
      if (err instanceof AttributionSettingsError) throw new ApiError(400, 'invalid_settings', err.reason, err.field);
      throw err;
    }
  });
}
