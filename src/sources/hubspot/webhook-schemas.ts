// HubSpot's webhook body: an array of up to 100 events (property changes, creations, deletions,
// merges, restores, association changes), each read with its path when it does not parse.

import { z } from 'zod';
import { epochMs, hubspotId, HubSpotPayloadError, parseWith } from './schemas.js';

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
