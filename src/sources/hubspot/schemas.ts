// HubSpot's payloads as zod schemas: the webhook body (a JSON array of up to 100 events, legacy
// `contact.*`/`company.*`/`deal.*` subscription types and the generic `object.*` ones that name their
// object by `objectTypeId`), and the CRM API's answers: v3 objects (every property value a string or
// null, `propertiesWithHistory` newest first), list pages (`paging.next.after`), v4 associations and
// v3 pipelines. Ids arrive as numbers in webhooks and as strings from the API; both are read as
// decimal strings, so nothing large loses precision. Unknown fields are dropped (the raw payload is
// what gets stored); a field we read that is missing or mistyped fails the parse with its path.

import { z } from 'zod';

/** A HubSpot id, number or digits, as a decimal string. */
const hubspotId = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'expected a numeric id')])
  .transform((v) => (typeof v === 'number' ? String(v) : v));
const epochMs = z.number().int().nonnegative();
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
// Webhooks

/** The CRM objects we read; others parse as their own name and are left to the caller. */
export type HubSpotObjectType = 'contact' | 'company' | 'deal' | 'ticket' | 'product' | 'line_item';

/** Object type ids of the generic `object.*` subscriptions (`0-1` contacts ...). */
export const OBJECT_TYPE_IDS: Record<string, HubSpotObjectType> = {
  '0-1': 'contact',
  '0-2': 'company',
  '0-3': 'deal',
  '0-5': 'ticket',
  '0-7': 'product',
  '0-8': 'line_item',
};
const LEGACY_OBJECTS = new Set<string>([
  'contact',
  'company',
  'deal',
  'ticket',
  'product',
  'line_item',
]);

export type WebhookAction =
  | 'creation'
  | 'deletion'
  | 'propertyChange'
  | 'merge'
  | 'restore'
  | 'associationChange'
  | 'privacyDeletion';
const ACTIONS = new Set<string>([
  'creation',
  'deletion',
  'propertyChange',
  'merge',
  'restore',
  'associationChange',
  'privacyDeletion',
]);

export const HubSpotWebhookEventRaw = z.object({
  eventId: hubspotId,
  subscriptionId: hubspotId.optional(),
  portalId: hubspotId,
  appId: hubspotId.optional(),
  /** When the change happened, epoch ms. */
  occurredAt: epochMs,
  subscriptionType: z.string().min(1),
  /** 0 on the first delivery; HubSpot retries a failed one with the same eventId. */
  attemptNumber: z.number().int().nonnegative(),
  objectId: hubspotId.optional(),
  /** Generic subscriptions (`object.*`): `0-1` contacts, `0-2` companies, `0-3` deals ... */
  objectTypeId: z.string().optional(),
  propertyName: z.string().min(1).optional(),
  /** The new value, as a string; empty when the property was cleared. */
  propertyValue: z.string().nullable().optional(),
  changeSource: z.string().optional(),
  sourceId: z.string().nullable().optional(),
  changeFlag: z.string().optional(),
  // merges
  primaryObjectId: hubspotId.optional(),
  mergedObjectIds: z.array(hubspotId).optional(),
  newObjectId: hubspotId.optional(),
  numberOfPropertiesMoved: z.number().int().optional(),
  // association changes
  associationType: z.string().optional(),
  associationTypeId: z.number().int().optional(),
  associationCategory: z.string().optional(),
  fromObjectTypeId: z.string().optional(),
  toObjectTypeId: z.string().optional(),
  fromObjectId: hubspotId.optional(),
  toObjectId: hubspotId.optional(),
  associationRemoved: z.boolean().optional(),
  isPrimaryAssociation: z.boolean().optional(),
});
export type HubSpotWebhookEventRaw = z.infer<typeof HubSpotWebhookEventRaw>;

interface EventBase {
  eventId: string;
  portalId: string;
  occurredAt: number;
  attemptNumber: number;
  subscriptionType: string;
  /** `contact`, `company`, `deal`... or, for an object type we do not name, its raw type. */
  objectType: string;
  changeSource: string | null;
  raw: HubSpotWebhookEventRaw;
}

/** A webhook event, read by what it says happened. */
export type HubSpotWebhookEvent =
  | (EventBase & {
      action: 'creation' | 'deletion' | 'restore' | 'privacyDeletion';
      objectId: string;
    })
  | (EventBase & {
      action: 'propertyChange';
      objectId: string;
      propertyName: string;
      /** Null when HubSpot sent none; empty when the property was cleared. */
      propertyValue: string | null;
    })
  | (EventBase & {
      action: 'merge';
      /** The record that remains. */
      objectId: string;
      primaryObjectId: string;
      mergedObjectIds: string[];
      newObjectId: string | null;
    })
  | (EventBase & {
      action: 'associationChange';
      /** E.g. `DEAL_TO_CONTACT` (legacy subscriptions), else null. */
      associationType: string | null;
      toObjectType: string | null;
      fromObjectId: string;
      toObjectId: string;
      removed: boolean;
      primary: boolean;
    })
  | (EventBase & {
      /** A subscription type we do not read (conversations, app installs...): kept, not mapped. */
      action: 'other';
    });

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

function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string[] = []): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [...where, ...issue.path.map(String)].join('.') || '(root)';
  throw new HubSpotPayloadError(path, `${path}: ${issue.message}`);
}

function required<T>(value: T | undefined | null, path: string): T {
  if (value === undefined || value === null)
    throw new HubSpotPayloadError(path, `${path}: required for this subscription type`);
  return value;
}

/** The object type an association's type id or name points at (`0-1`, `DEAL_TO_CONTACT`). */
function associationTarget(raw: HubSpotWebhookEventRaw): string | null {
  if (raw.toObjectTypeId) return OBJECT_TYPE_IDS[raw.toObjectTypeId] ?? raw.toObjectTypeId;
  const m = /_TO_([A-Z_]+)$/.exec(raw.associationType ?? '');
  return m ? m[1]!.toLowerCase() : null;
}

/** Reads one event (already JSON-parsed); `index` only names it in errors. */
export function parseWebhookEvent(value: unknown, index = 0): HubSpotWebhookEvent {
  const at = String(index);
  const raw = parseWith(HubSpotWebhookEventRaw, value, [at]);
  const dot = raw.subscriptionType.indexOf('.');
  const prefix = dot > 0 ? raw.subscriptionType.slice(0, dot) : raw.subscriptionType;
  const action = dot > 0 ? raw.subscriptionType.slice(dot + 1) : '';
  const objectType =
    prefix === 'object'
      ? raw.objectTypeId
        ? (OBJECT_TYPE_IDS[raw.objectTypeId] ?? raw.objectTypeId)
        : 'object'
      : prefix;
  const base: EventBase = {
    eventId: raw.eventId,
    portalId: raw.portalId,
    occurredAt: raw.occurredAt,
    attemptNumber: raw.attemptNumber,
    subscriptionType: raw.subscriptionType,
    objectType,
    changeSource: raw.changeSource ?? null,
    raw,
  };
  const known = (prefix === 'object' || LEGACY_OBJECTS.has(prefix)) && ACTIONS.has(action);
  if (!known) return { ...base, action: 'other' };
  const objectId = () => required(raw.objectId, `${at}.objectId`);
  switch (action as WebhookAction) {
    case 'propertyChange':
      return {
        ...base,
        action: 'propertyChange',
        objectId: objectId(),
        propertyName: required(raw.propertyName, `${at}.propertyName`),
        propertyValue: raw.propertyValue ?? null,
      };
    case 'merge':
      return {
        ...base,
        action: 'merge',
        objectId: raw.objectId ?? required(raw.primaryObjectId, `${at}.primaryObjectId`),
        primaryObjectId: required(raw.primaryObjectId, `${at}.primaryObjectId`),
        mergedObjectIds: required(raw.mergedObjectIds, `${at}.mergedObjectIds`),
        newObjectId: raw.newObjectId ?? null,
      };
    case 'associationChange':
      return {
        ...base,
        action: 'associationChange',
        associationType: raw.associationType ?? null,
        toObjectType: associationTarget(raw),
        fromObjectId: required(raw.fromObjectId, `${at}.fromObjectId`),
        toObjectId: required(raw.toObjectId, `${at}.toObjectId`),
        removed: required(raw.associationRemoved, `${at}.associationRemoved`),
        primary: raw.isPrimaryAssociation ?? false,
      };
    case 'creation':
    case 'deletion':
    case 'restore':
    case 'privacyDeletion':
      return { ...base, action: action as 'creation', objectId: objectId() };
  }
}

/** HubSpot sends at most this many events in one request. */
export const MAX_WEBHOOK_EVENTS = 100;

/**
 * Reads a webhook body (already JSON-parsed): an array of at most 100 events. Throws a
 * `HubSpotPayloadError` naming the first bad field, e.g. `3.propertyName`.
 */
export function parseWebhookBody(body: unknown): HubSpotWebhookEvent[] {
  if (!Array.isArray(body))
    throw new HubSpotPayloadError('(root)', '(root): a HubSpot webhook body is a JSON array');
  if (body.length > MAX_WEBHOOK_EVENTS) {
    throw new HubSpotPayloadError(
      '(root)',
      `(root): ${body.length} events, more than the ${MAX_WEBHOOK_EVENTS} HubSpot sends in one request`,
    );
  }
  return body.map((e, i) => parseWebhookEvent(e, i));
}

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
