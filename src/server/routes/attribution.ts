import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AttributionSettingsError, attributionSettingsFor, DEFAULT_ATTRIBUTION_SETTINGS } from '../../model/attribution-settings.js';
import { ALL_MODEL_NAMES, attributionReport, changeAttributionSettings, compareModels, ReportError } from '../../model/attribution-report.js';
import type { Store } from '../../store/store.js';
import { CREDIT_DIMENSIONS, type CreditDimension } from '../../store/types.js';
import { access, workspaceOf } from '../access.js';
import { ApiError } from '../errors.js';

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

/** Attribution: reports by any touch dimension, model comparison, and the workspace's settings. */
export function attributionRoutes(fastify: FastifyInstance, store: Store): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const secret = access.secret();
  app.get('/api/attribution/report', { config: secret, schema: { summary: 'Credited conversions by any touch dimension under one model', querystring: ReportQuery } }, async (req) => {
    const ws = workspaceOf(req);
    const { model, groupBy, from, to, ...overrides } = req.query;
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

  app.get('/api/attribution/compare', { config: secret, schema: { summary: 'One dimension under every model', querystring: CompareQuery } }, async (req) => {
    const ws = workspaceOf(req);
    const { groupBy, from, to } = req.query;
    return compareModels(store, ws.id, groupBy, { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
  });

  app.get('/api/attribution/fits', { config: secret, schema: { summary: 'The data-driven models fitted on the stored journeys' } }, async (req) => {
    const ws = workspaceOf(req);
    const settings = await attributionSettingsFor(store, ws.id);
    return { milestone: settings.conversion, fits: await store.attributionFits(ws.id, settings.conversion) };
  });

  app.get('/api/attribution/settings', { config: secret, schema: { summary: "The workspace's attribution settings and the defaults" } }, async (req) => {
    const ws = workspaceOf(req);
    return { settings: await attributionSettingsFor(store, ws.id), defaults: DEFAULT_ATTRIBUTION_SETTINGS };
  });

  // the body is checked by the settings' own rules (their errors name the field)
  app.put('/api/attribution/settings', { config: secret, schema: { summary: 'Change the attribution settings (re-derives credits)', body: z.unknown() } }, async (req) => {
    const ws = workspaceOf(req);
    try {
      return await changeAttributionSettings(store, ws.id, req.body ?? {});
    } catch (err) {
      if (err instanceof AttributionSettingsError) throw new ApiError(400, 'invalid_settings', err.reason, err.field);
      throw err;
    }
  });
}
