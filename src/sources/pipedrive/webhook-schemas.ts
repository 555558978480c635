// Pipedrive's webhook bodies, v2 (`{ meta, data, previous }`) and v1 (`{ v: 1, event, meta, current,
// previous }`), read into one event shape; `meta.timestamp` as epoch seconds or ISO 8601 text.

import { z } from 'zod';
import {
  ENTITY_SCHEMAS,
  PipedrivePayloadError,
  optionalText,
  parseEntity,
  parseWith,
  pdId,
  type PipedriveActivity,
  type PipedriveDeal,
  type PipedriveOrganization,
  type PipedrivePerson,
} from './schemas.js';

// ---------------------------------------------------------------------------------------------------
// Webhooks

export type PipedriveWebhookAction = 'create' | 'change' | 'delete';
/** The entities mapped to records; others (lead, note, product...) parse with their raw data. */
export const MAPPED_ENTITIES = ['deal', 'person', 'organization', 'activity'] as const;
export type PipedriveMappedEntity = (typeof MAPPED_ENTITIES)[number];

/** `meta.timestamp`: epoch seconds (number or digits; 13 digits are read as ms) or ISO 8601 text. */
const webhookTimestamp = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const digits =
    typeof v === 'number'
      ? Number.isFinite(v) && v >= 0
        ? v
        : null
      : /^\d+(\.\d+)?$/.test(v.trim())
        ? Number(v)
        : null;
  if (digits !== null) return Math.round(digits >= 1e12 ? digits : digits * 1000);
  const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(ms)) return ms;
  ctx.addIssue({ code: 'custom', message: 'expected epoch seconds or an ISO 8601 time' });
  return z.NEVER;
});
const metaId = z
  .union([z.number(), z.string()])
  .nullable()
  .optional()
  .transform((v) => (v === null || v === undefined || v === '' ? null : String(v)));

const V2Meta = z.looseObject({
  action: z.enum(['create', 'change', 'delete']),
  entity: z.string().min(1),
  entity_id: pdId,
  /** The event's id (a UUID), the same on each retry of it. */
  id: metaId,
  version: z.string().regex(/^2(\.\d+)?$/, 'expected version 2.0'),
  timestamp: webhookTimestamp,
  /** 1 on the first delivery, 2-4 on retries. */
  attempt: z.number().int().positive().optional(),
  company_id: metaId,
  user_id: metaId,
  webhook_id: metaId,
  change_source: optionalText,
  is_bulk_edit: z.boolean().optional(),
  host: optionalText,
  merged_to_id: metaId,
  merged_from_id: metaId,
  correlation_id: optionalText,
});

const V2Body = z.object({
  meta: V2Meta,
  data: z.record(z.string(), z.unknown()).nullable(),
  previous: z.record(z.string(), z.unknown()).nullable().optional(),
});

const V1_ACTIONS: Record<string, PipedriveWebhookAction> = {
  added: 'create',
  updated: 'change',
  deleted: 'delete',
  merged: 'change',
};
const V1Body = z.object({
  v: z.union([z.literal(1), z.literal('1')]).optional(),
  event: z.string().optional(),
  meta: z.looseObject({
    action: z.enum(['added', 'updated', 'deleted', 'merged']),
    object: z.string().min(1),
    id: metaId,
    timestamp: webhookTimestamp,
    company_id: metaId,
    user_id: metaId,
    webhook_id: metaId,
    change_source: optionalText,
    is_bulk_update: z.boolean().optional(),
    host: optionalText,
  }),
  current: z.record(z.string(), z.unknown()).nullable().optional(),
  previous: z.record(z.string(), z.unknown()).nullable().optional(),
  retry: z.number().int().nonnegative().optional(),
});

interface WebhookBase {
  /** 2 for webhooks v2, 1 for the legacy shape. */
  version: 1 | 2;
  action: PipedriveWebhookAction;
  /** v1 says `added`, `updated`, `deleted` or `merged`; v2 the same as `action`. */
  vendorAction: string;
  entityId: string;
  /** v2's event id (a UUID); null in v1. */
  eventId: string | null;
  companyId: string | null;
  userId: string | null;
  /** Epoch ms. */
  timestamp: number;
  /** 1 on the first delivery (v1's `retry` + 1). */
  attempt: number;
  changeSource: string | null;
  isBulkEdit: boolean;
  /** A delete that was part of a merge: the object that remains. */
  mergedToId: string | null;
  /** A change that was part of a merge: the object merged into this one. */
  mergedFromId: string | null;
}

type Typed<E extends string, T> = WebhookBase & {
  entity: E;
  /** The object now; null on delete. */
  data: T | null;
  /** Change: the changed fields' former values. Delete: the last state. Create: null. */
  previous: Partial<T> | null;
};

interface EntityTypes {
  deal: PipedriveDeal;
  person: PipedrivePerson;
  organization: PipedriveOrganization;
  activity: PipedriveActivity;
}
/** A webhook about one of the mapped entities, its data read by that entity's schema. */
export type PipedriveEntityEvent<E extends PipedriveMappedEntity> = Typed<E, EntityTypes[E]>;

/** A webhook, read into one shape whichever version sent it. */
export type PipedriveWebhookEvent =
  | PipedriveEntityEvent<'deal'>
  | PipedriveEntityEvent<'person'>
  | PipedriveEntityEvent<'organization'>
  | PipedriveEntityEvent<'activity'>
  | (WebhookBase & {
      entity: string & {};
      data: Record<string, unknown> | null;
      previous: Record<string, unknown> | null;
    });

/** Narrows an event to one entity (its `data` and `previous` then have that entity's fields). */
export function isEntityEvent<E extends PipedriveMappedEntity>(
  event: PipedriveWebhookEvent,
  entity: E,
): event is PipedriveEntityEvent<E> {
  return event.entity === entity;
}

/** `previous` holds only the changed fields: read each one as the entity would, the rest absent. */
function parsePrevious(
  entity: PipedriveMappedEntity,
  previous: Record<string, unknown>,
  where: string[],
): Record<string, unknown> {
  const schema = ENTITY_SCHEMAS[entity];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(previous)) {
    const field = (schema.shape as Record<string, z.ZodType | undefined>)[key];
    out[key] = field ? parseWith(field, value, [...where, key]) : value;
  }
  return out;
}

/**
 * Reads a webhook body of either version. A missing or mistyped field we read throws a
 * `PipedrivePayloadError` naming it (`meta.timestamp`, `data.status`...).
 */
export function parseWebhookBody(body: unknown): PipedriveWebhookEvent {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new PipedrivePayloadError('(root)', '(root): a Pipedrive webhook body is a JSON object');
  const raw = body as Record<string, unknown>;
  let base: WebhookBase;
  let entity: string;
  let data: Record<string, unknown> | null;
  let previous: Record<string, unknown> | null;
  const legacy =
    'current' in raw ||
    raw.v === 1 ||
    raw.v === '1' ||
    (typeof raw.meta === 'object' &&
      raw.meta !== null &&
      'object' in raw.meta &&
      !('entity' in raw.meta));
  if (legacy) {
    const b = parseWith(V1Body, raw);
    const action = V1_ACTIONS[b.meta.action]!;
    entity = b.meta.object;
    data = action === 'delete' ? null : (b.current ?? null);
    previous = b.previous ?? null;
    const current = b.current ?? previous;
    const entityId = b.meta.id ?? (current && current.id !== undefined ? String(current.id) : null);
    if (!entityId || !/^\d+$/.test(entityId))
      throw new PipedrivePayloadError('meta.id', 'meta.id: expected the object id');
    // v1 merges send the remaining object as `current` and the merged one as `previous`
    const mergedFrom =
      b.meta.action === 'merged' && previous?.id !== undefined && String(previous.id) !== entityId
        ? String(previous.id)
        : null;
    base = {
      version: 1,
      action,
      vendorAction: b.meta.action,
      entityId,
      eventId: null,
      companyId: b.meta.company_id,
      userId: b.meta.user_id,
      timestamp: b.meta.timestamp,
      attempt: (b.retry ?? 0) + 1,
      changeSource: b.meta.change_source ?? null,
      isBulkEdit: b.meta.is_bulk_update ?? false,
      mergedToId: null,
      mergedFromId: mergedFrom,
    };
    if (mergedFrom) previous = null;
  } else {
    const b = parseWith(V2Body, raw);
    entity = b.meta.entity;
    data = b.data;
    previous = b.previous ?? null;
    if (b.meta.action === 'delete' && data !== null)
      throw new PipedrivePayloadError(
        'data',
        'data: a delete carries no data (its last state is in previous)',
      );
    if (b.meta.action !== 'delete' && data === null)
      throw new PipedrivePayloadError('data', `data: a ${b.meta.action} carries the object`);
    base = {
      version: 2,
      action: b.meta.action,
      vendorAction: b.meta.action,
      entityId: b.meta.entity_id,
      eventId: b.meta.id,
      companyId: b.meta.company_id,
      userId: b.meta.user_id,
      timestamp: b.meta.timestamp,
      attempt: b.meta.attempt ?? 1,
      changeSource: b.meta.change_source ?? null,
      isBulkEdit: b.meta.is_bulk_edit ?? false,
      mergedToId: b.meta.merged_to_id,
      mergedFromId: b.meta.merged_from_id,
    };
  }
  const where = legacy ? 'current' : 'data';
  if ((MAPPED_ENTITIES as readonly string[]).includes(entity)) {
    const e = entity as PipedriveMappedEntity;
    const parsedData = data === null ? null : parseEntity(e, data, [where]);
    // a delete's `previous` is the whole last state; a change's only the changed fields
    const parsedPrevious =
      previous === null
        ? null
        : base.action === 'delete'
          ? (parseEntity(e, { id: base.entityId, ...previous }, ['previous']) as Record<
              string,
              unknown
            >)
          : parsePrevious(e, previous, ['previous']);
    return {
      ...base,
      entity: e,
      data: parsedData,
      previous: parsedPrevious,
    } as PipedriveWebhookEvent;
  }
  return { ...base, entity, data, previous } as PipedriveWebhookEvent;
}

/** The body as JSON text or bytes (what a route receives), parsed; bad JSON is a payload error. */
export function parseWebhookText(text: string | Uint8Array): PipedriveWebhookEvent {
  let json: unknown;
  try {
    json = JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
  } catch {
    throw new PipedrivePayloadError('(root)', '(root): the body is not JSON');
  }
  return parseWebhookBody(json);
}
