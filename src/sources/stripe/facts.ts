// Stripe's payloads as the facts a store keeps: each verified webhook event and each backfilled object
// as it was read, keyed so a redelivery or a re-read of an unchanged object changes nothing. A customer
// carries its keys to a person: its e-mail, phone, the tracker's anonymous id and CRM contact ids from
// its metadata. (The store names this shape again as StripeFact; the compiler holds the two together.)
import { createHash } from 'node:crypto';
import type { StripeResource } from './client.js';
import { customerRecord } from './mapping.js';
import {
  parseCustomer,
  parseStripeEvent,
  type ParsedStripeEvent,
  type StripeCustomer,
} from './schemas.js';

/** A payload as a fact: what the store's StripeFact holds. */
export interface StripeFact {
  /** `stripe:evt_...` for an event; `stripe:<type>:<id>:<sha256 of the body>` for a backfilled object. */
  key: string;
  origin: 'event' | 'backfill';
  /** `customer`, `subscription`, `invoice`, `discount`, else `other`. */
  objectType: string;
  objectId: string;
  customerId: string | null;
  /**
   * Epoch ms: the event's `created`; for a backfilled object its own `created` (when Stripe made it, no
   * later than the read), so a re-read keeps the time an erasure's tombstone is compared with.
   */
  occurredAt: number;
  /** Epoch ms: when the backfill read the object (which of two reads is the later); unset for events. */
  readAt?: number;
  body: string;
  match: {
    emails: string[];
    phones: string[];
    anonymousIds: string[];
    contactIds: string[];
    companyIds: string[];
  };
}

/** Metadata keys read as the tracker's anonymous id (the snippet's hidden form field's name first). */
export const ANONYMOUS_ID_METADATA = ['closedloop_anonymous_id', 'anonymous_id'] as const;
/** Metadata keys read as a CRM contact's id. */
export const CONTACT_ID_METADATA = [
  'crm_contact_id',
  'hubspot_contact_id',
  'salesforce_contact_id',
  'pipedrive_person_id',
] as const;

const noKeys = (): StripeFact['match'] => ({
  emails: [],
  phones: [],
  anonymousIds: [],
  contactIds: [],
  companyIds: [],
});

const present = (v: string | null | undefined): v is string =>
  typeof v === 'string' && v.trim() !== '';

/** A customer's keys to a person. */
export function customerMatchKeys(c: StripeCustomer): StripeFact['match'] {
  const r = customerRecord(c);
  const meta = (keys: readonly string[]) => [
    ...new Set(
      keys
        .map((k) => r.metadata[k])
        .filter(present)
        .map((v) => v.trim()),
    ),
  ];
  return {
    ...noKeys(),
    emails: present(r.email) ? [r.email.trim().toLowerCase()] : [],
    phones: present(r.phone) ? [r.phone.trim()] : [],
    anonymousIds: meta(ANONYMOUS_ID_METADATA),
    contactIds: meta(CONTACT_ID_METADATA),
  };
}

const idOf = (v: string | { id: string }) => (typeof v === 'string' ? v : v.id);

/** What an event is about: its object's type, id and customer. */
function subjectOf(
  e: ParsedStripeEvent,
): Pick<StripeFact, 'objectType' | 'objectId' | 'customerId'> {
  switch (e.kind) {
    case 'customer':
      return { objectType: 'customer', objectId: e.customer.id, customerId: e.customer.id };
    case 'subscription': {
      const s = e.subscription.subscription;
      return { objectType: 'subscription', objectId: s.id, customerId: idOf(s.customer) };
    }
    case 'invoice': {
      const i = e.invoice.invoice;
      return { objectType: 'invoice', objectId: i.id, customerId: idOf(i.customer) };
    }
    case 'discount': {
      const d = e.discount;
      return {
        objectType: 'discount',
        objectId: d.id ?? '',
        customerId: d.customer ? idOf(d.customer) : null,
      };
    }
    default: {
      const o = e.event.data.object as { id?: unknown };
      return {
        objectType: 'other',
        objectId: typeof o.id === 'string' ? o.id : '',
        customerId: null,
      };
    }
  }
}

/** A verified event (its body as received) as a fact. */
export function eventFact(body: string, parsed = parseStripeEvent(JSON.parse(body))): StripeFact {
  return {
    key: `stripe:${parsed.event.id}`,
    origin: 'event',
    ...subjectOf(parsed),
    occurredAt: parsed.event.created * 1000,
    body,
    match: parsed.kind === 'customer' ? customerMatchKeys(parsed.customer) : noKeys(),
  };
}

const RESOURCE_TYPE: Record<StripeResource, string> = {
  customers: 'customer',
  subscriptions: 'subscription',
  invoices: 'invoice',
};

/**
 * When a backfilled object came to be: its `created` (customers, subscriptions and invoices all carry
 * one), never after the read; the read time when it has none (a deleted customer's stub). Not a period
 * start or a payment time: those move between reads, and a tombstone must meet every read of an object
 * the erased person had at the same time.
 */
export function backfillObjectTime(object: unknown, readAt: number): number {
  const created = (object as { created?: unknown } | null)?.created;
  return typeof created === 'number' && Number.isFinite(created) && created > 0
    ? Math.min(created * 1000, readAt)
    : readAt;
}

/**
 * A backfilled object as a fact, keyed by its content: the same object read again unchanged is the
 * same fact; a changed one is a new fact (the later read wins where they differ). Dated by the
 * object's own time (backfillObjectTime), with the read time beside it.
 */
export function backfillFact(
  resource: StripeResource,
  object: unknown,
  readAt: number,
): StripeFact {
  const body = JSON.stringify(object);
  const o = object as { id?: unknown; customer?: unknown };
  const id = typeof o.id === 'string' ? o.id : '';
  const type = RESOURCE_TYPE[resource];
  const customerId =
    resource === 'customers'
      ? id
      : typeof o.customer === 'string'
        ? o.customer
        : o.customer && typeof (o.customer as { id?: unknown }).id === 'string'
          ? (o.customer as { id: string }).id
          : null;
  return {
    key: `stripe:${type}:${id}:${createHash('sha256').update(body).digest('hex')}`,
    origin: 'backfill',
    objectType: type,
    objectId: id,
    customerId,
    occurredAt: backfillObjectTime(object, readAt),
    readAt,
    body,
    match: resource === 'customers' ? customerMatchKeys(parseCustomer(object)) : noKeys(),
  };
}
