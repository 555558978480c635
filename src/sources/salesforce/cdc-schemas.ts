// Salesforce Change Data Capture events (JSON, as the Pub/Sub API or a relay hands them on): only the
// changed fields, several record ids per event.

import { z } from 'zod';
import { parseWith } from './schemas.js';

// ---------------------------------------------------------------------------------------------------
// Change Data Capture

export const CDC_CHANGE_TYPES = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'UNDELETE',
  'GAP_CREATE',
  'GAP_UPDATE',
  'GAP_DELETE',
  'GAP_UNDELETE',
  'GAP_OVERFLOW',
  // reserved by Salesforce for future use; read, never mapped
  'SNAPSHOT',
] as const;
export type CdcChangeType = (typeof CDC_CHANGE_TYPES)[number];

// Pub/Sub API sends changedFields, nulledFields and diffFields as bitmaps ("0x..." or "3-0x...") that
// only its schema decodes; a relay must decode them to names first
const fieldName = z
  .string()
  .min(1)
  .refine((s) => !/^(\d+-)?0x[0-9A-Fa-f]+$/.test(s), {
    message: 'a bitmap field list (Pub/Sub API): decode it to field names first',
  });
const commitNumber = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)])
  .transform((v) => String(v));

export const ChangeEventHeader = z.object({
  /** The object's API name: Lead, Opportunity, MyObject__c. */
  entityName: z.string().min(1),
  /** One or more records with the same change; `001*` (a prefix and `*`) means every record. */
  recordIds: z.array(z.string().regex(/^([a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?|[a-zA-Z0-9]{3}\*)$/)),
  changeType: z.enum(CDC_CHANGE_TYPES),
  changeOrigin: z.string().nullable().optional(),
  transactionKey: z.string().nullable().optional(),
  /** The change's order within its transaction. */
  sequenceNumber: z.number().int().nonnegative().optional(),
  /** When the transaction committed, epoch ms. */
  commitTimestamp: z.number().int().nonnegative(),
  /** The commit's system change number: orders commits of the same millisecond. */
  commitNumber: commitNumber.optional(),
  commitUser: z.string().nullable().optional(),
  /** UPDATE: the fields changed (compound components as `Name.LastName`). */
  changedFields: z.array(fieldName).optional(),
  /** Fields set to null. */
  nulledFields: z.array(fieldName).optional(),
  /** Long text fields sent as a diff, not a value. */
  diffFields: z.array(fieldName).optional(),
  isTransactionEnd: z.boolean().optional(),
});

const replayId = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform((v) => String(v));

/** A change event read: its header, the record fields it carries, and where it came from. */
export interface SalesforceChangeEvent {
  entityName: string;
  changeType: CdcChangeType;
  /** Record ids; empty for an event about every record of the entity (see `allRecords`). */
  recordIds: string[];
  /** True when the event names its records by prefix and `*` (or is an overflow event). */
  allRecords: boolean;
  commitTimestamp: number;
  /** Decimal text; "0" when the event had none. */
  commitNumber: string;
  sequenceNumber: number;
  transactionKey: string | null;
  changeOrigin: string | null;
  commitUser: string | null;
  changedFields: string[];
  nulledFields: string[];
  diffFields: string[];
  /** The body's fields as sent (compound fields nested), less the header. */
  fields: Record<string, unknown>;
  /** The event bus position (CometD `event.replayId`), when the message carried it. */
  replayId: string | null;
  channel: string | null;
}

const envelope = z.object({
  data: z
    .object({
      schema: z.string().optional(),
      payload: z.record(z.string(), z.unknown()),
      event: z.object({ replayId }).partial().optional(),
    })
    .optional(),
  schema: z.string().optional(),
  payload: z.record(z.string(), z.unknown()).optional(),
  event: z.object({ replayId }).partial().optional(),
  channel: z.string().optional(),
});

/**
 * Reads one change event: a CometD message (`{ data: { schema, payload, event }, channel }`), its
 * `data` (`{ schema, payload, event }`), or the bare payload (`{ ChangeEventHeader, ...fields }`).
 */
export function parseChangeEvent(value: unknown, index?: number): SalesforceChangeEvent {
  const at = index === undefined ? [] : [String(index)];
  const outer = parseWith(envelope, value, at);
  let payload: Record<string, unknown>;
  let where: string[];
  let replay: string | null = null;
  if (outer.data) {
    payload = outer.data.payload;
    where = [...at, 'data', 'payload'];
    replay = outer.data.event?.replayId ?? null;
  } else if (outer.payload) {
    payload = outer.payload;
    where = [...at, 'payload'];
    replay = outer.event?.replayId ?? null;
  } else {
    payload = value as Record<string, unknown>;
    where = at;
  }
  const header = parseWith(ChangeEventHeader, payload.ChangeEventHeader, [
    ...where,
    'ChangeEventHeader',
  ]);
  const fields: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(payload))
    if (name !== 'ChangeEventHeader') fields[name] = v;
  const wildcard = header.recordIds.some((id) => id.endsWith('*'));
  return {
    entityName: header.entityName,
    changeType: header.changeType,
    recordIds: wildcard ? [] : [...new Set(header.recordIds)],
    allRecords: wildcard || header.changeType === 'GAP_OVERFLOW',
    commitTimestamp: header.commitTimestamp,
    commitNumber: header.commitNumber ?? '0',
    sequenceNumber: header.sequenceNumber ?? 0,
    transactionKey: header.transactionKey ?? null,
    changeOrigin: header.changeOrigin ?? null,
    commitUser: header.commitUser ?? null,
    changedFields: header.changedFields ?? [],
    nulledFields: header.nulledFields ?? [],
    diffFields: header.diffFields ?? [],
    fields,
    replayId: replay,
    channel: outer.channel ?? null,
  };
}

/** Reads a receiver's body: one change event or an array of them. Throws naming the bad field. */
export function parseChangeEvents(body: unknown): SalesforceChangeEvent[] {
  if (Array.isArray(body)) return body.map((e, i) => parseChangeEvent(e, i));
  return [parseChangeEvent(body)];
}
