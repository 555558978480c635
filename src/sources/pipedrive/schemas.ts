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

export function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string[] = []): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [...where, ...issue.path.map(String)].join('.') || '(root)';
  throw new PipedrivePayloadError(path, `${path}: ${issue.message}`);
}

// ---------------------------------------------------------------------------------------------------
// Values

/** A Pipedrive id, number or digits, as a decimal string. */
export const pdId = z
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
export const optionalText = z.string().nullable().optional();

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

export const ENTITY_SCHEMAS = {
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
