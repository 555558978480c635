// HubSpot's payloads as zod schemas: the webhook body (a JSON array of up to 100 events, legacy
// `contact.*`/`company.*`/`deal.*` subscription types and the generic `object.*` ones that name their
// object by `objectTypeId`), and the CRM API's answers: v3 objects (every property value a string or
// null, `propertiesWithHistory` newest first), list pages (`paging.next.after`), v4 associations and
// v3 pipelines. Ids arrive as numbers in webhooks and as strings from the API; both are read as
// decimal strings, so nothing large loses precision. Unknown fields are dropped (the raw payload is
// what gets stored); a field we read that is missing or mistyped fails the parse with its path.

import { z } from 'zod';

/** A payload that does not have the shape we read: the path names the field. */
export class HubSpotPayloadError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'HubSpotPayloadError';
  }
}

export function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string[] = []): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [...where, ...issue.path.map(String)].join('.') || '(root)';
  throw new HubSpotPayloadError(path, `${path}: ${issue.message}`);
}

/** A HubSpot id, number or digits, as a decimal string. */
export const hubspotId = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'expected a numeric id')])
  .transform((v) => (typeof v === 'number' ? String(v) : v));
export const epochMs = z.number().int().nonnegative();
const isoTime = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected an ISO 8601 time' });
/** HubSpot's string booleans (`"true"`), or real ones. */
const looseBoolean = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .transform((v) => v === true || v === 'true');
const looseNumber = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)])
  .transform((v) => Number(v));

// ---------------------------------------------------------------------------------------------------
// CRM API (v3 objects, v4 associations, v3 pipelines)

/** One past value of a property (`propertiesWithHistory`, newest first). */
export const PropertyHistoryEntry = z.object({
  value: z.string().nullable(),
  timestamp: isoTime,
  /** Who changed it: CRM_UI, API, AUTOMATION (workflows), IMPORT, CALCULATED, INTEGRATION ... */
  sourceType: z.string(),
  sourceId: z.string().nullable().optional(),
  sourceLabel: z.string().nullable().optional(),
  updatedByUserId: z.number().int().nullable().optional(),
});
export type PropertyHistoryEntry = z.infer<typeof PropertyHistoryEntry>;

/** The v3 (`?associations=contacts`) form of an object's associations. */
const ObjectAssociations = z.object({
  results: z.array(z.object({ id: hubspotId, type: z.string() })),
  paging: z.looseObject({}).optional(),
});

export const HubSpotCrmObject = z.object({
  id: hubspotId,
  /** Every value is a string (numbers and dates too) or null. */
  properties: z.record(z.string(), z.string().nullable()),
  propertiesWithHistory: z.record(z.string(), z.array(PropertyHistoryEntry)).optional(),
  createdAt: isoTime,
  updatedAt: isoTime,
  archived: z.boolean().optional(),
  archivedAt: isoTime.nullable().optional(),
  associations: z.record(z.string(), ObjectAssociations).optional(),
});
export type HubSpotCrmObject = z.infer<typeof HubSpotCrmObject>;

const Paging = z
  .object({
    next: z.object({ after: z.string().min(1), link: z.string().optional() }).optional(),
  })
  .optional();

/** A page of `GET /crm/v3/objects/{type}`: the next page's cursor is `paging.next.after`. */
export const HubSpotObjectPage = z.object({
  results: z.array(HubSpotCrmObject),
  paging: Paging,
});
export type HubSpotObjectPage = z.infer<typeof HubSpotObjectPage>;

export const AssociationType = z.object({
  /** HUBSPOT_DEFINED, USER_DEFINED, INTEGRATOR_DEFINED */
  category: z.string(),
  /** E.g. 3: deal to contact, unlabeled (HubSpot-defined). */
  typeId: z.number().int(),
  label: z.string().nullable().optional(),
});
export type AssociationType = z.infer<typeof AssociationType>;

export const AssociatedObject = z.object({
  toObjectId: hubspotId,
  associationTypes: z.array(AssociationType),
});
export type AssociatedObject = z.infer<typeof AssociatedObject>;

/** A page of `GET /crm/v4/objects/{from}/{id}/associations/{to}`. */
export const HubSpotAssociationPage = z.object({
  results: z.array(AssociatedObject),
  paging: Paging,
});

/** The answer to `POST /crm/v4/associations/{from}/{to}/batch/read` (200, or 207 with errors). */
export const HubSpotAssociationBatch = z.object({
  status: z.string(),
  results: z.array(
    z.object({
      from: z.object({ id: hubspotId }),
      to: z.array(AssociatedObject),
      /** Present only when this object has more associations than one answer holds. */
      paging: Paging,
    }),
  ),
  numErrors: z.number().int().optional(),
  errors: z
    .array(
      z.looseObject({
        status: z.string().optional(),
        category: z.string().optional(),
        message: z.string().optional(),
        context: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
});
export type HubSpotAssociationBatch = z.infer<typeof HubSpotAssociationBatch>;

export const PipelineStage = z.object({
  id: z.string().min(1),
  label: z.string(),
  displayOrder: z.number().int(),
  archived: z.boolean().optional(),
  /** Deals: `isClosed` and `probability` (0 lost ... 1 won), as strings in v3. */
  metadata: z
    .object({ isClosed: looseBoolean.optional(), probability: looseNumber.optional() })
    .partial()
    .optional(),
});
export type PipelineStage = z.infer<typeof PipelineStage>;

export const Pipeline = z.object({
  id: z.string().min(1),
  label: z.string(),
  displayOrder: z.number().int(),
  archived: z.boolean().optional(),
  stages: z.array(PipelineStage),
});
export type Pipeline = z.infer<typeof Pipeline>;

/** `GET /crm/v3/pipelines/deals`. */
export const HubSpotPipelines = z.object({ results: z.array(Pipeline) });

/** Reads one CRM object (a re-fetch's answer, a backfill row); throws naming the bad field. */
export function parseCrmObject(value: unknown): HubSpotCrmObject {
  return parseWith(HubSpotCrmObject, value);
}
export function parseObjectPage(value: unknown): HubSpotObjectPage {
  return parseWith(HubSpotObjectPage, value);
}
export function parseAssociationPage(value: unknown): z.infer<typeof HubSpotAssociationPage> {
  return parseWith(HubSpotAssociationPage, value);
}
export function parseAssociationBatch(value: unknown): HubSpotAssociationBatch {
  return parseWith(HubSpotAssociationBatch, value);
}
export function parsePipelines(value: unknown): Pipeline[] {
  return parseWith(HubSpotPipelines, value).results;
}

/**
 * A page of `POST /crm/v3/objects/{type}/search`: `total` matches (of which at most 10,000 can be paged
 * through), the objects without history (search gives none), and `paging.next.after`.
 */
export const HubSpotSearchPage = z.object({
  total: z.number().int().nonnegative(),
  results: z.array(HubSpotCrmObject),
  paging: Paging,
});
export type HubSpotSearchPage = z.infer<typeof HubSpotSearchPage>;

/** The answer to `POST /crm/v3/objects/{type}/batch/read` (200, or 207 when some ids are gone). */
export const HubSpotBatchRead = z.object({
  status: z.string(),
  results: z.array(HubSpotCrmObject),
  numErrors: z.number().int().optional(),
  errors: z.array(z.looseObject({ category: z.string().optional() })).optional(),
});

export function parseSearchPage(value: unknown): HubSpotSearchPage {
  return parseWith(HubSpotSearchPage, value);
}
export function parseBatchRead(value: unknown): HubSpotCrmObject[] {
  return parseWith(HubSpotBatchRead, value).results;
}
