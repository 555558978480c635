// Salesforce's payloads as zod schemas: the REST API's SOQL answers (a page of records with
// `nextRecordsUrl`), the records a backfill reads (Lead, Contact, Opportunity, OpportunityHistory,
// OpportunityContactRole, and the org's OpportunityStage and LeadStatus settings), its error bodies and
// OAuth token answers, and Change Data Capture events as JSON (a CometD message, its `data`, or the bare
// payload). Field values are read in every form Salesforce sends them: JSON types from the REST API,
// strings from an Outbound Message (SOAP), epoch ms for datetimes from a Pub/Sub API event decoded to
// JSON. Unknown fields are kept on records (custom fields such as an anonymous id) and dropped elsewhere;
// a field we read that is mistyped fails the parse with its path.

import { z } from 'zod';

/** A record id: 15 characters (case-sensitive) or 18 (case-safe), letters and digits. */
export const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const sfId = z
  .string()
  .regex(SALESFORCE_ID, 'expected a Salesforce id (15 or 18 letters and digits)');
const text = z.string().nullable().optional();
const idOrNull = z
  .union([sfId, z.literal('')])
  .nullable()
  .optional()
  .transform((v) => (v ? v : null));
/** true/false, or the strings an Outbound Message sends. */
const sfBool = z
  .union([z.boolean(), z.enum(['true', 'false'])], { error: 'expected true or false' })
  .transform((v) => v === true || v === 'true');
/** A decimal as exact text ("12000.5"): JSON numbers, or the text of an Outbound Message. */
const sfDecimal = z
  .union(
    [
      z.number().refine(Number.isFinite, 'expected a finite number'),
      z.string().regex(/^\s*-?\d*(\.\d*)?\s*$/, 'expected a decimal number'),
    ],
    { error: 'expected a decimal number' },
  )
  .nullable()
  .optional()
  .transform((v) => {
    if (v === null || v === undefined) return null;
    const t = String(v).trim();
    return t === '' ? null : t;
  });
/**
 * A datetime as epoch ms: ISO text as the REST API writes it (`2026-01-05T10:30:00.000+0000`), or epoch
 * ms (a Pub/Sub event decoded to JSON).
 */
export const sfDateTime = z
  .union(
    [
      z.number().int(),
      z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 datetime'),
    ],
    { error: 'expected an ISO 8601 datetime or epoch ms' },
  )
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)));
/** A date (`2026-02-14`), kept as text: Salesforce dates have no time zone. */
const sfDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .nullable()
  .optional()
  .transform((v) => v ?? null);

const recordBase = {
  Id: sfId,
  /** `{ type, url }` on every REST record; absent from Outbound Messages and CDC state. */
  attributes: z.object({ type: z.string(), url: z.string().optional() }).optional(),
  /** Only from queryAll (deleted records stay 15 days in the recycle bin). */
  IsDeleted: sfBool.optional(),
  CreatedDate: sfDateTime.optional(),
  LastModifiedDate: sfDateTime.optional(),
  SystemModstamp: sfDateTime.optional(),
};

export const SalesforceLead = z.looseObject({
  ...recordBase,
  Email: text,
  Phone: text,
  MobilePhone: text,
  FirstName: text,
  LastName: text,
  Company: text,
  /** The lead status picklist: stock values Open - Not Contacted ... Closed - Not Converted. */
  Status: text,
  LeadSource: text,
  IsConverted: sfBool.optional(),
  ConvertedDate: sfDate,
  ConvertedContactId: idOrNull,
  ConvertedAccountId: idOrNull,
  ConvertedOpportunityId: idOrNull,
});
export type SalesforceLead = z.infer<typeof SalesforceLead>;

export const SalesforceContact = z.looseObject({
  ...recordBase,
  AccountId: idOrNull,
  Email: text,
  Phone: text,
  MobilePhone: text,
  FirstName: text,
  LastName: text,
  LeadSource: text,
});
export type SalesforceContact = z.infer<typeof SalesforceContact>;

export const SalesforceOpportunity = z.looseObject({
  ...recordBase,
  Name: text,
  AccountId: idOrNull,
  /** The stage picklist's API value. */
  StageName: text,
  Amount: sfDecimal,
  /** Multi-currency orgs only (the field does not exist elsewhere). */
  CurrencyIsoCode: text,
  CloseDate: sfDate,
  /** Salesforce's own verdict on the current stage (from the stage's settings). */
  IsClosed: sfBool.optional(),
  IsWon: sfBool.optional(),
  Probability: sfDecimal,
  ForecastCategoryName: text,
  Type: text,
  LeadSource: text,
  CampaignId: idOrNull,
  /** The primary contact (API 46.0+, from the contact roles): what a change event links a person by. */
  ContactId: idOrNull,
});
export type SalesforceOpportunity = z.infer<typeof SalesforceOpportunity>;

/** One row per change to an opportunity's stage, amount, probability or close date (read-only). */
export const SalesforceOpportunityHistory = z.looseObject({
  ...recordBase,
  OpportunityId: sfId,
  StageName: text,
  Amount: sfDecimal,
  CloseDate: sfDate,
  Probability: sfDecimal,
  ForecastCategory: text,
  /** When the change was made: what dates the stage. */
  CreatedDate: sfDateTime,
});
export type SalesforceOpportunityHistory = z.infer<typeof SalesforceOpportunityHistory>;

export const SalesforceOpportunityContactRole = z.looseObject({
  ...recordBase,
  OpportunityId: sfId,
  ContactId: sfId,
  Role: text,
  IsPrimary: sfBool.optional(),
});
export type SalesforceOpportunityContactRole = z.infer<typeof SalesforceOpportunityContactRole>;

/**
 * One row per change of a tracked lead field (field history tracking on Status), and one for the
 * conversion (`Field: 'leadConverted'`): what dates a lead's statuses and its conversion to the second.
 * Read-only, without SystemModstamp.
 */
export const SalesforceLeadHistory = z.looseObject({
  ...recordBase,
  LeadId: sfId,
  /** The field's API name (`Status`), or an event: `created`, `leadConverted`, `leadMerged`... */
  Field: z.string().min(1),
  OldValue: z.unknown().optional(),
  NewValue: z.unknown().optional(),
  CreatedDate: sfDateTime,
});
export type SalesforceLeadHistory = z.infer<typeof SalesforceLeadHistory>;

/** The org's opportunity stages and what each means (`SELECT ... FROM OpportunityStage`). */
export const SalesforceOpportunityStage = z.looseObject({
  ...recordBase,
  ApiName: z.string().min(1),
  MasterLabel: text,
  IsActive: sfBool.optional(),
  IsClosed: sfBool,
  IsWon: sfBool,
  DefaultProbability: sfDecimal,
  SortOrder: z.number().int().nullable().optional(),
});
export type SalesforceOpportunityStage = z.infer<typeof SalesforceOpportunityStage>;

/** The org's lead statuses (`SELECT ... FROM LeadStatus`): which one a conversion sets. */
export const SalesforceLeadStatus = z.looseObject({
  ...recordBase,
  ApiName: z.string().min(1),
  MasterLabel: text,
  IsConverted: sfBool,
  IsDefault: sfBool.optional(),
  SortOrder: z.number().int().nullable().optional(),
});
export type SalesforceLeadStatus = z.infer<typeof SalesforceLeadStatus>;

/** The objects a backfill reads, and the schema of each. */
export const RECORD_SCHEMAS = {
  Lead: SalesforceLead,
  Contact: SalesforceContact,
  Opportunity: SalesforceOpportunity,
  OpportunityHistory: SalesforceOpportunityHistory,
  OpportunityContactRole: SalesforceOpportunityContactRole,
  LeadHistory: SalesforceLeadHistory,
} as const;
export type SalesforceObjectName = keyof typeof RECORD_SCHEMAS;
export interface SalesforceRecordOf {
  Lead: SalesforceLead;
  Contact: SalesforceContact;
  Opportunity: SalesforceOpportunity;
  OpportunityHistory: SalesforceOpportunityHistory;
  OpportunityContactRole: SalesforceOpportunityContactRole;
  LeadHistory: SalesforceLeadHistory;
}

/** A page of `GET /services/data/vXX.X/query?q=...`: more to read while `done` is false. */
export const SalesforceQueryPage = z.object({
  totalSize: z.number().int().nonnegative(),
  done: z.boolean(),
  /** A relative path (`/services/data/v62.0/query/01g...-2000`), present while `done` is false. */
  nextRecordsUrl: z.string().min(1).optional(),
  records: z.array(z.unknown()),
});
export type SalesforceQueryPage = z.infer<typeof SalesforceQueryPage>;

/** The REST API's error body: an array of `{ message, errorCode, fields? }`. */
export const SalesforceErrorBody = z.array(
  z.object({
    message: z.string().optional(),
    errorCode: z.string().optional(),
    fields: z.array(z.string()).optional(),
  }),
);
/** The OAuth endpoint's error body. */
export const SalesforceOAuthError = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

/** `POST /services/oauth2/token` with `grant_type=refresh_token`. */
export const SalesforceTokenResponse = z.object({
  access_token: z.string().min(1),
  instance_url: z.string().url(),
  id: z.string().optional(),
  token_type: z.string().optional(),
  issued_at: z.string().optional(),
  signature: z.string().optional(),
  scope: z.string().optional(),
  /** Only when the connected app rotates refresh tokens: the old one is then spent. */
  refresh_token: z.string().min(1).optional(),
});
export type SalesforceTokenResponse = z.infer<typeof SalesforceTokenResponse>;

/** A payload that does not have the shape we read: the path names the field. */
export class SalesforcePayloadError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'SalesforcePayloadError';
  }
}

export function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string[] = []): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [...where, ...issue.path.map(String)].join('.') || '(root)';
  throw new SalesforcePayloadError(path, `${path}: ${issue.message}`);
}

/** Reads one record of an object (a backfill row, a re-fetch, an Outbound Message's sObject). */
export function parseRecord<K extends SalesforceObjectName>(
  object: K,
  value: unknown,
  where: string[] = [],
): SalesforceRecordOf[K] {
  return parseWith(RECORD_SCHEMAS[object] as unknown as z.ZodType<SalesforceRecordOf[K]>, value, [
    ...where,
  ]);
}

export function parseQueryPage(value: unknown): SalesforceQueryPage {
  return parseWith(SalesforceQueryPage, value);
}
