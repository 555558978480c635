// Pipedrive's payloads as zod schemas: webhook bodies in both versions and the API's answers.
//
// Webhooks v2 send `{ meta, data, previous }`:
// - `meta.action` is create, change or delete, and `meta.entity` is deal, person and so on;
// - `data` is the object now (null on delete), and `previous` holds the changed fields' former values
//   (null on create, the last state on delete).
// v1 sends `{ v: 1, event, meta: { action: added|updated|deleted|merged, object }, current, previous }`.
// That shape is still read, so a receiver tolerates an account not yet moved to v2.
// `meta.timestamp` comes as epoch seconds (a number or digits) or as ISO 8601 text; both are read.
//
// API answers come in two shapes:
// - v2 objects: RFC 3339 times, `emails`/`phones` arrays, `custom_fields`;
// - v1 objects: "YYYY-MM-DD HH:MM:SS" UTC times, `email`/`phone` arrays, linked ids that may be
//   objects with a `value`, custom fields as top-level 40-character hash keys.
// Ids arrive as numbers or strings and are read as decimal strings. Unknown fields are kept on the
// objects (`looseObject`), since custom fields are needed later. A field we read that is missing or
// mistyped fails with its path.

import { z } from 'zod';

export class PipedrivePayloadError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'PipedrivePayloadError';
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string[] = []): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [...where, ...issue.path.map(String)].join('.') || '(root)';
  throw new PipedrivePayloadError(path, `${path}: ${issue.message}`);
}

// ---------------------------------------------------------------------------------------------------
// Values

/** A Pipedrive id, number or digits, as a decimal string. */
const pdId = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'expected a numeric id')])
  .transform((v) => (typeof v === 'number' ? String(v) : v));

/** A linked object's id: a number, digits, or (v1 API) an object whose `value` is the id. */
const linkedId = z
  .union([pdId, z.looseObject({ value: pdId.nullable().optional() })])
  .nullable()
  .optional()
  .transform((v) =>
    v === null || v === undefined ? null : typeof v === 'string' ? v : (v.value ?? null),
  );

/** 0 means "none" for a few v1 ids (`previous.stage_id: 0`). */
const optionalText = z.string().nullable().optional();

/**
 * Pipedrive's times in milliseconds: RFC 3339 (v2), "YYYY-MM-DD HH:MM:SS" in UTC (v1), or a date
 * alone (midnight UTC). Null when absent or unreadable.
 */
export function pipedriveTime(value: string | null | undefined): number | null {
  const t = value?.trim();
  if (!t) return null;
  const naive = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$/.exec(t);
  const ms = naive
    ? Date.parse(`${naive[1]}T${naive[2] ?? '00:00:00'}Z`)
    : /[zZ]|[+-]\d{2}:?\d{2}$/.test(t)
      ? Date.parse(t)
      : Number.NaN;
  return Number.isNaN(ms) ? null : ms;
}

const pdTime = z
  .string()
  .nullable()
  .optional()
  .refine((v) => v === null || v === undefined || v.trim() === '' || pipedriveTime(v) !== null, {
    message: 'expected a time (RFC 3339 or YYYY-MM-DD HH:MM:SS)',
  });

/** A number, or a numeric string (custom monetary fields come as text). */
const looseNumber = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a number')])
  .transform((v) => (typeof v === 'number' ? v : Number(v)));

const looseBoolean = z
  .union([z.boolean(), z.literal(0), z.literal(1), z.enum(['0', '1', 'true', 'false'])])
  .transform((v) => v === true || v === 1 || v === '1' || v === 'true');

/** An e-mail or phone entry: `{ value, primary, label }` (both versions); a bare string is read too. */
const contactPoint = z
  .union([
    z.string().transform((value) => ({ value, primary: false, label: null as string | null })),
    z.looseObject({
      value: z.string().nullable().optional(),
      primary: looseBoolean.optional(),
      label: z.string().nullable().optional(),
    }),
  ])
  .transform((p) => ({
    value: p.value ?? '',
    primary: p.primary ?? false,
    label: p.label ?? null,
  }));
const contactPoints = z
  .union([
    z.array(contactPoint),
    z.string().transform((s) => [{ value: s, primary: true, label: null }]),
  ])
  .nullable()
  .optional()
  .transform((v) => v ?? []);

const customFields = z.record(z.string(), z.unknown()).nullable().optional();

// ---------------------------------------------------------------------------------------------------
// Objects (API answers and webhook `data`/`previous`)

export const DEAL_STATUSES = ['open', 'won', 'lost', 'deleted'] as const;
export type PipedriveDealStatus = (typeof DEAL_STATUSES)[number];

export const PipedriveDeal = z.looseObject({
  id: pdId,
  title: optionalText,
  /** Major units of `currency` (12000.5 is 12,000.50). */
  value: looseNumber.nullable().optional(),
  currency: optionalText,
  status: z.enum(DEAL_STATUSES).nullable().optional(),
  stage_id: linkedId,
  pipeline_id: linkedId,
  person_id: linkedId,
  org_id: linkedId,
  /** v2 */
  owner_id: linkedId,
  /** v1 */
  user_id: linkedId,
  add_time: pdTime,
  update_time: pdTime,
  stage_change_time: pdTime,
  won_time: pdTime,
  lost_time: pdTime,
  close_time: pdTime,
  lost_reason: optionalText,
  probability: looseNumber.nullable().optional(),
  /** v2 */
  is_deleted: looseBoolean.optional(),
  /** v1 */
  active: looseBoolean.optional(),
  deleted: looseBoolean.optional(),
  custom_fields: customFields,
});
export type PipedriveDeal = z.infer<typeof PipedriveDeal>;

export const PipedrivePerson = z.looseObject({
  id: pdId,
  name: optionalText,
  first_name: optionalText,
  last_name: optionalText,
  /** v2 */
  emails: contactPoints,
  phones: contactPoints,
  /** v1 */
  email: contactPoints,
  phone: contactPoints,
  org_id: linkedId,
  owner_id: linkedId,
  add_time: pdTime,
  update_time: pdTime,
  is_deleted: looseBoolean.optional(),
  active_flag: looseBoolean.optional(),
  label_ids: z.array(pdId).nullable().optional(),
  custom_fields: customFields,
});
export type PipedrivePerson = z.infer<typeof PipedrivePerson>;

export const PipedriveOrganization = z.looseObject({
  id: pdId,
  name: optionalText,
  owner_id: linkedId,
  add_time: pdTime,
  update_time: pdTime,
  is_deleted: looseBoolean.optional(),
  active_flag: looseBoolean.optional(),
  custom_fields: customFields,
});
export type PipedriveOrganization = z.infer<typeof PipedriveOrganization>;

const participant = z.looseObject({
  person_id: linkedId,
  primary: looseBoolean.optional(),
  primary_flag: looseBoolean.optional(),
});

export const PipedriveActivity = z.looseObject({
  id: pdId,
  /** The activity type's key: `call`, `meeting`, `task`, `deadline`, `email`, `lunch` or a custom one. */
  type: optionalText,
  subject: optionalText,
  done: looseBoolean.optional(),
  deal_id: linkedId,
  person_id: linkedId,
  org_id: linkedId,
  lead_id: optionalText,
  /** YYYY-MM-DD */
  due_date: optionalText,
  /** HH:MM, UTC */
  due_time: optionalText,
  add_time: pdTime,
  update_time: pdTime,
  marked_as_done_time: pdTime,
  participants: z.array(participant).nullable().optional(),
  is_deleted: looseBoolean.optional(),
});
export type PipedriveActivity = z.infer<typeof PipedriveActivity>;

export const PipedriveStage = z.looseObject({
  id: pdId,
  name: z.string(),
  order_nr: z.number().int().optional(),
  pipeline_id: pdId,
  /** 0-100 */
  deal_probability: looseNumber.nullable().optional(),
  is_deleted: looseBoolean.optional(),
  active_flag: looseBoolean.optional(),
});
export type PipedriveStage = z.infer<typeof PipedriveStage>;

export const PipedrivePipeline = z.looseObject({
  id: pdId,
  name: z.string(),
  order_nr: z.number().int().optional(),
  is_deleted: looseBoolean.optional(),
  active: looseBoolean.optional(),
});
export type PipedrivePipeline = z.infer<typeof PipedrivePipeline>;

/** One field change from `GET /v1/deals/{id}/changelog` (`stage_id`, `status`...). Values as text. */
export const PipedriveChangelogEntry = z.looseObject({
  field_key: z.string(),
  old_value: z
    .union([z.string(), z.number()])
    .nullable()
    .optional()
    .transform((v) => (v == null ? null : String(v))),
  new_value: z
    .union([z.string(), z.number()])
    .nullable()
    .optional()
    .transform((v) => (v == null ? null : String(v))),
  time: pdTime,
  change_source: optionalText,
  actor_user_id: linkedId,
});
export type PipedriveChangelogEntry = z.infer<typeof PipedriveChangelogEntry>;

// ---------------------------------------------------------------------------------------------------
// List pages

/** v2 and cursor-paged v1 lists: `additional_data.next_cursor` (null at the end). */
export const CursorPage = z.object({
  success: z.boolean().optional(),
  data: z.array(z.unknown()).nullable(),
  additional_data: z
    .looseObject({ next_cursor: z.string().nullable().optional() })
    .nullable()
    .optional(),
});

/** Offset-paged v1 lists: `additional_data.pagination.start/limit/more_items_in_collection/next_start`. */
export const OffsetPage = z.object({
  success: z.boolean().optional(),
  data: z.array(z.unknown()).nullable(),
  additional_data: z
    .looseObject({
      pagination: z
        .looseObject({
          start: z.number().int().nonnegative().optional(),
          limit: z.number().int().positive().optional(),
          more_items_in_collection: z.boolean(),
          next_start: z.number().int().nonnegative().optional(),
        })
        .optional(),
    })
    .nullable()
    .optional(),
});

export const PipedriveErrorBody = z.looseObject({
  success: z.literal(false).optional(),
  error: z.string().optional(),
  error_info: z.string().optional(),
  code: z.string().optional(),
  errorCode: z.union([z.string(), z.number()]).optional(),
});

export type PipedriveEntity =
  'deal' | 'person' | 'organization' | 'activity' | 'stage' | 'pipeline';

const ENTITY_SCHEMAS = {
  deal: PipedriveDeal,
  person: PipedrivePerson,
  organization: PipedriveOrganization,
  activity: PipedriveActivity,
  stage: PipedriveStage,
  pipeline: PipedrivePipeline,
} as const;

export function parseEntity(entity: 'deal', value: unknown, where?: string[]): PipedriveDeal;
export function parseEntity(entity: 'person', value: unknown, where?: string[]): PipedrivePerson;
export function parseEntity(
  entity: 'organization',
  value: unknown,
  where?: string[],
): PipedriveOrganization;
export function parseEntity(
  entity: 'activity',
  value: unknown,
  where?: string[],
): PipedriveActivity;
export function parseEntity(entity: 'stage', value: unknown, where?: string[]): PipedriveStage;
export function parseEntity(
  entity: 'pipeline',
  value: unknown,
  where?: string[],
): PipedrivePipeline;
export function parseEntity(entity: PipedriveEntity, value: unknown, where?: string[]): unknown;
export function parseEntity(
  entity: PipedriveEntity,
  value: unknown,
  where: string[] = [],
): unknown {
  return parseWith(ENTITY_SCHEMAS[entity] as z.ZodType<unknown>, value, where);
}

export function parseChangelogEntry(value: unknown, where: string[] = []): PipedriveChangelogEntry {
  return parseWith(PipedriveChangelogEntry, value, where);
}
export function parseCursorPage(value: unknown): z.infer<typeof CursorPage> {
  return parseWith(CursorPage, value);
}
export function parseOffsetPage(value: unknown): z.infer<typeof OffsetPage> {
  return parseWith(OffsetPage, value);
}

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
